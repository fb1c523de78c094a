#!/usr/bin/env bash
# CI check of the CUDA kernels without a GPU: builds every cuda/*.cu to PTX (scripts/build_kernels.sh
# into a scratch folder) and assembles each PTX file, and its ISA 8.0 variant, with
#   ptxas -arch=sm_80 / sm_90 -v --warn-on-spills -Werror
# Fails (exit 1) on any assembler error or warning, any register spill or any stack frame; prints one
# line per kernel and architecture with registers, spill bytes, stack and shared memory.
# Usage: scripts/check_kernels.sh [PTX_DIR]   (PTX_DIR: check already-built files instead)
# Without nvcc/ptxas it says so and exits 0 (nothing to check), unless REQUIRE_CUDA=1.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CUDA_HOME="${CUDA_HOME:-/usr/local/cuda}"
PTXAS="${PTXAS:-$CUDA_HOME/bin/ptxas}"
ARCHS=(sm_80 sm_90)

if [[ ! -x "$PTXAS" ]]; then
  echo "check_kernels: ptxas not found at $PTXAS: kernels NOT checked"
  [[ "${REQUIRE_CUDA:-0}" == 1 ]] && exit 1
  exit 0
fi

if [[ $# -ge 1 ]]; then
  DIR="$1"
else
  DIR="$(mktemp -d)"
  trap 'rm -rf "$DIR"' EXIT
  NVCC="${NVCC:-$CUDA_HOME/bin/nvcc}" "$ROOT/scripts/build_kernels.sh" "$DIR" >/dev/null
fi

shopt -s nullglob
files=("$DIR"/*.ptx)
if [[ ${#files[@]} -eq 0 ]]; then
  echo "check_kernels: no PTX files in $DIR"
  exit 1
fi

status=0
printf '%-16s %-34s %-6s %5s %7s %7s %6s %6s\n' file kernel arch regs spill_st spill_ld stack smem
for ptx in "${files[@]}"; do
  for arch in "${ARCHS[@]}"; do
    log="$(mktemp)"
    if ! "$PTXAS" -arch="$arch" -v --warn-on-spills -Werror -o /dev/null "$ptx" >"$log" 2>&1; then
      echo "FAIL: ptxas -arch=$arch $(basename "$ptx"):"
      sed 's/^/    /' "$log"
      status=1
    fi
    if grep -qiE 'warning|error' "$log"; then
      grep -iE 'warning|error' "$log" | sed "s|^|    $(basename "$ptx") $arch: |"
      status=1
    fi
    # One row per entry function from ptxas -v.
    awk -v file="$(basename "$ptx")" -v arch="$arch" '
      /Compiling entry function/ { match($0, /'\''[^'\'']+'\''/); fn = substr($0, RSTART + 1, RLENGTH - 2) }
      /bytes stack frame/ { stack = $1; st = $5; ld = $9 }
      /Used [0-9]+ registers/ {
        regs = $5; smem = 0
        if (match($0, /[0-9]+ bytes smem/)) { smem = substr($0, RSTART, RLENGTH); sub(/ bytes smem/, "", smem) }
        printf "%-16s %-34s %-6s %5s %7s %7s %6s %6s\n", file, fn, arch, regs, st, ld, stack, smem
        if (st + 0 > 0 || ld + 0 > 0 || stack + 0 > 0) bad = 1
      }
      END { exit bad }' "$log" || { echo "FAIL: spills or stack frame in $(basename "$ptx") for $arch"; status=1; }
    rm -f "$log"
  done
done
if [[ $status -ne 0 ]]; then
  echo "check_kernels: FAILED"
else
  echo "check_kernels: OK (${#files[@]} PTX files x ${#ARCHS[@]} architectures, no spills)"
fi
exit $status
