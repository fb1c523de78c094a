#!/usr/bin/env bash
# Runs on the GPU host (no Java, no network), from the repository root, after scripts/gpu_bundle.sh
# made bundle/rnn4j-gpu.tar.gz here: unpacks it, runs every test of dev.rnn4j.backend.cuda on the
# GPU, then K1-K4 on rnn4j's CUDA backend and on PyTorch + cuDNN side by side. Everything it writes
# goes under $OUT (default ./gpu-out): nvidia-smi.txt, env.txt, tests.log, junit/ (XML reports),
# rnn4j_bench.{csv,log}, torch_bench.{csv,log}, summary.txt. Exit status: that of the tests.
# Time limits per stage: TEST_TIMEOUT (default 300 s), BENCH_TIMEOUT (default 90 s each): at most
# 8 minutes in all, inside the 10 minutes one device command may run.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${OUT:-$ROOT/gpu-out}"
ARCHIVE="${ARCHIVE:-$ROOT/bundle/rnn4j-gpu.tar.gz}"
TEST_TIMEOUT="${TEST_TIMEOUT:-300}"
BENCH_TIMEOUT="${BENCH_TIMEOUT:-90}"
mkdir -p "$OUT"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/rnn4j-gpu.XXXXXX")"
mkdir -p "$WORK/tmp" "$WORK/javacpp"
tar -xzf "$ARCHIVE" -C "$WORK"

# CUDA 13 libraries (cuBLAS, cudart) come from the PyTorch environment's nvidia wheels.
CU13=""
while read -r d; do
  if [[ -d "$d/nvidia/cu13/lib" ]]; then CU13="$d/nvidia/cu13/lib"; break; fi
done < <(python3 -c 'import site; print("\n".join(site.getsitepackages()))' 2>/dev/null)
if [[ -n "$CU13" ]]; then
  export LD_LIBRARY_PATH="$CU13${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
unset LD_BIND_NOW

JAVA="$WORK/runtime/bin/java"
CP="$WORK/test-classes"
for j in "$WORK"/lib/*.jar; do CP="$CP:$j"; done
CONSOLE="$(ls "$WORK"/junit/junit-platform-console-standalone-*.jar)"
JOPTS=(-Xmx16g --enable-native-access=ALL-UNNAMED -Djava.io.tmpdir="$WORK/tmp"
  -Dorg.bytedeco.javacpp.cachedir="$WORK/javacpp")

{
  echo "date: $(date -u +%FT%TZ)"
  echo "cu13 libs: ${CU13:-not found (cuBLAS will not load; GEMMs use the fallback kernel)}"
  echo "LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-}"
  "$JAVA" -version 2>&1
} > "$OUT/env.txt"
nvidia-smi > "$OUT/nvidia-smi.txt" 2>&1

timeout "$TEST_TIMEOUT" "$JAVA" "${JOPTS[@]}" -cp "$CP:$CONSOLE" \
  org.junit.platform.console.ConsoleLauncher execute \
  --disable-banner --details=tree --select-package dev.rnn4j.backend.cuda \
  --reports-dir "$OUT/junit" > "$OUT/tests.log" 2>&1
TESTS_RC=$?

timeout "$BENCH_TIMEOUT" "$JAVA" "${JOPTS[@]}" -cp "$CP" dev.rnn4j.backend.cuda.CudaBench \
  "$OUT/rnn4j_bench.csv" > "$OUT/rnn4j_bench.log" 2>&1
BENCH_RC=$?
timeout "$BENCH_TIMEOUT" python3 "$ROOT/scripts/torch_bench.py" "$OUT/torch_bench.csv" \
  > "$OUT/torch_bench.log" 2>&1
TORCH_RC=$?

{
  echo "tests: exit $TESTS_RC"
  grep -E "tests (successful|failed|skipped|aborted)" "$OUT/tests.log" || tail -20 "$OUT/tests.log"
  echo "rnn4j bench: exit $BENCH_RC"; cat "$OUT/rnn4j_bench.csv" 2>/dev/null
  echo "torch bench: exit $TORCH_RC"; cat "$OUT/torch_bench.csv" 2>/dev/null
} > "$OUT/summary.txt"
cat "$OUT/summary.txt"
rm -rf "$WORK"
exit "$TESTS_RC"
