#!/usr/bin/env bash
# A/B of two commits on the JMH suite's rnn4j benchmark (benchmarks/.../Rnn4jBench), without the
# benchmarks project's DJL/libtorch dependencies: builds each commit's classes in a worktree,
# compiles Rnn4jBench once with JMH's annotation processor, then runs the two builds alternately
# (A, B, A, B, ...) so that a change in the machine's load hits both. Prints one line per run and
# the mean per workload; JSON per run under OUT.
#
# Usage: scripts/bench/jmh_ab.sh COMMIT_A COMMIT_B [ROUNDS (3)] [JMH args...]
#   e.g. scripts/bench/jmh_ab.sh 9c6ec0d 85435ee 3 -p workload=K2,K3 -p kernels=false
# Environment: OUT (default /tmp/rnn4j-jmh-ab), THREADS (rnn4j.threads, default 1), BENCH
# (Rnn4jBench, the default, or OpFamilyBench: one micro-benchmark per op family).
# Needs the JMH jars in the local Maven repository (any build of the root, whose benchmarks module
# compiles with JMH, fetches them). Works on commits of either layout: the library built alone,
# from src/pom.xml (a module of the root build) or from the root pom.xml of before the modules.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
[ $# -ge 2 ] || { sed -n 2,13p "$0" >&2; exit 2; }
a="$1"
b="$2"
rounds="${3:-3}"
shift $(($# >= 3 ? 3 : 2))
out="${OUT:-/tmp/rnn4j-jmh-ab}"
m2="${HOME}/.m2/repository"
jmh="$m2/org/openjdk/jmh/jmh-core/1.37/jmh-core-1.37.jar:$m2/org/openjdk/jmh/jmh-generator-annprocess/1.37/jmh-generator-annprocess-1.37.jar:$m2/net/sf/jopt-simple/jopt-simple/5.0.4/jopt-simple-5.0.4.jar:$m2/org/apache/commons/commons-math3/3.6.1/commons-math3-3.6.1.jar"
for j in ${jmh//:/ }; do
  [ -f "$j" ] || { echo "jmh_ab: $j missing; build the benchmarks project once (see benchmarks/README.md)" >&2; exit 2; }
done
mkdir -p "$out"
# The library's build output in a worktree: src/target with the modules, target before them.
lib() { if [ -f "$1/src/pom.xml" ]; then echo "$1/src/target"; else echo "$1/target"; fi; }
for c in "$a" "$b"; do
  wt="$out/wt-$c"
  [ -d "$wt" ] || git worktree add -f --detach "$wt" "$c" >/dev/null
  if [ -f "$wt/src/pom.xml" ]; then
    (cd "$wt" && mvn -B -o -q -pl src package -Dmaven.test.skip=true -Dspotless.check.skip=true \
      dependency:build-classpath -Dmdep.includeScope=runtime \
      -Dmdep.outputFile=target/rnn4j-classpath.txt >&2)
  else
    (cd "$wt" && mvn -B -o -q package -Dmaven.test.skip=true -Dspotless.check.skip=true >&2)
  fi
done
deps="$(cat "$(lib "$out/wt-$b")/rnn4j-classpath.txt"):$jmh"
rm -rf "$out/bench" && mkdir -p "$out/bench"
javac -d "$out/bench" -cp "$(lib "$out/wt-$b")/classes:$deps" \
  -processor org.openjdk.jmh.generators.BenchmarkProcessor \
  benchmarks/src/main/java/dev/rnn4j/bench/{Rnn4jBench,Workload,Threads,OpFamilyBench}.java
for r in $(seq 1 "$rounds"); do
  for c in "$a" "$b"; do
    OMP_NUM_THREADS=1 java -cp "$out/bench:$(lib "$out/wt-$c")/classes:$deps" org.openjdk.jmh.Main \
      "${BENCH:-Rnn4jBench}" -wi 4 -i 10 -w 1 -r 1 -f 1 -jvmArgsAppend "-Drnn4j.threads=${THREADS:-1}" \
      -rf json -rff "$out/$c-$r.json" "$@" > "$out/$c-$r.log" 2>&1
    echo "$(date -u +%H:%M:%S) $c round $r: $(uptime | sed 's/.*load average/load average/')" >&2
  done
done
python3 - "$out" "$a" "$b" "$rounds" <<'PY'
import json, sys
out, a, b, rounds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
means = {}
for c in (a, b):
    for r in range(1, rounds + 1):
        for x in json.load(open(f"{out}/{c}-{r}.json")):
            key = ",".join(f"{k}={v}" for k, v in sorted(x["params"].items()))
            s = x["primaryMetric"]["score"]
            print(f"{c} round {r} {key}: {s:.3f} ± {x['primaryMetric']['scoreError']:.3f} ms")
            means.setdefault(key, {}).setdefault(c, []).append(s)
for key, v in means.items():
    ma, mb = (sum(v[c]) / len(v[c]) for c in (a, b))
    print(f"{key}: mean {a} {ma:.3f} ms, {b} {mb:.3f} ms, {b}/{a} = {mb / ma:.3f}")
PY
