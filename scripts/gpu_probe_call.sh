#!/usr/bin/env bash
# One device call: the CUDA package's tests (no benchmarks), then how fast `rnn4j train` on the
# G2P model runs on the GPU alone and four at a time under MPS (45 s each, tokens/s from the
# progress lines), to size a scripts/gpu_sweep.sh run. Needs bundle/ as for gpu_sweep.sh.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${OUT:-$ROOT/gpu-out}"
mkdir -p "$OUT"
SKIP_BENCH=1 CLASS_TIMEOUT="${CLASS_TIMEOUT:-100}" bash "$ROOT/scripts/gpu_run.sh" > "$OUT/console.txt" 2>&1
echo "gpu_run: exit $?" >> "$OUT/console.txt"
CONF="$ROOT/scripts/g2p_sweep.conf"
grep -E '^(base|wd003) ' "$CONF" > /tmp/probe1.conf
grep -E '^(base|wd003|wd01|wd02|wd006) ' "$CONF" > /tmp/probe4.conf
CONF=/tmp/probe1.conf TAG=probe1 KILL_SECONDS=45 SWEEP_MINUTES=1 bash "$ROOT/scripts/gpu_sweep.sh" >> "$OUT/console.txt" 2>&1
MPS=1 CONF=/tmp/probe4.conf TAG=probe4mps KILL_SECONDS=45 SWEEP_MINUTES=1 bash "$ROOT/scripts/gpu_sweep.sh" >> "$OUT/console.txt" 2>&1
rm -f "$OUT"/probe*-logs.tar.gz
tail -n 40 "$OUT/console.txt"
