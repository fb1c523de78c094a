#!/usr/bin/env bash
# Fresh user projects that depend on the installed rnn4j artifacts (run `mvn -B install` first), with
# the dependencies of the README's ```xml block:
#   1. a CPU user (the block's first dependency, dev.rnn4j:rnn4j, alone) resolves its dependencies
#      for linux-arm64, macosx-arm64, windows-x86_64 and linux-x86_64 (with -Djavacpp.platform, as
#      the JavaCPP presets document) and gets oneDNN's natives for that platform only, and no JCuda;
#      its class path has no JCuda, no rnn4j-cuda, no picocli and no SLF4J binding;
#   2. on this machine (linux-x86_64) it compiles and runs every Java block of the README and checks
#      the output a block promises, and Backends.create("cuda") names the artifact to add;
#   3. a CUDA user (the whole block: rnn4j and rnn4j-cuda) gets JCuda and rnn4j-cuda, and its
#      Backends.create("cuda") opens the GPU or says why there is none (not which artifact to add);
#   4. prints the size of a CPU-only user's dependencies and of what the CUDA backend adds.
# Needs network access to Maven Central for the other platforms' natives (resolution only: running
# needs those machines).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
version="$(sed -n 's:^  <version>\(.*\)</version>:\1:p' "$root/pom.xml" | head -1)"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
# The README's dependency snippet, with the version of this build.
awk '/^```xml$/{inblock=1; next} /^```$/{inblock=0} inblock' "$root/README.md" \
  | sed "s:<version>[^<]*</version>:<version>$version</version>:" > "$dir/snippet.xml"
if [ "$(grep -c '<dependency>' "$dir/snippet.xml")" != 2 ] || ! grep -q '<artifactId>rnn4j</artifactId>' "$dir/snippet.xml" \
  || ! grep -q '<artifactId>rnn4j-cuda</artifactId>' "$dir/snippet.xml"; then
  echo "check_user_project: README.md's xml block should declare rnn4j, then rnn4j-cuda" >&2
  exit 1
fi
first_dependency="$(awk '/<dependency>/{k++} k==1{print} /<\/dependency>/ && k==1{exit}' "$dir/snippet.xml")"
project() { # directory, dependencies
  mkdir -p "$1"
  cat > "$1/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>example</groupId>
  <artifactId>rnn4j-user</artifactId>
  <version>1</version>
  <properties><maven.compiler.release>17</maven.compiler.release></properties>
  <dependencies>
$2
  </dependencies>
</project>
POM
}
project "$dir/cpu" "$first_dependency"
project "$dir/gpu" "$(grep -v '^ *<!--.*-->$' "$dir/snippet.xml")"
dep=org.apache.maven.plugins:maven-dependency-plugin:3.8.1
fail=0
for platform in linux-arm64 macosx-arm64 windows-x86_64 linux-x86_64; do
  (cd "$dir/cpu" && mvn -B -q $dep:list -Djavacpp.platform=$platform -DoutputFile=deps-$platform.txt >/dev/null)
  natives="$(grep -o 'org.bytedeco:dnnl:jar:[a-z0-9_-]*:' "$dir/cpu/deps-$platform.txt" | sed 's/.*jar://; s/:$//' | grep -v '^3' | sort -u | tr '\n' ' ')"
  jcuda="$(grep -c 'org.jcuda' "$dir/cpu/deps-$platform.txt" || true)"
  echo "$platform: dnnl natives: ${natives:-none}; JCuda jars: $jcuda"
  if [ "$natives" != "$platform " ] || [ "$jcuda" != 0 ]; then
    echo "check_user_project: $platform resolved the wrong natives or JCuda" >&2
    fail=1
  fi
done
for kind in cpu gpu; do
  (cd "$dir/$kind" && mvn -B -q $dep:build-classpath -Djavacpp.platform=linux-x86_64 -Dmdep.outputFile=cp.txt >/dev/null)
done
cp="$(cat "$dir/cpu/cp.txt")"
gpu_cp="$(cat "$dir/gpu/cp.txt")"
if tr ':' '\n' <<<"$cp" | grep -E 'jcuda|rnn4j-cuda|rnn4j-cli|picocli|slf4j-simple'; then
  echo "check_user_project: JCuda, rnn4j-cuda, the command line or an SLF4J binding on a CPU user's class path" >&2
  fail=1
fi
for jar in rnn4j-cuda jcuda- jcuda-natives; do
  if ! tr ':' '\n' <<<"$gpu_cp" | grep -q "/$jar"; then
    echo "check_user_project: no $jar on a CUDA user's class path" >&2
    fail=1
  fi
done
if tr ':' '\n' <<<"$gpu_cp" | grep -E 'rnn4j-cli|picocli|slf4j-simple'; then
  echo "check_user_project: the command line or an SLF4J binding on a CUDA user's class path" >&2
  fail=1
fi

mkdir -p "$dir/src"
# Every Java block of the README, verbatim, inside a main(); run in the CPU project's directory.
blocks="$(grep -c '^```java$' "$root/README.md")"
for n in $(seq 1 "$blocks"); do
  awk -v want="$n" '/^```java$/{k++; inblock=1; next} /^```$/{inblock=0} inblock && k==want' \
    "$root/README.md" > "$dir/block$n.txt"
  {
    echo 'import dev.rnn4j.backend.*; import dev.rnn4j.io.*; import dev.rnn4j.nn.*;'
    echo 'import dev.rnn4j.seq2seq.*; import dev.rnn4j.tensor.*; import dev.rnn4j.train.*;'
    echo 'import java.nio.file.*; import java.util.*;'
    echo "public class Block$n { public static void main(String[] a) throws Exception {"
    cat "$dir/block$n.txt"
    echo '}}'
  } > "$dir/src/Block$n.java"
done
# What Backends.create("cuda") says, and which backend "auto" opens.
cat > "$dir/src/CudaProbe.java" <<'JAVA'
import dev.rnn4j.backend.*;
public class CudaProbe {
  public static void main(String[] a) {
    try (Backend be = Backends.create("cuda")) {
      System.out.println("cuda: opened " + be.describe());
    } catch (BackendUnavailableException e) {
      System.out.println("cuda: unavailable: " + e.getMessage());
    }
    try (Backend be = Backends.create("auto")) {
      System.out.println("auto: " + be.name());
    }
  }
}
JAVA
javac -d "$dir/classes" -cp "$cp" "$dir"/src/*.java
for n in $(seq 1 "$blocks"); do
  out="$(cd "$dir/cpu" && java --enable-native-access=ALL-UNNAMED -cp "$dir/classes:$cp" "Block$n" 2>"$dir/stderr$n.txt" | tr '\n' ' ')" || {
    echo "check_user_project: README Java block $n failed" >&2
    cat "$dir/stderr$n.txt" >&2
    fail=1
  }
  want="$(sed -n 's:.*// prints \(.*\)  (.*:\1:p' "$dir/block$n.txt" | tr -d ',')"
  echo "README Java block $n ran${want:+, printed: $out}"
  if [ -n "$want" ] && [ "$(tr -d , <<<"$out")" != "$want " ]; then
    echo "check_user_project: README Java block $n promised $want" >&2
    fail=1
  fi
done
probe() { # class path
  java --enable-native-access=ALL-UNNAMED -cp "$dir/classes:$1" CudaProbe 2>/dev/null
}
cpu_probe="$(probe "$cp")"
echo "CPU user: $cpu_probe" | sed '2,$s/^/          /'
if ! grep -q "^cuda: unavailable: the CUDA backend is not on the class path: add dev.rnn4j:rnn4j-cuda:$version " <<<"$cpu_probe" \
  || ! grep -q '^auto: cpu$' <<<"$cpu_probe"; then
  echo "check_user_project: a CPU user asking for CUDA is not told to add dev.rnn4j:rnn4j-cuda:$version" >&2
  fail=1
fi
gpu_probe="$(probe "$gpu_cp")"
echo "CUDA user: $gpu_probe" | sed '2,$s/^/           /'
if grep -q 'not on the class path' <<<"$gpu_probe" || ! grep -q '^auto: ' <<<"$gpu_probe"; then
  echo "check_user_project: a CUDA user's Backends.create(\"cuda\") did not find rnn4j-cuda" >&2
  fail=1
fi

sizes() { # class path
  local total=0 jar
  while IFS= read -r jar; do
    total=$((total + $(stat -c %s "$jar")))
  done < <(tr ':' '\n' <<<"$1")
  echo "$(tr ':' '\n' <<<"$1" | wc -l) jars, $(awk -v t="$total" 'BEGIN { printf "%.1f", t / 1048576 }') MiB"
}
echo "CPU-only dependencies (linux-x86_64, dev.rnn4j:rnn4j): $(sizes "$cp"):"
tr ':' '\n' <<<"$cp" | while IFS= read -r jar; do printf '  %6d KiB  %s\n' $(( $(stat -c %s "$jar") / 1024 )) "$(basename "$jar")"; done
added="$(comm -13 <(tr ':' '\n' <<<"$cp" | sort) <(tr ':' '\n' <<<"$gpu_cp" | sort) | paste -sd: -)"
echo "with dev.rnn4j:rnn4j-cuda: $(sizes "$gpu_cp"); it adds $(sizes "$added"):"
tr ':' '\n' <<<"$added" | while IFS= read -r jar; do printf '  %6d KiB  %s\n' $(( $(stat -c %s "$jar") / 1024 )) "$(basename "$jar")"; done
exit $fail
