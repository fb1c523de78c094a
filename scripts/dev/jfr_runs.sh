#!/usr/bin/env bash
# Repeats a short G2P training (the G2P command of docs/G2P.md, on the 4,000-word sample that ships with
# rnn4j) under Java Flight Recorder, to tell a JVM abort from an rnn4j memory error
# (docs/reliability/jfr.md). Each run: a JVM (java on the PATH, or $JAVA), JFR settings ($SETTINGS,
# default profile), the CPU memory checking mode on or off ($CHECK, default false), and with
# MALLOC_DEBUG=true glibc's malloc checks (LD_PRELOAD=libc_malloc_debug.so.0 MALLOC_CHECK_=3).
# Usage: scripts/dev/jfr_runs.sh RUNS EPOCHS OUTDIR
#   e.g. JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java CHECK=true scripts/dev/jfr_runs.sh 4 8 /tmp/jfr
# Prints one line per run (exit status, seconds, abort cause, checker findings) and a total line.
set -uo pipefail
runs="${1:?usage: jfr_runs.sh RUNS EPOCHS OUTDIR}"
epochs="${2:?usage: jfr_runs.sh RUNS EPOCHS OUTDIR}"
out="${3:?usage: jfr_runs.sh RUNS EPOCHS OUTDIR}"
java="${JAVA:-java}"
settings="${SETTINGS:-profile}"
check="${CHECK:-false}"
preload=()
if [ "${MALLOC_DEBUG:-false}" = true ]; then
  lib=/lib/x86_64-linux-gnu/libc_malloc_debug.so.0
  [ -f "$lib" ] || { echo "MALLOC_DEBUG=true needs $lib (glibc 2.34+)" >&2; exit 2; }
  preload=(env LD_PRELOAD="$lib" MALLOC_CHECK_=3)
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
[ -f cli/target/rnn4j-classpath.txt ] || mvn -q -B -o -pl cli -am package -Dmaven.test.skip=true >&2
cp="cli/target/classes:$(cat cli/target/rnn4j-classpath.txt)"
data=src/main/resources/dev/rnn4j/demo
gemm=sgemm
grep -q avx512_bf16 /proc/cpuinfo && gemm=bf16
mkdir -p "$out"
aborts=0
found=0
version="$("$java" -version 2>&1 | sed -n 2p)"
echo "# $version; JFR settings=$settings; checkMemory=$check; malloc debug ${MALLOC_DEBUG:-false};" \
  "cpu-gemm $gemm; $runs runs x $epochs epochs"
for i in $(seq 1 "$runs"); do
  d="$out/run-$i"
  rm -rf "$d"
  mkdir -p "$d"
  start=$(date +%s)
  OMP_NUM_THREADS=1 timeout 120 "${preload[@]}" "$java" -Xmx2g -Drnn4j.cpu.checkMemory="$check" \
    -XX:StartFlightRecording=settings="$settings",filename="$d/rec.jfr" \
    -XX:ErrorFile="$d/hs_err_%p.log" -cp "$cp" dev.rnn4j.cli.Main train \
    --train "$data/g2p-train.tsv" --dev "$data/g2p-dev.tsv" --out "$d/model" \
    --embed 128 --encoder-hidden 256 --encoder-layers 2 --decoder-hidden 512 --decoder-layers 1 \
    --attention general --dropout 0.3 --label-smoothing 0.1 --batch-size 64 --lr 0.002 \
    --schedule cosine --epochs "$epochs" --plateau-factor 1 --patience 0 \
    --backend cpu --cpu-gemm "$gemm" --optimizer adamw --weight-decay 0.1 \
    >"$d/stdout.txt" 2>"$d/stderr.txt"
  rc=$?
  secs=$(( $(date +%s) - start ))
  cause=""
  if [ "$rc" -ne 0 ]; then
    cause="$(grep -h -m1 -E 'corrupted|double free|free\(\)|malloc|SIGSEGV|SIGABRT|off-heap memory check|Exception' \
      "$d"/stderr.txt "$d"/stdout.txt "$d"/hs_err_*.log 2>/dev/null | head -1)"
    [ "$rc" -ge 128 ] && aborts=$((aborts + 1))
  fi
  checker="$(grep -h -c 'off-heap memory check' "$d/stderr.txt" "$d/stdout.txt" 2>/dev/null | paste -sd+ | bc)"
  [ "${checker:-0}" -gt 0 ] && found=$((found + 1))
  echo "run $i: exit $rc, ${secs}s, checker reports ${checker:-0}${cause:+, $cause}"
done
echo "TOTAL runs $runs, aborts (exit >= 128) $aborts, runs with checker reports $found"
