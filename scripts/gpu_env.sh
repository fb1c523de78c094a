#!/usr/bin/env bash
# Sourced by scripts/gpu_run.sh and scripts/gpu_sweep.sh on the GPU host (no Java, no network):
# unpacks the bundle of scripts/gpu_bundle.sh into a fresh work folder and sets what a JVM run
# from it needs. Expects ARCHIVE (the bundle) to be set; sets WORK, CU13, JAVA, CP, CONSOLE and
# JOPTS, and exports LD_LIBRARY_PATH with the CUDA 13 libraries of the host's PyTorch wheels
# (cuBLAS and cudart for the JavaCPP CUDA presets).
WORK="$(mktemp -d "${TMPDIR:-/tmp}/rnn4j-gpu.XXXXXX")"
mkdir -p "$WORK/tmp" "$WORK/javacpp" "$WORK/logs" "$WORK/reports"
tar -xzf "$ARCHIVE" -C "$WORK"

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
JOPTS=(-Xmx8g --enable-native-access=ALL-UNNAMED -Djava.io.tmpdir="$WORK/tmp"
  -Dorg.bytedeco.javacpp.cachedir="$WORK/javacpp" -XX:ErrorFile="$WORK/reports/hs_err_%p.log")
