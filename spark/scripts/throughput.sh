#!/usr/bin/env bash
# Throughput of synchronous data-parallel training with 1 vs 2 local executors, beside the
# single-process command line (rnn4j-cli), on the G2P sample that ships in the core jar (4,000 train / 400 dev
# pairs). Runs one thing at a time; prints target tokens/s of the training steps (validation
# excluded) of each run.
#
#   spark/scripts/throughput.sh [REPS] [BATCH]      (defaults 3, 64)
#
# Builds what it runs (the Spark module and the command line, with the modules they need).
# Model: 2-layer biLSTM 128/direction, 1-layer LSTM 256, general attention, embeddings 64 (1.27M
# parameters), Adam 2e-3, 2 epochs, dropout 0. Spark runs inside the JVM (--master local[N]); each
# task and the core CLI use rnn4j.threads=1 unless said otherwise, so local[N] uses N cores.
set -euo pipefail
reps=${1:-3}
batch=${2:-64}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
spark=$root/spark
work=${THROUGHPUT_DIR:-$(mktemp -d)}
data=$root/src/main/resources/dev/rnn4j/demo
# Each module of the build writes its test class path to its target/test-classpath.txt; the Spark
# module's (Spark included) runs the Spark jobs, the command line's cli/target/rnn4j-classpath.txt
# (written at package time) the single-process runs.
(cd "$root" && mvn -B -q -pl spark,cli -am package -Dmaven.test.skip=true \
  dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt)
cp "$spark/target/test-classpath.txt" "$work/cp.txt"
cp "$root/cli/target/rnn4j-classpath.txt" "$work/core-cp.txt"
model=(--embed 64 --encoder-hidden 128 --encoder-layers 2 --decoder-hidden 256 --decoder-layers 1)
common=(--train "$data/g2p-train.tsv" --dev "$data/g2p-dev.tsv" --batch-size "$batch" --epochs 2
  --patience 0 --plateau-patience 0 --dev-metric-limit 100 --lr 0.002 --dropout 0 "${model[@]}")
opens=()
for p in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util \
  java.util.concurrent java.util.concurrent.atomic jdk.internal.ref sun.nio.ch sun.nio.cs \
  sun.security.action sun.util.calendar; do
  opens+=("--add-opens=java.base/$p=ALL-UNNAMED")
done
export OMP_NUM_THREADS=1 SPARK_LOCAL_IP=127.0.0.1

spark_run() { # master partitions tag
  java -Xmx4g "${opens[@]}" -Drnn4j.threads=1 \
    -Dlog4j2.configurationFile="$spark/src/test/resources/log4j2.properties" \
    -cp "$spark/target/classes:$(cat "$work/cp.txt")" dev.rnn4j.spark.cli.SparkMain train \
    --master "$1" --partitions "$2" --executor-backend cpu --out "$work/$3" "${common[@]}" \
    | tee "$work/$3.log" | grep -o '[0-9,]* target tokens/s in training steps' \
    | sed "s/^/$3: /"
}
core_run() { # threads tag
  java -Xmx4g -Drnn4j.threads="$1" -cp "$root/cli/target/classes:$(cat "$work/core-cp.txt")" \
    dev.rnn4j.cli.Main train --backend cpu --out "$work/$2" "${common[@]}" \
    | tr '\r' '\n' | tee "$work/$2.log" | grep -E '^epoch [0-9]+ .*100%' \
    | grep -o '[0-9,]* tok/s' | sed "s/^/$2 (per epoch): /"
}

echo "$(date -u '+%F %T UTC'), $(getconf _NPROCESSORS_ONLN) cores, load $(cut -d' ' -f1-3 /proc/loadavg), batch $batch"
for r in $(seq 1 "$reps"); do
  spark_run 'local[1]' 1 "spark-local1-$r"
  spark_run 'local[2]' 2 "spark-local2-$r"
done
core_run 1 core-1thread
core_run 2 core-2threads
echo "logs in $work"
