#!/usr/bin/env bash
# Runs several `rnn4j train` configurations side by side on the CUDA backend of a GPU host, for
# choosing hyperparameters on the dev set before a run on the CPU (the G2P target of docs/G2P.md
# is for a model trained on 2 CPU cores; this only ranks settings faster). Runs on the GPU host
# from the repository root, after scripts/gpu_bundle.sh made bundle/rnn4j-gpu.tar.gz and
#   tar -C data/cmudict -czf bundle/cmudict.tar.gz train.tsv dev.tsv
# put the data beside it (about 1 MiB).
#
# Configurations: CONF (default scripts/g2p_sweep.conf), one per line: a name, then the options
# added to the shared ones of its `base` line. Every run stops after the epoch at which another
# would pass SWEEP_MINUTES (default 6) and is killed KILL_SECONDS after its start (default
# SWEEP_MINUTES + 2 minutes; a short KILL_SECONDS makes a speed probe: the logs keep the progress
# lines with tokens/s). MPS=1 starts the CUDA multi-process service first, so that the runs'
# kernels may share the GPU at once instead of taking turns; the log says whether it started.
# BACKEND=cpu tries the script's mechanics on a machine without a GPU.
# Writes to $OUT (default ./gpu-out): TAG.txt (TAG default sweep: each run's epoch lines and its
# last progress line) and TAG-logs.tar.gz (every run's whole log).
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${OUT:-$ROOT/gpu-out}"
ARCHIVE="${ARCHIVE:-$ROOT/bundle/rnn4j-gpu.tar.gz}"
DATA_ARCHIVE="${DATA_ARCHIVE:-$ROOT/bundle/cmudict.tar.gz}"
CONF="${CONF:-$ROOT/scripts/g2p_sweep.conf}"
SWEEP_MINUTES="${SWEEP_MINUTES:-6}"
TAG="${TAG:-sweep}"
for f in "$ARCHIVE" "$DATA_ARCHIVE" "$CONF"; do
  [[ -f "$f" ]] || { echo "gpu_sweep: $f is missing (see the comment at the top of $0)" >&2; exit 2; }
done
BASE="$(sed -n 's/^base[[:space:]]\+//p' "$CONF")"
mapfile -t RUNS < <(grep -v -E '^[[:space:]]*(#|$)|^base[[:space:]]' "$CONF")
if [[ -z "$BASE" || ${#RUNS[@]} == 0 ]]; then
  echo "gpu_sweep: $CONF needs a 'base OPTIONS' line and at least one 'NAME OPTIONS' line" >&2
  exit 2
fi
mkdir -p "$OUT"
# shellcheck source=gpu_env.sh
source "$ROOT/scripts/gpu_env.sh"
mkdir -p "$WORK/data" "$WORK/runs"
tar -xzf "$DATA_ARCHIVE" -C "$WORK/data"

echo "== ${#RUNS[@]} runs side by side, ${SWEEP_MINUTES} min each"
KILL_AFTER="${KILL_SECONDS:-$(awk -v m="$SWEEP_MINUTES" 'BEGIN { printf "%d", m * 60 + 120 }')}"
if [[ "${MPS:-0}" == 1 ]]; then
  export CUDA_MPS_PIPE_DIRECTORY="$WORK/mps-pipe" CUDA_MPS_LOG_DIRECTORY="$WORK/mps-log"
  mkdir -p "$CUDA_MPS_PIPE_DIRECTORY" "$CUDA_MPS_LOG_DIRECTORY"
  if nvidia-cuda-mps-control -d; then echo "MPS: started"; else echo "MPS: failed to start"; fi
fi
for line in "${RUNS[@]}"; do
  read -r name extra <<< "$line"
  (
    # shellcheck disable=SC2086 # BASE and extra are option lists
    timeout -k 5 "$KILL_AFTER" "$JAVA" "${JOPTS[@]/-Xmx8g/-Xmx4g}" -XX:ActiveProcessorCount=2 \
      -cp "$CP" dev.rnn4j.cli.Main train --train "$WORK/data/train.tsv" \
      --dev "$WORK/data/dev.tsv" --out "$WORK/runs/$name" --backend "${BACKEND:-cuda}" \
      --time-limit "$SWEEP_MINUTES" $BASE $extra 2>&1 \
      | tr '\r' '\n' > "$WORK/logs/$name.log"
    echo "exit ${PIPESTATUS[0]}" >> "$WORK/logs/$name.log"
  ) &
done
wait
if [[ "${MPS:-0}" == 1 ]]; then
  echo quit | nvidia-cuda-mps-control
  cat "$CUDA_MPS_LOG_DIRECTORY"/control.log 2>/dev/null | tail -n 5
fi

{
  echo "base: $BASE"
  for line in "${RUNS[@]}"; do
    read -r name extra <<< "$line"
    echo
    echo "## $name: $extra"
    grep -E '^(epoch [0-9]+:|model:|done:|exit |error|Exception)' "$WORK/logs/$name.log"
    grep -E '^epoch [0-9]+ \[' "$WORK/logs/$name.log" | tail -n 1
  done
} > "$OUT/$TAG.txt"
cat "$OUT/$TAG.txt"
tar -C "$WORK" -czf "$OUT/$TAG-logs.tar.gz" logs
rm -rf "$WORK"
