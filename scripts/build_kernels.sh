#!/usr/bin/env bash
# Builds the CUDA kernels in cuda/*.cu into classpath resources under OUT_DIR (default
# cuda/target/classes/dev/rnn4j/cuda, the rnn4j-cuda module's), three files per kernel family NAME:
#   NAME.fatbin       sm_80 + sm_90 machine code and compute_90 PTX (loads with no JIT on A100/H100)
#   NAME.ptx          PTX ISA 9.0 for compute_80 (JIT-compiled once per process on any sm_80+ GPU;
#                     needs a CUDA 13 driver, r580 or newer)
#   NAME.isa80.ptx    the same PTX declared as ISA 8.0 (CUDA 12.0, driver r525+): a cheap variant
#                     for older drivers, valid because ptxas accepts it (scripts/check_kernels.sh)
# The backend tries them in that order.  Only files older than their sources are rebuilt.
# Without nvcc it prints what it skipped and exits 0: the build then has no CUDA kernels and the
# CUDA backend reports itself unavailable.  Called by the Maven profile `cuda-kernels` of
# cuda/pom.xml.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT_DIR="${1:-$ROOT/cuda/target/classes/dev/rnn4j/cuda}"
NVCC="${NVCC:-/usr/local/cuda/bin/nvcc}"
SRC="$ROOT/cuda"

if [[ ! -x "$NVCC" ]]; then
  echo "rnn4j: skipped building CUDA kernels: nvcc not found at $NVCC (set NVCC=...);" \
    "this build has no CUDA kernels and the CUDA backend will report itself unavailable"
  exit 0
fi

mkdir -p "$OUT_DIR"
FLAGS=(-O3 -std=c++17 -Xptxas=--warn-on-spills)
built=0
for cu in "$SRC"/*.cu; do
  name="$(basename "$cu" .cu)"
  ptx="$OUT_DIR/$name.ptx"
  fatbin="$OUT_DIR/$name.fatbin"
  compat="$OUT_DIR/$name.isa80.ptx"
  if [[ -f "$ptx" && -f "$fatbin" && -f "$compat" && "$ptx" -nt "$cu" && "$fatbin" -nt "$cu" \
    && "$ptx" -nt "$SRC/common.cuh" && "$fatbin" -nt "$SRC/common.cuh" && "$compat" -nt "$ptx" ]]; then
    continue
  fi
  "$NVCC" "${FLAGS[@]}" -ptx -arch=compute_80 -o "$ptx" "$cu"
  "$NVCC" "${FLAGS[@]}" -fatbin \
    -gencode arch=compute_80,code=sm_80 \
    -gencode arch=compute_90,code='[sm_90,compute_90]' \
    -o "$fatbin" "$cu"
  sed 's/^\.version 9\.[0-9]*$/.version 8.0/' "$ptx" > "$compat"
  built=$((built + 1))
done
echo "rnn4j: CUDA kernels in $OUT_DIR ($built rebuilt with $("$NVCC" --version | tail -1))"
