#!/usr/bin/env bash
# Builds bundle/rnn4j-gpu.tar.gz: everything scripts/gpu_run.sh needs on a GPU host that has no
# Java and no network. Contents (unpacked by gpu_run.sh):
#   runtime/      a jlink'ed Java runtime from the Temurin 25 JDK (needs only glibc 2.17 there)
#   lib/          the rnn4j, rnn4j-cuda (with the CUDA kernels) and rnn4j-cli jars (gpu_sweep.sh
#                 runs the command line) and their runtime dependencies (slf4j-simple, the
#                 command line's binding, is the tests' too); the JCuda and JavaCPP-CUDA natives
#                 jars are cut down to the libraries used (driver API; cudart and cuBLAS bindings).
#                 oneDNN stays: the GPU tests compare against the CPU backend, whose GEMMs are
#                 oneDNN's.
#   test-classes/ the compiled tests of rnn4j-cuda (GPU tests, the benchmark main CudaBench)
#   junit/        the JUnit console launcher
# Fails if the kernels are missing from the jar (build on a machine with nvcc) or if the archive is
# larger than MAX_MIB (default 60, leaving room in the 64 MiB that reach the GPU host).
# Runtime modules: java.base, java.logging, jdk.unsupported (JavaCPP, JCuda), jdk.zipfs, plus
# java.xml, which the JUnit console launcher needs for its XML reports (without it: ClassNotFound
# javax.xml.stream.XMLStreamException), and java.management as a margin (0.5 MiB packed).
# Usage: scripts/gpu_bundle.sh            (run from anywhere; writes bundle/ in the repository)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JDK="${JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}"
MODULES="${MODULES:-java.base,java.logging,jdk.unsupported,jdk.zipfs,java.xml,java.management}"
JUNIT_CONSOLE="org.junit.platform:junit-platform-console-standalone:1.14.4"
MAX_MIB="${MAX_MIB:-60}"
OUT="$ROOT/bundle"
STAGE="$OUT/stage"

cd "$ROOT"
rm -rf "$STAGE"
mkdir -p "$STAGE/lib" "$STAGE/junit"

echo "== building rnn4j-cuda and rnn4j-cli (and the library), the tests, the runtime dependencies"
# Each module copies its runtime dependencies into the same folder: in the reactor they include the
# jars of the modules just packaged (rnn4j, rnn4j-cuda), and rnn4j-cuda's include the optional
# cuBLAS presets, which reach no other module.
mvn -B -q -DskipTests -pl cuda,cli -am package dependency:copy-dependencies -DincludeScope=runtime \
  -DoutputDirectory="$STAGE/lib"
JAR="$(ls cuda/target/rnn4j-cuda-*.jar | grep -v -E 'sources|javadoc|tests' | head -1)"
# (the listing is read whole: grep -q would stop early and, under pipefail, fail on unzip's SIGPIPE)
if ! unzip -l "$JAR" | grep 'dev/rnn4j/cuda/lstm.fatbin' > /dev/null; then
  echo "gpu_bundle: $JAR has no CUDA kernels (was nvcc at /usr/local/cuda/bin/nvcc?)" >&2
  exit 1
fi
cp "$JAR" "$(ls cli/target/rnn4j-cli-*.jar | grep -v -E 'sources|javadoc' | head -1)" "$STAGE/lib/"
cp -r cuda/target/test-classes "$STAGE/test-classes"

echo "== the JUnit console launcher"
mvn -B -q -N dependency:copy -Dartifact="$JUNIT_CONSOLE" -DoutputDirectory="$STAGE/junit"

# Keep only the natives that are loaded: JCuda's driver API library (not nvrtc, the runtime API or
# the 24 MB PTX compiler), and JavaCPP's cudart + cuBLAS bindings (not NPP, cuFFT, cuDNN, ...).
strip_jar() { # jar, grep -E pattern of entries to keep (plus every META-INF entry)
  local jar="$1" keep="$2" tmp
  tmp="$(mktemp -d)"
  (cd "$tmp" && unzip -q "$jar" && find . -type f | sed 's|^\./||' \
    | grep -v -E "^META-INF/|$keep" | xargs -r rm -f && rm -f "$jar" && zip -q -r -9 "$jar" .)
  rm -rf "$tmp"
}
strip_jar "$(ls "$STAGE"/lib/jcuda-natives-*-linux-x86_64.jar)" 'libJCudaDriver-'
strip_jar "$(ls "$STAGE"/lib/cuda-*-linux-x86_64.jar)" 'libjnicudart\.so|libjnicublas\.so'

echo "== jlink runtime from $JDK ($MODULES)"
COMPRESS="--compress=zip-9"
"$JDK/bin/jlink" --list-plugins 2>/dev/null | grep -q 'zip-\[0-9\]' || COMPRESS="--compress=2"
"$JDK/bin/jlink" --add-modules "$MODULES" --strip-debug --no-header-files --no-man-pages \
  "$COMPRESS" --output "$STAGE/runtime"

echo "== packing"
ARCHIVE="$OUT/rnn4j-gpu.tar.gz"
tar -C "$STAGE" -czf "$ARCHIVE" runtime lib test-classes junit
rm -rf "$STAGE"
SIZE=$(stat -c %s "$ARCHIVE")
MIB=$(awk -v s="$SIZE" 'BEGIN { printf "%.1f", s / 1048576 }')
echo "gpu_bundle: $ARCHIVE is $MIB MiB"
tar -tzvf "$ARCHIVE" | awk '{ s[$6 ~ /^runtime/ ? "runtime" : $6] += $3 } END { for (k in s) if (k == "runtime" || k ~ /\.jar$/) printf "  %-60s %6.1f MiB unpacked\n", k, s[k] / 1048576 }' | sort
if (( SIZE > MAX_MIB * 1048576 )); then
  echo "gpu_bundle: larger than $MAX_MIB MiB" >&2
  exit 1
fi
