#!/usr/bin/env bash
# Checks the PyTorch baseline trainer (scripts/bench/torch_seq2seq_train.py) against `rnn4j train`
# update for update: both start from the same weights (the twin's initialisation, written as an
# rnn4j checkpoint that `rnn4j train --resume` continues), train one epoch on the same data with
# dropout 0, label smoothing 0.1, Adam and clipping at norm 0.05 (the gradient norm starts near
# 0.2, so every update clips), and the weights they end with are compared. Equal batches (Batcher.planEpoch), loss, gradient scale, clipping and Adam give weights that
# differ by float32 noise only; a different batch order, smoothing or scale gives differences of
# the size of the updates themselves.
#   scripts/dev/check_torch_trainer.sh [WORK_DIR]      (default /tmp/rnn4j-torch-trainer)
#   CHECK_FLAGS="--cell gru --attention bahdanau" scripts/dev/check_torch_trainer.sh
# Passes when max |w_rnn4j - w_torch| <= 1% of the largest weight change and the epoch's train
# losses agree to 2e-4. Measured (lstm/general/feeding, gru/bahdanau, lstm/concat, gru/dot):
# 1e-7 to 8e-6, i.e. 1e-5 to 6e-4 of the change; training with another --seed (batch order) gives
# a ratio of order 1.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="${1:-/tmp/rnn4j-torch-trainer}"
py=/usr/bin/python3
rm -rf "$work" && mkdir -p "$work"
flags="${CHECK_FLAGS:---cell lstm --attention general --input-feeding}"
"$py" - "$root/scripts" "$work" $flags <<'PY'
import hashlib, json, os, random, sys
sys.path.insert(0, sys.argv[1])
import torch
import rnn4j_torch as rt
work, flags = sys.argv[2], sys.argv[3:]
r = random.Random(7)
words = "a b c d e f g h i j".split()
def pair():
    s = [r.choice(words) for _ in range(r.randint(1, 6))]
    return s, [w.upper() for w in s]
for name, n in (("train", 200), ("dev", 20)):
    pairs = [pair() for _ in range(n)]
    open(f"{work}/{name}.tsv", "w").write("".join(" ".join(a) + "\t" + " ".join(b) + "\n" for a, b in pairs))
src = ["<pad>", "<s>", "</s>", "<unk>"] + words
tgt = ["<pad>", "<s>", "</s>", "<unk>"] + [w.upper() for w in words]
opt = dict(zip(flags[0::2], flags[1::2]))
cfg = rt.default_config(src_vocab=len(src), tgt_vocab=len(tgt), embed_size=16, encoder_hidden=16,
                        encoder_layers=1, decoder_hidden=32, decoder_layers=1, dropout=0.0,
                        cell=opt.get("--cell", "lstm").upper(),
                        attention=opt.get("--attention", "general").upper(),
                        input_feeding="--input-feeding" in flags)
torch.manual_seed(3)
model = rt.Rnn4jSeq2Seq(cfg)
d = f"{work}/init"
os.makedirs(d)
rt.write_safetensors(f"{d}/model.safetensors", model.state_dict(), {"format": "pt"})
for f, toks in (("source.vocab", src), ("target.vocab", tgt)):
    open(f"{d}/{f}", "w").write(rt.VOCAB_HEADER + "\n" + "".join(t + "\n" for t in toks))
sha = {f: hashlib.sha256(open(f"{d}/{f}", "rb").read()).hexdigest()
       for f in ("model.safetensors", "source.vocab", "target.vocab")}
json.dump({"format": "rnn4j-seq2seq", "version": 1, "model": cfg, "source_tokenizer": "whitespace",
           "target_tokenizer": "whitespace", "sha256": sha}, open(f"{d}/config.json", "w"), indent=2)
json.dump({"epoch": 1, "batch_in_epoch": 0, "updates": 0, "best": None, "bad_epochs": 0,
           "plateau_epochs": 0, "lr": 0.001, "skipped_steps": 0, "seconds": 0.0, "dropout_calls": 0,
           "seed": 1, "train_curve": [], "dev_curve": []}, open(f"{d}/trainer.json", "w"))
rt.write_safetensors(f"{d}/optimizer.safetensors", {}, {"steps": "0"})
si, ti = {t: i for i, t in enumerate(src)}, {t: i for i, t in enumerate(tgt)}
for name in ("train", "dev"):
    with open(f"{work}/{name}.ids", "w") as f:
        for line in open(f"{work}/{name}.tsv"):
            a, b = line.rstrip("\n").split("\t")
            f.write(" ".join(str(si[t]) for t in a.split()) + "\t" + " ".join(str(ti[t]) for t in b.split()) + "\n")
PY
"$root/scripts/rnn4j" train --resume "$work/init" --train "$work/train.tsv" --dev "$work/dev.tsv" \
  --out "$work/rnn4j" --epochs 1 --batch-size 16 --label-smoothing 0.1 --clip 0.05 --backend cpu --threads 1 \
  > "$work/rnn4j.log" 2>&1 || { echo "FAIL: rnn4j train (see $work/rnn4j.log)"; exit 1; }
# shellcheck disable=SC2086
"$py" "$root/scripts/bench/torch_seq2seq_train.py" --train "$work/train.ids" --dev "$work/dev.ids" \
  --vocab "$work/init" --init "$work/init" --out "$work/torch" --epochs 1 --batch-size 16 \
  --label-smoothing 0.1 --clip 0.05 --dropout 0 --embed 16 --encoder-hidden 16 --encoder-layers 1 \
  --decoder-hidden 32 --decoder-layers 1 $flags > "$work/torch.log" 2>&1 \
  || { echo "FAIL: torch trainer (see $work/torch.log)"; exit 1; }
"$py" - "$root/scripts" "$work" <<'PY'
import re, sys
sys.path.insert(0, sys.argv[1])
import rnn4j_torch as rt
work = sys.argv[2]
w0 = rt.read_safetensors(f"{work}/init/model.safetensors")
wj = rt.read_safetensors(f"{work}/rnn4j/last/model.safetensors")
wt = rt.read_safetensors(f"{work}/torch/model.safetensors")
step = max((wj[k] - w0[k]).abs().max().item() for k in w0)
diff, worst = 0.0, ""
for k in w0:
    d = (wj[k] - wt[k]).abs().max().item()
    if d > diff:
        diff, worst = d, k
jl = re.search(r"epoch 1: train loss ([0-9.]+), dev loss ([0-9.]+)", open(f"{work}/rnn4j.log").read())
tl = re.search(r"epoch 1: train loss ([0-9.]+), dev loss ([0-9.]+)", open(f"{work}/torch.log").read())
upd = re.search(r'"updates": (\d+)', open(f"{work}/torch.log").read()).group(1)
print(f"rnn4j train/dev loss {jl.group(1)}/{jl.group(2)}, torch {tl.group(1)}/{tl.group(2)}; {upd} updates")
print(f"max |w_rnn4j - w_torch| {diff:.2e} ({worst}); largest weight change {step:.2e}; ratio {diff / step:.2e}")
ok = diff <= 1e-2 * step and abs(float(jl.group(1)) - float(tl.group(1))) <= 2e-4
print("PASS" if ok else "FAIL")
sys.exit(0 if ok else 1)
PY
