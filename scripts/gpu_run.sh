#!/usr/bin/env bash
# Runs on the GPU host (no Java, no network), from the repository root, after scripts/gpu_bundle.sh
# made bundle/rnn4j-gpu.tar.gz here: unpacks it, runs every test class of dev.rnn4j.backend.cuda on
# the GPU (each class in its own JVM, in parallel, with CUDA_LAUNCH_BLOCKING=1 so that a failing
# kernel is named by the launch that failed, and one class's crash or hang cannot hide the others'
# results), then, one after the other: CudaProfile (host and GPU time per launch; once per -D
# option in PROFILE_VARIANTS, default: as shipped, and without the fused LSTM step), K1-K4 and S1
# on rnn4j's CUDA backend in float32 and with TF32, and the same on PyTorch + cuDNN (strict float32
# and TF32). On the H200 of 2026-11-27 the whole script took 70 s.
#
# Writes at most 7 files to $OUT (default ./gpu-out; the device tool brings back 8 at most):
#   summary.txt   per-class test counts, failures with their first lines, both benchmark tables
#                 and the rnn4j/PyTorch ratios
#   env.txt       date, nvidia-smi, the CUDA libraries found, the Java runtime
#   tests.log     every class's console output, one after the other
#   reports.tar.gz JUnit XML reports and any JVM crash files (hs_err_*.log)
#   rnn4j_bench.csv, torch_bench.csv (ids K1..S1 float32, K1-tf32..S1-tf32 TF32)
#   bench.log     the profile and both benchmark programs' output
# Exit status: 0 when every test class passed.
# Time limits: CLASS_TIMEOUT per test class (default 150 s; the classes run side by side),
# BENCH_TIMEOUT for each profile and benchmark program (default 120 s). SKIP_BENCH=1 runs the tests
# only (then summary.txt, env.txt, tests.log and reports.tar.gz are written).
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${OUT:-$ROOT/gpu-out}"
ARCHIVE="${ARCHIVE:-$ROOT/bundle/rnn4j-gpu.tar.gz}"
CLASS_TIMEOUT="${CLASS_TIMEOUT:-150}"
BENCH_TIMEOUT="${BENCH_TIMEOUT:-120}"
mkdir -p "$OUT"
# shellcheck source=gpu_env.sh
source "$ROOT/scripts/gpu_env.sh"

{
  echo "date: $(date -u +%FT%TZ)"
  echo "cu13 libs: ${CU13:-not found (cuBLAS will not load; GEMMs use the fallback kernel)}"
  echo "LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-}"
  "$JAVA" -version 2>&1
  nvidia-smi 2>&1
  nproc
} > "$OUT/env.txt"

# Every test class of the CUDA package, from the bundle's compiled tests.
mapfile -t CLASSES < <(cd "$WORK/test-classes" && ls dev/rnn4j/backend/cuda/*Test.class \
  | sed 's|/|.|g; s|\.class$||')
echo "== ${#CLASSES[@]} test classes, side by side, ${CLASS_TIMEOUT} s each at most"
for c in "${CLASSES[@]}"; do
  short="${c##*.}"
  (
    CUDA_LAUNCH_BLOCKING=1 timeout -k 5 "$CLASS_TIMEOUT" "$JAVA" "${JOPTS[@]}" \
      -cp "$CP:$CONSOLE" org.junit.platform.console.ConsoleLauncher execute \
      --disable-banner --details=tree --select-class "$c" \
      --reports-dir "$WORK/reports/$short" > "$WORK/logs/$short.log" 2>&1
    echo $? > "$WORK/logs/$short.rc"
  ) &
done
wait

TESTS_RC=0
{
  echo "== tests (class: exit status, counts)"
  for c in "${CLASSES[@]}"; do
    short="${c##*.}"
    rc="$(cat "$WORK/logs/$short.rc")"
    [[ "$rc" != 0 ]] && TESTS_RC=1
    counts="$(grep -E '^\[ +[0-9]+ tests (successful|failed|skipped|aborted)' "$WORK/logs/$short.log" \
      | sed -E 's/^\[ +([0-9]+) tests ([a-z]+).*/\2 \1/' | tr '\n' ' ')"
    [[ "$rc" == 124 || "$rc" == 137 ]] && counts="TIMED OUT after ${CLASS_TIMEOUT} s; $counts"
    echo "$short: exit $rc; $counts"
  done
  echo
  echo "== failures (first lines of each)"
  for c in "${CLASSES[@]}"; do
    short="${c##*.}"
    grep -E -A3 '✘|\[X\]' "$WORK/logs/$short.log" | head -60 | sed "s|^|$short: |"
  done
} > "$WORK/tests-summary.txt"
for c in "${CLASSES[@]}"; do
  short="${c##*.}"
  echo "######## $short (exit $(cat "$WORK/logs/$short.rc"))"
  cat "$WORK/logs/$short.log"
done > "$OUT/tests.log"
cat "$WORK/tests-summary.txt"

if [[ "${SKIP_BENCH:-0}" == 1 ]]; then
  cp "$WORK/tests-summary.txt" "$OUT/summary.txt"
  tar -C "$WORK" -czf "$OUT/reports.tar.gz" reports
  rm -rf "$WORK"
  exit "$TESTS_RC"
fi

echo "== profile and benchmarks"
{
  for opts in ${PROFILE_VARIANTS:--Drnn4j.cuda.launch=buffer -Drnn4j.cuda.fusedStepMaxBatch=0}; do
    timeout -k 5 "$BENCH_TIMEOUT" "$JAVA" "${JOPTS[@]}" $opts -cp "$CP" \
      dev.rnn4j.backend.cuda.CudaProfile 2>&1
    echo "profile ($opts): exit $?"
  done
  for tf32 in false true; do
    timeout -k 5 "$BENCH_TIMEOUT" "$JAVA" "${JOPTS[@]}" -Drnn4j.cuda.tf32="$tf32" -cp "$CP" \
      dev.rnn4j.backend.cuda.CudaBench "$WORK/rnn4j_bench_$tf32.csv" 2>&1
    echo "rnn4j bench (tf32=$tf32): exit $?"
  done
  PYTHONUNBUFFERED=1 timeout -k 5 "$BENCH_TIMEOUT" python3 "$ROOT/scripts/torch_bench.py" \
    "$OUT/torch_bench.csv" 2>&1
  echo "torch bench: exit $?"
} > "$OUT/bench.log"
cat "$WORK"/rnn4j_bench_false.csv > "$OUT/rnn4j_bench.csv" 2>/dev/null
tail -n +2 "$WORK"/rnn4j_bench_true.csv >> "$OUT/rnn4j_bench.csv" 2>/dev/null
grep -E 'us/call|exit' "$OUT/bench.log"

{
  cat "$WORK/tests-summary.txt"
  echo
  echo "== rnn4j"; cat "$OUT/rnn4j_bench.csv" 2>/dev/null
  echo "== PyTorch"; cat "$OUT/torch_bench.csv" 2>/dev/null
  echo "== median ms, rnn4j / PyTorch (below 1: rnn4j faster)"
  if [[ -f "$OUT/rnn4j_bench.csv" && -f "$OUT/torch_bench.csv" ]]; then
    awk -F, 'FNR == 1 { next } NR == FNR { r[$1] = $4; next }
      ($1 in r) && $4 > 0 { printf "%s %.3f / %.3f ms = %.2f\n", $1, r[$1], $4, r[$1] / $4 }' \
      "$OUT/rnn4j_bench.csv" "$OUT/torch_bench.csv"
  fi
} > "$OUT/summary.txt"
cat "$OUT/summary.txt"
tar -C "$WORK" -czf "$OUT/reports.tar.gz" reports
rm -rf "$WORK"
exit "$TESTS_RC"
