#!/usr/bin/env bash
# Benchmarks rnn4j against libtorch 2.7.1 (through DJL) and PyTorch 1.13 on the workloads of
# benchmarks/WORKLOADS.md and prints a Markdown ratio table.
#
# Usage: scripts/compare.sh [WORKLOAD ...]        (default: K1 K2 K3 K4 G1 S1)
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
#   CPU_GEMM=bf16       rnn4j's GEMM mode (sgemm, the default; f32; bf16 = mixed precision); the
#                       baselines stay f32
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="$ROOT/benchmarks/target/benchmarks.jar"
PYTHON="${PYTHON:-/usr/bin/python3}"
RESULTS_DIR="${RESULTS_DIR:-$ROOT/benchmarks/target/results}"
ALL="K1 K2 K3 K4 G1 S1"
CPU_GEMM="${CPU_GEMM:-sgemm}"
case "$CPU_GEMM" in sgemm | f32 | bf16) ;; *) echo "compare.sh: CPU_GEMM='$CPU_GEMM' is not one of sgemm, f32, bf16" >&2; exit 1 ;; esac

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
  echo "== building rnn4j and the benchmarks jar (with libtorch: -Pbench-jar)" >&2
  (cd "$ROOT" && mvn -q -B -Pbench-jar -pl benchmarks -am package -DskipTests) ||
    die "building the benchmarks failed (cd $ROOT && mvn -Pbench-jar -pl benchmarks -am package -DskipTests)"
fi
[[ -f "$JAR" ]] || die "$JAR is missing; run without SKIP_BUILD=1, or: mvn -Pbench-jar -pl benchmarks -am package -DskipTests"

mkdir -p "$RESULTS_DIR"
JMH_JSON="$RESULTS_DIR/jmh.json"
TORCH_JSONL="$RESULTS_DIR/pytorch.jsonl"
TABLE="$RESULTS_DIR/table.md"
rm -f "$JMH_JSON" "$TORCH_JSONL" "$TABLE"

# rnn4j runs oneDNN single-threaded and splits GEMMs over its own 2 threads (OMP_NUM_THREADS=1);
# libtorch uses 2 OpenMP threads. Each reads the variable once at start, so they run as two JMH runs.
KS="$(for w in $SELECTED; do if [[ $w != S1 ]]; then echo -n "$w "; fi; done)"
CSV="$(echo $KS | tr ' ' ',')"
TIMES=()
[[ "${QUICK:-0}" == 1 ]] && TIMES=(-wi 3 -i 10 -w 200ms -r 200ms)

load() { cut -d' ' -f1-3 /proc/loadavg; }
echo "== $(date -u +%FT%TZ) rnn4j $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')," \
  "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(load)" >&2
if [[ -n "$KS" && "${SKIP_DJL:-0}" != 1 && "${SKIP_CHECK:-0}" != 1 ]]; then
  echo "== cross-check: rnn4j and libtorch compute the same outputs and gradients" >&2
  java -Dai.djl.offline=true -Dai.djl.pytorch.graph_optimizer=false -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "$JAR" dev.rnn4j.bench.CrossCheck >"$RESULTS_DIR/crosscheck.log" 2>&1 ||
    die "cross-check failed, the benchmarks would not time the same math; see $RESULTS_DIR/crosscheck.log"
  tail -n 1 "$RESULTS_DIR/crosscheck.log" >&2
fi
jmh() { # jmh OMP_THREADS REGEX OUT.json [args...]
  local omp=$1 regex=$2 out=$3
  shift 3
  echo "== JMH $regex (OMP_NUM_THREADS=$omp) -> $out" >&2
  # shellcheck disable=SC2086
  OMP_NUM_THREADS=$omp java -jar "$JAR" "$regex" "$@" "${TIMES[@]}" -rf json -rff "$out" \
    ${JMH_ARGS:-} >>"$RESULTS_DIR/jmh.log" 2>&1 ||
    die "JMH failed; see $RESULTS_DIR/jmh.log (last lines: $(tail -n 5 "$RESULTS_DIR/jmh.log"))"
}
: >"$RESULTS_DIR/jmh.log"
PARTS=()
if [[ -n "$KS" ]]; then
  jmh 1 'dev\.rnn4j\.bench\.Rnn4jBench\.run' "$RESULTS_DIR/jmh-rnn4j.json" -p workload="$CSV" -p gemm="$CPU_GEMM"
  PARTS+=("$RESULTS_DIR/jmh-rnn4j.json")
  if [[ "${SKIP_DJL:-0}" != 1 ]]; then
    jmh 2 'dev\.rnn4j\.bench\.DjlBench\.run' "$RESULTS_DIR/jmh-djl.json" -p workload="$CSV"
    PARTS+=("$RESULTS_DIR/jmh-djl.json")
  fi
  grep -oE '(rnn4j|libtorch) (K[1-4]|G1): .*|WARNING.*' "$RESULTS_DIR/jmh.log" >&2 || true
  python3 -c 'import json, sys; print(json.dumps([r for f in sys.argv[1:] for r in json.load(open(f))]))' \
    "${PARTS[@]}" >"$JMH_JSON"
fi

if [[ -n "$KS" && "${SKIP_PYTORCH:-0}" != 1 ]]; then
  echo "== PyTorch: $KS -> $TORCH_JSONL" >&2
  # shellcheck disable=SC2086
  "$PYTHON" "$ROOT/scripts/bench_pytorch.py" $KS >"$TORCH_JSONL" 2>"$RESULTS_DIR/pytorch.log" ||
    die "bench_pytorch.py failed; see $RESULTS_DIR/pytorch.log"
  cat "$RESULTS_DIR/pytorch.log" >&2
  grep -qi openblas "$RESULTS_DIR/pytorch.log" ||
    echo "WARNING: torch is not using OpenBLAS (apt-get install libopenblas0-openmp); its numbers are not representative" >&2
fi

echo "== load after: $(load) (2 shared cores: expect noise)" >&2
if [[ -n "$KS" ]]; then
  java -cp "$JAR" dev.rnn4j.bench.Report "$JMH_JSON" "$TORCH_JSONL" | tee "$TABLE"
  echo "== table saved to $TABLE" >&2
fi

if [[ " $SELECTED " == *" S1 "* ]]; then
  jmh 1 'dev\.rnn4j\.bench\.Seq2SeqBench\.step' "$RESULTS_DIR/jmh-s1.json" -p gemm="$CPU_GEMM"
  S1_MS=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["primaryMetric"]["score"])' "$RESULTS_DIR/jmh-s1.json")
  S1_TORCH=""
  if [[ "${SKIP_PYTORCH:-0}" != 1 ]]; then
    S1_TORCH=$("$PYTHON" "$ROOT/scripts/bench_s1_pytorch.py" 2>>"$RESULTS_DIR/pytorch.log")
  fi
  python3 - "$S1_MS" "$S1_TORCH" "$CPU_GEMM" <<'PY' | tee -a "$TABLE"
import json, sys
ms = float(sys.argv[1]); tok = 64 * 30 * 1000 / ms
line = f"| S1 seq2seq training step (B=64, 30/30, V=8000, H=512), rnn4j GEMMs: {sys.argv[3]} | {ms:.1f} ms | {tok:,.0f} target tok/s |"
if sys.argv[2]:
    t = json.loads(sys.argv[2])
    line += f" PyTorch 1.13: {t['median_ms']:.1f} ms, {t['tokens_per_s']:,.0f} tok/s | {tok / t['tokens_per_s']:.2f}x |"
print(line)
PY
fi
