#!/usr/bin/env bash
# Native memory under a long run: trains a tiny model for 10,000 steps, translates 10,000 calls on
# one thread and 8 x 10,000 on eight threads (checked against one thread), sampling the resident set
# every 500 steps/calls (dev.rnn4j.seq2seq.LongRunMemory, under src/test/java). A few minutes on 2
# cores.
# Usage: scripts/dev/long_run_memory.sh [steps calls perThread every]
# The heap is fixed and touched up front (-Xms128m -Xmx128m -XX:+AlwaysPreTouch) so that RSS growth
# is native growth (off-heap tensors, malloc arenas, JIT code, threads), not the heap filling up.
# Extra JVM options through RNN4J_JAVA_OPTS, e.g. RNN4J_JAVA_OPTS=-Drnn4j.cpu.checkMemory=true.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
# The library module (src/): its classes, test classes and test class path.
mvn -q -B -o -pl src package -DskipTests dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/rnn4j-test-classpath.txt >&2
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
exec java -Xms128m -Xmx128m -XX:+AlwaysPreTouch ${RNN4J_JAVA_OPTS:-} -cp "src/target/test-classes:src/target/classes:$(cat src/target/rnn4j-test-classpath.txt)" \
  dev.rnn4j.seq2seq.LongRunMemory "$@"
