#!/usr/bin/env bash
# Trains tiny rnn4j models (one per configuration below) on a toy task (upper-casing, or for the
# copy-oov ones copying words outside a 12-id vocabulary), then checks that
# the PyTorch twin (scripts/rnn4j_torch.py) loads each model directory and decodes every test line
# exactly as `rnn4j translate` does, greedy (--beam 1) and beam 5 (both with translate's default
# length penalty 0.6), and the 5-best lists of beam 5 with their scores (printed by rnn4j with 4
# decimals; equal within 2e-4). It also checks the teacher-forced loss: the twin's dev loss of the
# last epoch's model (last/) must equal the one rnn4j printed (4 decimals). Prints PASS/FAIL per
# configuration and check; exits 1 on any FAIL. Needs Debian's PyTorch (/usr/bin/python3).
#   scripts/dev/check_torch_twin.sh [WORK_DIR]      (default /tmp/rnn4j-torch-twin)
#   ONLY=REGEX runs only the configurations whose names match.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="${1:-/tmp/rnn4j-torch-twin}"
py=/usr/bin/python3
mkdir -p "$work"
"$py" - "$work" <<'PY'
import random, sys
work = sys.argv[1]
r = random.Random(7)
words = "a b c d e f g h i j".split()
def pair():  # copy in upper case: learnable in a few seconds, so outputs end at varied lengths
    s = [r.choice(words) for _ in range(r.randint(1, 6))]
    return " ".join(s) + "\t" + " ".join(w.upper() for w in s)
open(f"{work}/train.tsv", "w").write("".join(pair() + "\n" for _ in range(300)))
open(f"{work}/dev.tsv", "w").write("".join(pair() + "\n" for _ in range(20)))
test = [pair().split("\t")[0] for _ in range(30)] + ["a zz b", "j j j j j j j j j j j j", "k"]
open(f"{work}/test.txt", "w").write("".join(t + "\n" for t in test))
# The keep task (copy the two words after "keep", 40 names): with --max-vocab 12 nearly every word
# is outside the vocabulary, so a copy model must copy through the extended vocabulary.
def keep():
    a, b, c = (f"w{r.randint(0, 39)}" for _ in range(3))
    return f"{c} keep {a} {b}\t{a} {b}"
for name, n in (("train", 200), ("dev", 20)):
    open(f"{work}/{name}-keep.tsv", "w").write("".join(keep() + "\n" for _ in range(n)))
test = [keep().split("\t")[0] for _ in range(20)] + ["w1 keep zebra quokka", "okapi keep w3 w3"]
open(f"{work}/test-keep.txt", "w").write("".join(t + "\n" for t in test))
PY
common=(--encoder-hidden 16 --decoder-hidden 32 --epochs 8 --batch-size 16 --lr 0.01 --patience 0
        --backend cpu --threads 1)
fail=0
while IFS='|' read -r name flags task <&3; do
  [ -z "$name" ] && continue
  # task: upper (the default) or keep (copying words outside the vocabulary)
  sfx=""
  [ "${task:-upper}" = keep ] && sfx="-keep"
  dev="$work/dev$sfx.tsv"
  test_in="$work/test$sfx.txt"
  if [ -n "${ONLY:-}" ] && ! [[ $name =~ $ONLY ]]; then continue; fi
  out="$work/m-$name"
  rm -rf "$out"
  # shellcheck disable=SC2086
  if ! "$root/scripts/rnn4j" train "${common[@]}" --train "$work/train$sfx.tsv" --dev "$dev" \
      --out "$out" $flags > "$work/train-$name.log" 2>&1; then
    echo "FAIL $name: rnn4j train failed (see $work/train-$name.log)"; fail=1; continue
  fi
  if verdict=$("$py" - "$root/scripts" "$out/last" "$dev" "$work/train-$name.log" <<'PY'
import re, sys
sys.path.insert(0, sys.argv[1])
import torch
import torch.nn.functional as F
import rnn4j_torch as rt
torch.set_num_threads(1)
model, sv, tv = rt.load_rnn4j(sys.argv[2])
si, ti = ({t: i for i, t in enumerate(v)} for v in (sv, tv))
pairs = [l.rstrip("\n").split("\t") for l in open(sys.argv[3], encoding="utf-8")]
total, tokens = 0.0, 0
with torch.no_grad():
    for a, b in pairs:  # one pair at a time: no padding anywhere
        if model.copying:  # the source's extended vocabulary, as rnn4j trains on it
            x, extra = rt.encode_copy(si, a.split())
            y = rt.encode_copy_target(ti, b.split(), extra)
        else:
            x, y = rt.encode_tokens(si, a.split()), rt.encode_tokens(ti, b.split())
        logp = model(torch.tensor([x]), torch.tensor([len(x)]), torch.tensor([[rt.BOS] + y]))
        total += F.nll_loss(logp[0], torch.tensor(y + [rt.EOS]), reduction="sum").item()
        tokens += len(y) + 1
ref = float(re.findall(r"dev loss ([0-9.]+)", open(sys.argv[4]).read())[-1])
print(f"rnn4j {ref:.4f}, twin {total / tokens:.6f}")
sys.exit(0 if abs(total / tokens - ref) <= 6e-5 else 1)
PY
  ); then
    echo "PASS $name teacher-forced dev loss: $verdict"
  else
    echo "FAIL $name teacher-forced dev loss: $verdict"; fail=1
  fi
  for run in "1 1" "5 1" "5 5"; do
    read -r beam nbest <<< "$run"
    tag="$name-b$beam-n$nbest"
    "$root/scripts/rnn4j" translate --model "$out/best" --beam "$beam" --n-best "$nbest" \
      --backend cpu --threads 1 --input "$test_in" > "$work/rnn4j-$tag.txt" 2> "$work/rnn4j-$tag.err"
    "$py" "$root/scripts/rnn4j_torch.py" --model "$out/best" --beam "$beam" --n-best "$nbest" \
      < "$test_in" > "$work/torch-$tag.txt" 2> "$work/torch-$tag.err"
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
done 3<<'LIST'
lstm-general-2x2|--embed 16
lstm-feed|--embed 16 --input-feeding
gru-dot|--embed 16 --cell gru --attention dot
lstm-bahdanau|--embed 16 --attention bahdanau
gru-concat-2x1|--embed 16 --cell gru --attention concat --encoder-layers 2 --decoder-layers 1
lstm-none-1x2-uni|--embed 16 --attention none --encoder-layers 1 --decoder-layers 2 --unidirectional
rnn-tanh-tied-feed|--embed 32 --cell rnn_tanh --tie-embeddings --input-feeding --attention general
rnn-relu-concat-feed|--embed 16 --cell rnn_relu --attention concat --input-feeding --encoder-layers 1 --decoder-layers 1
lstm-copy-feed|--embed 16 --copy-attention --input-feeding
gru-copy-coverage-concat|--embed 16 --cell gru --attention concat --copy-attention --coverage-attention --coverage-loss 0.5
lstm-shared-tied-copy-bahdanau|--embed 32 --attention bahdanau --share-embeddings --tie-embeddings --copy-attention --coverage-attention
lstm-coverage-dot|--embed 16 --attention dot --coverage-attention --encoder-layers 1 --decoder-layers 1
lstm-copy-oov-feed|--embed 16 --copy-attention --input-feeding --max-vocab 12|keep
gru-copy-oov-coverage-bahdanau|--embed 16 --cell gru --attention bahdanau --copy-attention --coverage-attention --max-vocab 12|keep
LIST
[ $fail = 0 ] && echo "ALL PASS" || echo "SOME FAIL"
exit $fail
