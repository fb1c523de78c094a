#!/usr/bin/env bash
# Trains tiny rnn4j models (one per configuration below) on a toy reversal task, then checks that
# the PyTorch twin (scripts/rnn4j_torch.py) loads each model directory and decodes every test line
# exactly as `rnn4j translate` does, greedy (--beam 1) and beam 5 (both with translate's default
# length penalty 0.6), and the 5-best lists of beam 5 with their scores (printed by rnn4j with 4
# decimals; equal within 2e-4). Prints PASS/FAIL per configuration and check; exits 1 on any FAIL. Needs Debian's PyTorch (/usr/bin/python3).
#   scripts/dev/check_torch_twin.sh [WORK_DIR]      (default /tmp/rnn4j-torch-twin)
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="${1:-/tmp/rnn4j-torch-twin}"
py=/usr/bin/python3
mkdir -p "$work"
"$py" - "$work" <<'PY'
import random, sys
work = sys.argv[1]
r = random.Random(7)
words = "a b c d e f g h i j k l m n o".split()
def pair():
    s = [r.choice(words) for _ in range(r.randint(2, 7))]
    t = [w.upper() for w in reversed(s)] + (["X"] if r.random() < 0.3 else [])
    return " ".join(s) + "\t" + " ".join(t)
open(f"{work}/train.tsv", "w").write("".join(pair() + "\n" for _ in range(60)))
open(f"{work}/dev.tsv", "w").write("".join(pair() + "\n" for _ in range(20)))
test = [pair().split("\t")[0] for _ in range(30)] + ["a zz b", "o o o o o o o o o o o o", "k"]
open(f"{work}/test.txt", "w").write("".join(t + "\n" for t in test))
PY
common=(--train "$work/train.tsv" --dev "$work/dev.tsv" --encoder-hidden 16 --decoder-hidden 32
        --epochs 6 --batch-size 8 --lr 0.005 --patience 0 --backend cpu --threads 1)
fail=0
while IFS='|' read -r name flags; do
  [ -z "$name" ] && continue
  out="$work/m-$name"
  rm -rf "$out"
  # shellcheck disable=SC2086
  if ! "$root/scripts/rnn4j" train "${common[@]}" --out "$out" $flags > "$work/train-$name.log" 2>&1; then
    echo "FAIL $name: rnn4j train failed (see $work/train-$name.log)"; fail=1; continue
  fi
  for run in "1 1" "5 1" "5 5"; do
    read -r beam nbest <<< "$run"
    tag="$name-b$beam-n$nbest"
    "$root/scripts/rnn4j" translate --model "$out/best" --beam "$beam" --n-best "$nbest" \
      --backend cpu --threads 1 --input "$work/test.txt" > "$work/rnn4j-$tag.txt" 2> "$work/rnn4j-$tag.err"
    "$py" "$root/scripts/rnn4j_torch.py" --model "$out/best" --beam "$beam" --n-best "$nbest" \
      < "$work/test.txt" > "$work/torch-$tag.txt" 2> "$work/torch-$tag.err"
    if verdict=$("$py" - "$work/rnn4j-$tag.txt" "$work/torch-$tag.txt" <<'PY'
import sys
a = open(sys.argv[1], encoding="utf-8").read().splitlines()
b = open(sys.argv[2], encoding="utf-8").read().splitlines()
bad, worst = 0, 0.0
for x, y in zip(a, b):
    if x == y:
        continue
    xs, ys = x.split(" ||| "), y.split(" ||| ")
    if len(xs) == 3 and len(ys) == 3 and xs[:2] == ys[:2]:
        worst = max(worst, abs(float(xs[2]) - float(ys[2])))
        if worst <= 2e-4:
            continue
    bad += 1
bad += abs(len(a) - len(b))
print(f"{len(a) - bad}/{len(a)} lines equal (max score diff {worst:.1e})")
sys.exit(1 if bad or not a else 0)
PY
    ); then
      echo "PASS $name beam $beam n-best $nbest: $verdict"
    else
      echo "FAIL $name beam $beam n-best $nbest: $verdict (diff $work/rnn4j-$tag.txt $work/torch-$tag.txt)"
      fail=1
    fi
  done
done <<'LIST'
lstm-general-2x2|--embed 16
lstm-feed|--embed 16 --input-feeding
gru-dot|--embed 16 --cell gru --attention dot
lstm-bahdanau|--embed 16 --attention bahdanau
gru-concat-2x1|--embed 16 --cell gru --attention concat --encoder-layers 2 --decoder-layers 1
lstm-none-1x2-uni|--embed 16 --attention none --encoder-layers 1 --decoder-layers 2 --unidirectional
rnn-tanh-tied-feed|--embed 32 --cell rnn_tanh --tie-embeddings --input-feeding --attention general
rnn-relu-concat-feed|--embed 16 --cell rnn_relu --attention concat --input-feeding --encoder-layers 1 --decoder-layers 1
LIST
[ $fail = 0 ] && echo "ALL PASS" || echo "SOME FAIL"
exit $fail
