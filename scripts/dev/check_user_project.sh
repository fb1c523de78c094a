#!/usr/bin/env bash
# A fresh user project that depends on the installed rnn4j (run `mvn -B install` first):
#   1. resolves its dependencies for linux-arm64, macosx-arm64 and windows-x86_64 (with
#      -Djavacpp.platform, as the JavaCPP presets document) and checks that each gets oneDNN's
#      natives for that platform only, and no JCuda;
#   2. on this machine (linux-x86_64), compiles and runs every Java block of the README against the
#      project's class path (no JCuda on it) and checks the output a block promises;
#   3. prints the size of a CPU-only user's dependencies.
# Needs network access to Maven Central for the other platforms' natives (resolution only: running
# needs those machines).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
version="$(sed -n 's:^  <version>\(.*\)</version>:\1:p' "$root/pom.xml" | head -1)"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
cat > "$dir/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>example</groupId>
  <artifactId>rnn4j-user</artifactId>
  <version>1</version>
  <properties><maven.compiler.release>17</maven.compiler.release></properties>
  <dependencies>
    <dependency>
      <groupId>dev.rnn4j</groupId>
      <artifactId>rnn4j</artifactId>
      <version>$version</version>
    </dependency>
  </dependencies>
</project>
POM
dep=org.apache.maven.plugins:maven-dependency-plugin:3.8.1
fail=0
for platform in linux-arm64 macosx-arm64 windows-x86_64 linux-x86_64; do
  (cd "$dir" && mvn -B -q $dep:list -Djavacpp.platform=$platform -DoutputFile=deps-$platform.txt >/dev/null)
  natives="$(grep -o 'org.bytedeco:dnnl:jar:[a-z0-9_-]*:' "$dir/deps-$platform.txt" | sed 's/.*jar://; s/:$//' | grep -v '^3' | sort -u | tr '\n' ' ')"
  jcuda="$(grep -c 'org.jcuda' "$dir/deps-$platform.txt" || true)"
  echo "$platform: dnnl natives: ${natives:-none}; JCuda jars: $jcuda"
  if [ "$natives" != "$platform " ] || [ "$jcuda" != 0 ]; then
    echo "check_user_project: $platform resolved the wrong natives or JCuda" >&2
    fail=1
  fi
done
(cd "$dir" && mvn -B -q $dep:build-classpath -Djavacpp.platform=linux-x86_64 -Dmdep.outputFile=cp.txt >/dev/null)
cp="$(cat "$dir/cp.txt")"
if tr ':' '\n' <<<"$cp" | grep -q 'jcuda\|picocli'; then
  echo "check_user_project: JCuda or picocli on a CPU user's class path" >&2
  fail=1
fi
mkdir -p "$dir/src"
# Every Java block of the README, verbatim, inside a main(); run in the project directory.
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
javac -d "$dir/classes" -cp "$cp" "$dir"/src/Block*.java
for n in $(seq 1 "$blocks"); do
  out="$(cd "$dir" && java --enable-native-access=ALL-UNNAMED -cp "$dir/classes:$cp" "Block$n" 2>"$dir/stderr$n.txt" | tr '\n' ' ')" || {
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
total=0
while IFS= read -r jar; do
  total=$((total + $(stat -c %s "$jar")))
done < <(tr ':' '\n' <<<"$cp")
echo "CPU-only dependencies (linux-x86_64): $(tr ':' '\n' <<<"$cp" | wc -l) jars, $((total / 1024 / 1024)) MiB:"
tr ':' '\n' <<<"$cp" | while IFS= read -r jar; do printf '  %6d KiB  %s\n' $(( $(stat -c %s "$jar") / 1024 )) "$(basename "$jar")"; done
exit $fail
