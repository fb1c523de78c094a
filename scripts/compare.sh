#!/usr/bin/env bash
# Benchmarks rnn4j against libtorch 2.7.1 (through DJL) and PyTorch 1.13 on the workloads of
# BENCH_SPEC.md and prints a Markdown ratio table.
#
# Usage: scripts/compare.sh [WORKLOAD ...]        (default: K1 K2 K3 K4 G1)
#   e.g. scripts/compare.sh K1 G1
# Environment:
#   WORKLOADS="K1 K2"   same as the arguments (arguments win)
#   QUICK=1             3 warm-up + 10 measured iterations of 200 ms each instead of 2 s each
#   SKIP_BUILD=1        reuse benchmarks/target/benchmarks.jar as it is
#   SKIP_DJL=1          do not run the libtorch (DJL) benchmarks
#   SKIP_PYTORCH=1      do not run the PyTorch 1.13 script
#   SKIP_CHECK=1        skip the rnn4j-vs-libtorch cross-check of outputs and gradients
#   PYTHON=...          interpreter with Debian's torch (default /usr/bin/python3)
#   RESULTS_DIR=...     where results go (default benchmarks/target/results, never committed)
#   JMH_ARGS="..."      extra JMH options, e.g. "-prof gc"
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="$ROOT/benchmarks/target/benchmarks.jar"
PYTHON="${PYTHON:-/usr/bin/python3}"
RESULTS_DIR="${RESULTS_DIR:-$ROOT/benchmarks/target/results}"
ALL="K1 K2 K3 K4 G1"

die() {
  echo "compare.sh: $*" >&2
  exit 1
}

if [[ $# -gt 0 ]]; then
  SELECTED="$*"
else
  SELECTED="${WORKLOADS:-$ALL}"
fi
for w in $SELECTED; do
  [[ " $ALL " == *" $w "* ]] || die "unknown workload '$w'; choose from: $ALL"
done

command -v java >/dev/null || die "java not found; install a JDK 17 (apt-get install openjdk-17-jdk-headless)"
if [[ "${SKIP_PYTORCH:-0}" != 1 ]]; then
  [[ -x "$PYTHON" ]] || die "$PYTHON not found; set PYTHON=... or SKIP_PYTORCH=1"
  "$PYTHON" -c 'import torch' 2>/dev/null ||
    die "$PYTHON cannot import torch; run 'apt-get install python3-torch libopenblas0-openmp' or set SKIP_PYTORCH=1"
fi

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  command -v mvn >/dev/null || die "mvn not found; install Maven or set SKIP_BUILD=1 with a built jar"
  echo "== building rnn4j and the benchmarks" >&2
  (cd "$ROOT" && mvn -q -B install -DskipTests -Dspotless.check.skip=true) ||
    die "building rnn4j failed (cd $ROOT && mvn install -DskipTests)"
  (cd "$ROOT/benchmarks" && mvn -q -B package -DskipTests -Dspotless.check.skip=true) ||
    die "building the benchmarks failed (cd $ROOT/benchmarks && mvn package -DskipTests)"
fi
[[ -f "$JAR" ]] || die "$JAR is missing; run without SKIP_BUILD=1, or: cd benchmarks && mvn package"

mkdir -p "$RESULTS_DIR"
JMH_JSON="$RESULTS_DIR/jmh.json"
TORCH_JSONL="$RESULTS_DIR/pytorch.jsonl"
TABLE="$RESULTS_DIR/table.md"
rm -f "$JMH_JSON" "$TORCH_JSONL" "$TABLE"

# Both oneDNN (rnn4j) and libtorch read their OpenMP thread count once, from the environment.
export OMP_NUM_THREADS=2
CSV="$(echo $SELECTED | tr ' ' ',')"
BENCHES='dev\.rnn4j\.bench\.(Rnn4jBench|DjlBench)\.run'
[[ "${SKIP_DJL:-0}" == 1 ]] && BENCHES='dev\.rnn4j\.bench\.Rnn4jBench\.run'
TIMES=()
[[ "${QUICK:-0}" == 1 ]] && TIMES=(-wi 3 -i 10 -w 200ms -r 200ms)

load() { cut -d' ' -f1-3 /proc/loadavg; }
echo "== $(date -u +%FT%TZ) rnn4j $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')," \
  "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(load)" >&2
if [[ "${SKIP_DJL:-0}" != 1 && "${SKIP_CHECK:-0}" != 1 ]]; then
  echo "== cross-check: rnn4j and libtorch compute the same outputs and gradients" >&2
  java -Dai.djl.offline=true -Dai.djl.pytorch.graph_optimizer=false -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "$JAR" dev.rnn4j.bench.CrossCheck >"$RESULTS_DIR/crosscheck.log" 2>&1 ||
    die "cross-check failed, the benchmarks would not time the same math; see $RESULTS_DIR/crosscheck.log"
  tail -n 1 "$RESULTS_DIR/crosscheck.log" >&2
fi
echo "== JMH: $SELECTED (OMP_NUM_THREADS=$OMP_NUM_THREADS) -> $JMH_JSON" >&2
# shellcheck disable=SC2086
java -jar "$JAR" "$BENCHES" -p workload="$CSV" "${TIMES[@]}" -rf json -rff "$JMH_JSON" \
  ${JMH_ARGS:-} >"$RESULTS_DIR/jmh.log" 2>&1 ||
  die "JMH failed; see $RESULTS_DIR/jmh.log (last lines: $(tail -n 5 "$RESULTS_DIR/jmh.log"))"
grep -oE '(rnn4j|libtorch) (K[1-4]|G1): .*|WARNING.*' "$RESULTS_DIR/jmh.log" >&2 || true

if [[ "${SKIP_PYTORCH:-0}" != 1 ]]; then
  echo "== PyTorch: $SELECTED -> $TORCH_JSONL" >&2
  # shellcheck disable=SC2086
  "$PYTHON" "$ROOT/scripts/bench_pytorch.py" $SELECTED >"$TORCH_JSONL" 2>"$RESULTS_DIR/pytorch.log" ||
    die "bench_pytorch.py failed; see $RESULTS_DIR/pytorch.log"
  cat "$RESULTS_DIR/pytorch.log" >&2
  grep -qi openblas "$RESULTS_DIR/pytorch.log" ||
    echo "WARNING: torch is not using OpenBLAS (apt-get install libopenblas0-openmp); its numbers are not representative" >&2
fi

echo "== load after: $(load) (2 shared cores: expect noise)" >&2
java -cp "$JAR" dev.rnn4j.bench.Report "$JMH_JSON" "$TORCH_JSONL" | tee "$TABLE"
echo "== table saved to $TABLE" >&2
