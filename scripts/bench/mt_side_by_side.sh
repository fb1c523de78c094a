#!/usr/bin/env bash
# English→French translation, rnn4j and its PyTorch twin trained side by side with the same data,
# subwords, vocabulary, architecture, batches, schedule and time budget, then both decoded with
# beam 5 and scored by the same sacreBLEU-compatible BLEU/chrF (`rnn4j score`).
#
# Usage: scripts/bench/mt_side_by_side.sh [MINUTES (default 30)] [OUT (default runs/mt-side-by-side)]
# Needs: data/mt-en-fr from scripts/data/get_debian_corpora.sh fr; Debian's python3-torch with
# an optimised BLAS (apt-get install python3-torch libopenblas0-openmp: with Debian's reference
# libblas3 alone PyTorch's GEMMs run ~20x slower and the comparison means nothing; the script
# refuses then). The two trainings run at the same time with one thread each (2 cores).
# RNN4J=path/to/launcher runs a frozen build instead of scripts/rnn4j. The load average is
# sampled every 2 minutes into OUT/load-samples.txt.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
minutes="${1:-30}"
out="${2:-runs/mt-side-by-side}"
data=data/mt-en-fr
py=/usr/bin/python3
for f in train dev test; do
  [ -f "$data/$f.tsv" ] || { echo "mt_side_by_side: $data/$f.tsv missing; run scripts/data/get_debian_corpora.sh fr" >&2; exit 2; }
done
gflops="$(OMP_NUM_THREADS=1 "$py" -c '
import torch, time
torch.set_num_threads(1)
a, b = torch.randn(512, 1024), torch.randn(1024, 1024)
a @ b
t = time.perf_counter()
for _ in range(3): a @ b
print(round(3 * 2 * 512 * 1024 * 1024 / (time.perf_counter() - t) / 1e9, 1))')"
echo "PyTorch one-thread GEMM: $gflops GFLOP/s" >&2
"$py" -c "import sys; sys.exit(0 if $gflops > 20 else 1)" || {
  echo "mt_side_by_side: PyTorch's BLAS is slow ($gflops GFLOP/s): apt-get install libopenblas0-openmp" >&2
  exit 2
}
# With autogrouping each session is its own scheduling group and `nice` acts only inside it, so
# a niced build in another terminal still takes a whole core from these runs.
if [ "$(cat /proc/sys/kernel/sched_autogroup_enabled 2>/dev/null || echo 0)" = 1 ]; then
  echo "mt_side_by_side: warning: kernel.sched_autogroup_enabled is 1: 'nice' on other jobs does not" \
    "shield these runs; use a quiet machine or: echo 0 > /proc/sys/kernel/sched_autogroup_enabled" >&2
fi
mkdir -p "$out"
rnn4j="${RNN4J:-scripts/rnn4j}"
(while sleep 120; do uptime; done) > "$out/load-samples.txt" &
sampler=$!
trap 'kill $sampler 2>/dev/null' EXIT
# Subwords and vocabularies once, shared by both: a 1-second rnn4j run writes them.
$rnn4j train --train $data/train.tsv --dev $data/dev.tsv --out "$out/prep" \
  --src-tokenizer subword --tgt-tokenizer subword --joint-subwords --vocab-size 16000 \
  --embed 8 --encoder-hidden 8 --encoder-layers 1 --decoder-hidden 8 --decoder-layers 1 \
  --epochs 1 --time-limit 0.02 --dev-metric-limit 10 --backend cpu > "$out/prep.log"
for s in train dev; do
  $rnn4j ids encode --model "$out/prep/best" --input $data/$s.tsv --output "$out/$s.ids" --max-length 100
done
$rnn4j ids encode --model "$out/prep/best" --input $data/test.tsv --output "$out/test.ids"
common=(--embed 256 --encoder-hidden 256 --encoder-layers 1 --decoder-hidden 512 --decoder-layers 1
  --attention general --input-feeding --dropout 0.2 --label-smoothing 0.1 --batch-size 64
  --lr 0.002 --clip 5 --schedule cosine-time:200 --time-limit "$minutes" --plateau-factor 1
  --patience 0 --epochs 100 --threads 1)
uptime > "$out/load.txt"
$rnn4j train --train $data/train.tsv --dev $data/dev.tsv --out "$out/rnn4j" \
  --src-tokenizer subword --tgt-tokenizer subword --subword-model "$out/prep/source.spm" \
  "${common[@]}" --dev-metric bleu --dev-metric-limit 400 --backend cpu --cpu-gemm "${CPU_GEMM:-bf16}" \
  > "$out/rnn4j.log" 2>&1 &
train_pids=($!)
OMP_NUM_THREADS=1 "$py" scripts/bench/torch_seq2seq_train.py --train "$out/train.ids" \
  --dev "$out/dev.ids" --vocab "$out/prep/best" --out "$out/torch" "${common[@]}" \
  > "$out/torch.log" 2>&1 &
train_pids+=($!)
wait "${train_pids[@]}"
uptime >> "$out/load.txt"
# Decoding, one after the other, one thread each, beam 5.
$rnn4j eval --model "$out/rnn4j/best" --test $data/test.tsv --beam 5 --output "$out/rnn4j.hyp" \
  --json --backend cpu --cpu-gemm "${CPU_GEMM:-bf16}" --threads 1 > "$out/rnn4j-eval.json"
OMP_NUM_THREADS=1 "$py" scripts/bench/torch_seq2seq_translate.py --model "$out/torch" \
  --input "$out/test.ids" --output "$out/torch.hyp.ids" --beam 5 --threads 1 2> "$out/torch-translate.json"
$rnn4j ids decode --model "$out/prep/best" --input "$out/torch.hyp.ids" --output "$out/torch.hyp"
$rnn4j score --hyp "$out/rnn4j.hyp" --ref $data/test.tsv --json > "$out/rnn4j-score.json"
$rnn4j score --hyp "$out/torch.hyp" --ref $data/test.tsv --json > "$out/torch-score.json"
grep -h '"target_tokens_per_s"' "$out/rnn4j/metrics.jsonl" | tail -1
tail -1 "$out/torch.log"
cat "$out/rnn4j-score.json" "$out/torch-score.json" "$out/torch-translate.json"
