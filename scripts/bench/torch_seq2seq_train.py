"""The PyTorch baseline trainer: rnn4j's encoder-decoder (scripts/rnn4j_torch.py) trained the way
`rnn4j train` trains it, for side-by-side speed and quality comparisons.

    /usr/bin/python3 scripts/bench/torch_seq2seq_train.py --train train.ids --dev dev.ids \\
        --vocab VOCAB_DIR --out runs/torch --time-limit 30 --schedule cosine-time --threads 4

Input: token ids, one pair per line, `SRC_IDS<TAB>TGT_IDS`, ids space-separated, without BOS/EOS
(as `rnn4j ids encode` writes them); pairs with an empty side or a side longer than --max-length
are skipped, as rnn4j does. Sizes come from --vocab DIR (source.vocab, target.vocab; e.g. an rnn4j model
directory) or --src-vocab-size/--tgt-vocab-size.

What matches rnn4j (dev.rnn4j.train.Trainer, data.Batcher, cli.TrainRun):
  * the model, parameter names and the initial distributions (values differ: another RNG);
  * batches: Batcher.planEpoch exactly (SplitMix64 counter RNG, shuffle, windows of 50 batches
    sorted by source then target length, batches shuffled), so with the same --seed and the same
    example order every update sees the same pairs as rnn4j's;
  * loss: label-smoothed cross-entropy summed over target tokens (EOS included, PAD ignored,
    eps spread over all V classes), gradients scaled by 1/(tokens * accumulate);
  * Adam (beta 0.9/0.999, eps 1e-8) or AdamW (--weight-decay), global-norm clipping (--clip 5),
    schedules constant, warmup:N, cosine-time[:N] (lr = base * min(1, step/N) * (1 + cos(pi *
    elapsed/limit)) / 2), the time limit checked after every update with the last evaluation's
    cost kept free, plateau decay (x0.5 after more than 1 flat epoch) and early stopping (3);
  * dev loss per epoch: mean per-token loss without smoothing, no dropout.
What differs: dropout masks (torch's RNG); "best" is judged by dev loss, where rnn4j's default
--dev-metric is the greedy WER of a dev sample; updates with a non-finite loss or gradient are
skipped without rnn4j's divergence patience.

Output: per-epoch lines, then one JSON line: target tokens (EOS included) per second of training
time (evaluation and saving excluded), seconds, updates. The best weights go to OUT/model.safetensors
with config.json (and, with --vocab, the vocabularies and checksums: an rnn4j model directory).
"""

import argparse
import hashlib
import json
import math
import os
import shutil
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import rnn4j_torch as rt  # noqa: E402

MASK64 = (1 << 64) - 1
BUCKET_WINDOW = 50  # TrainRun: new Batcher(trainEx, batchSize, 50, seed)


# ------------------------------------------------------------------ data (data.Batcher)

def counter_bits(seed, index):
    """CounterRng.bits: SplitMix64's finaliser of seed + (index + 1) * golden ratio, as uint64."""
    z = (seed + (index + 1) * 0x9E3779B97F4A7C15) & MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return z ^ (z >> 31)


class Draws:
    """Batcher.Draws: nextInt(bound) from 31 bits with java.util.Random's rejection (int32 wrap)."""

    def __init__(self, seed):
        self.seed, self.index = seed, 0

    def next_int(self, bound):
        while True:
            bits = counter_bits(self.seed, self.index) >> 33
            self.index += 1
            val = bits % bound
            check = (bits - val + bound - 1) & 0xFFFFFFFF
            if check < 0x80000000:  # non-negative as a Java int
                return val


def plan_epoch(src_lens, tgt_lens, batch_size, window_batches, seed, epoch):
    """Batcher.planEpoch: the batches (example indices) of 0-based epoch `epoch`, in order."""
    n = len(src_lens)
    batches = (n + batch_size - 1) // batch_size
    rng = Draws(counter_bits(seed & MASK64, epoch))
    order = list(range(n))
    for i in range(n - 1, 0, -1):
        j = rng.next_int(i + 1)
        order[i], order[j] = order[j], order[i]
    window = min(window_batches * batch_size, n)
    for lo in range(0, n, window):
        order[lo:lo + window] = sorted(order[lo:lo + window], key=lambda i: (src_lens[i], tgt_lens[i]))
    plan = [order[b * batch_size:min(n, (b + 1) * batch_size)] for b in range(batches)]
    for i in range(batches - 1, 0, -1):
        j = rng.next_int(i + 1)
        plan[i], plan[j] = plan[j], plan[i]
    return plan


def read_ids(path, max_length, src_vocab, tgt_vocab):
    """[(src ids, tgt ids)] from SRC_IDS<TAB>TGT_IDS lines; as rnn4j's ParallelCorpusReader, pairs
    with an empty side or a side over max_length are skipped."""
    pairs, skipped = [], 0
    with open(path, encoding="utf-8") as f:
        for no, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line:
                continue
            if "\t" not in line:
                sys.exit(f"{path}:{no}: expected SRC_IDS<TAB>TGT_IDS, got {line[:60]!r}")
            a, b = line.split("\t", 1)
            src, tgt = [int(x) for x in a.split()], [int(x) for x in b.split()]
            for ids, v, side in ((src, src_vocab, "source"), (tgt, tgt_vocab, "target")):
                bad = [i for i in ids if not 0 <= i < v]
                if bad:
                    sys.exit(f"{path}:{no}: {side} id {bad[0]} outside the vocabulary [0, {v})")
            if not src or not tgt or len(src) > max_length or len(tgt) > max_length:
                skipped += 1
                continue
            pairs.append((src, tgt))
    return pairs, skipped


def make_batch(pairs, idx, device):
    """Seq2SeqBatch: src (B, S), lengths, tgt_in = BOS y (B, T), tgt_out = y EOS with -100 at PAD."""
    items = [pairs[i] for i in idx]
    b = len(items)
    s = max(len(x) for x, _ in items)
    t = max(len(y) for _, y in items) + 1
    src = torch.zeros(b, s, dtype=torch.long)
    tgt_in = torch.zeros(b, t, dtype=torch.long)
    tgt_out = torch.full((b, t), -100, dtype=torch.long)
    for r, (x, y) in enumerate(items):
        src[r, :len(x)] = torch.tensor(x)
        tgt_in[r, :len(y) + 1] = torch.tensor([rt.BOS] + y)
        tgt_out[r, :len(y) + 1] = torch.tensor(y + [rt.EOS])
    lens = torch.tensor([len(x) for x, _ in items])
    tokens = sum(len(y) + 1 for _, y in items)
    return src.to(device), lens.to(device), tgt_in.to(device), tgt_out.to(device), tokens


def loss_sum(model, batch, smoothing):
    src, lens, tgt_in, tgt_out, _ = batch
    logp = model(src, lens, tgt_in)
    return F.nll_loss(logp.reshape(-1, logp.shape[-1]), tgt_out.reshape(-1), ignore_index=-100,
                      reduction="sum") * (1 - smoothing) - (
        smoothing * logp.mean(-1).reshape(-1)[tgt_out.reshape(-1) != -100].sum() if smoothing else 0)


# ------------------------------------------------------------------ schedule (train.LrSchedule)

def parse_schedule(spec, time_limit):
    if spec == "constant":
        return ("constant", 0)
    kind, _, n = spec.partition(":")
    if kind == "warmup" and n:
        return ("warmup", int(n))
    if kind == "cosine-time":
        if time_limit <= 0:
            sys.exit(f"--schedule {spec} runs over the time limit; set --time-limit MIN")
        return ("cosine-time", int(n) if n else 0)
    sys.exit(f"--schedule {spec!r}: use constant, warmup:N, cosine-time or cosine-time:N")


def lr_at(schedule, base, step, progress):
    kind, warm = schedule
    if kind == "constant":
        return base
    if kind == "warmup":
        return base if step >= warm else base * step / warm
    ramp = step / warm if warm > 0 and step < warm else 1.0
    return base * ramp * 0.5 * (1 + math.cos(math.pi * max(0.0, min(1.0, progress))))


# ------------------------------------------------------------------ saving

def save_model(model, out, vocab_dir):
    """OUT/model.safetensors + config.json (+ vocabularies and SHA-256 with --vocab): rnn4j's layout."""
    os.makedirs(out, exist_ok=True)
    rt.write_safetensors(os.path.join(out, "model.safetensors"), rt.state_dict_for_rnn4j(model),
                         {"format": "pt"})
    cfg = {"format": "rnn4j-seq2seq", "version": 1, "model": model.cfg,
           "source_tokenizer": "whitespace", "target_tokenizer": "whitespace"}
    files = ["model.safetensors"]
    if vocab_dir:
        for f in ("source.vocab", "target.vocab"):
            shutil.copyfile(os.path.join(vocab_dir, f), os.path.join(out, f))
            files.append(f)
        cfg_src = os.path.join(vocab_dir, "config.json")
        if os.path.exists(cfg_src):  # keep the tokenizers of the model the vocabularies came from
            with open(cfg_src, encoding="utf-8") as f:
                c = json.load(f)
            cfg["source_tokenizer"] = c.get("source_tokenizer", "whitespace")
            cfg["target_tokenizer"] = c.get("target_tokenizer", "whitespace")
    cfg["sha256"] = {f: hashlib.sha256(open(os.path.join(out, f), "rb").read()).hexdigest()
                     for f in files}
    with open(os.path.join(out, "config.json"), "w", encoding="utf-8") as f:
        json.dump(cfg, f, indent=2)


# ------------------------------------------------------------------ main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--train", required=True)
    ap.add_argument("--dev", required=True)
    ap.add_argument("--out", required=True, help="directory for the best model")
    ap.add_argument("--vocab", help="directory with source.vocab and target.vocab")
    ap.add_argument("--src-vocab-size", type=int)
    ap.add_argument("--tgt-vocab-size", type=int)
    ap.add_argument("--cell", default="lstm", choices=["lstm", "gru", "rnn_tanh", "rnn_relu"])
    ap.add_argument("--embed", type=int, default=128)
    ap.add_argument("--encoder-hidden", type=int, default=256)
    ap.add_argument("--encoder-layers", type=int, default=2)
    ap.add_argument("--unidirectional", action="store_true")
    ap.add_argument("--decoder-hidden", type=int, default=512)
    ap.add_argument("--decoder-layers", type=int, default=2)
    ap.add_argument("--attention", default="general",
                    choices=["general", "dot", "concat", "bahdanau", "none"])
    ap.add_argument("--dropout", type=float, default=0.2)
    ap.add_argument("--embedding-dropout", type=float, default=0.0)
    ap.add_argument("--input-feeding", action="store_true")
    ap.add_argument("--tie-embeddings", action="store_true")
    ap.add_argument("--max-length", type=int, default=100)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--accumulate", type=int, default=1)
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--time-limit", type=float, default=0, help="minutes (0: none)")
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--optimizer", default="adam", choices=["adam", "adamw"])
    ap.add_argument("--weight-decay", type=float, default=0.0)
    ap.add_argument("--clip", type=float, default=5.0)
    ap.add_argument("--label-smoothing", type=float, default=0.0)
    ap.add_argument("--schedule", default="constant")
    ap.add_argument("--plateau-factor", type=float, default=0.5)
    ap.add_argument("--plateau-patience", type=int, default=1)
    ap.add_argument("--patience", type=int, default=3, help="early stopping (0: never)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--init", help="start from the weights of this rnn4j model directory (same shape)")
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    if a.vocab:
        sv = len(rt.read_vocab(os.path.join(a.vocab, "source.vocab")))
        tv = len(rt.read_vocab(os.path.join(a.vocab, "target.vocab")))
    elif a.src_vocab_size and a.tgt_vocab_size:
        sv, tv = a.src_vocab_size, a.tgt_vocab_size
    else:
        sys.exit("give --vocab DIR or both --src-vocab-size and --tgt-vocab-size")
    cfg = rt.default_config(
        src_vocab=sv, tgt_vocab=tv, embed_size=a.embed, cell=a.cell.upper(),
        encoder_hidden=a.encoder_hidden, encoder_layers=a.encoder_layers,
        bidirectional=not a.unidirectional, decoder_hidden=a.decoder_hidden,
        decoder_layers=a.decoder_layers, attention=a.attention.upper(), dropout=a.dropout,
        tie_embeddings=a.tie_embeddings, input_feeding=a.input_feeding,
        embedding_dropout=a.embedding_dropout)
    device = torch.device(a.device)
    model = rt.Rnn4jSeq2Seq(cfg)
    if a.init:
        model.load_state_dict(rt.read_safetensors(os.path.join(a.init, "model.safetensors")), strict=True)
    model = model.to(device)
    train, skipped = read_ids(a.train, a.max_length, sv, tv)
    dev, _ = read_ids(a.dev, a.max_length, sv, tv)
    if not train:
        sys.exit(f"{a.train}: no training pairs")
    print(f"{len(train)} training pairs ({skipped} skipped: a side empty or longer than"
          f" {a.max_length}), {len(dev)} dev pairs; {sum(p.numel() for p in model.parameters()):,}"
          f" parameters; torch {torch.__version__}, {a.threads} threads, {device}", flush=True)
    # Dev batches as Batcher.evaluationBatches: sorted by source length, cut in batch_size.
    dev_order = sorted(range(len(dev)), key=lambda i: len(dev[i][0]))
    dev_batches = [make_batch(dev, dev_order[i:i + a.batch_size], device)
                   for i in range(0, len(dev), a.batch_size)]
    params = list(model.parameters())
    opt_cls = torch.optim.AdamW if a.optimizer == "adamw" else torch.optim.Adam
    opt = opt_cls(params, lr=a.lr, betas=(0.9, 0.999), eps=1e-8,
                  weight_decay=a.weight_decay if a.optimizer == "adamw" else 0.0)
    schedule = parse_schedule(a.schedule, a.time_limit)
    limit = a.time_limit * 60
    src_lens = [len(x) for x, _ in train]
    tgt_lens = [len(y) for _, y in train]

    base_lr, best, bad, flat = a.lr, math.inf, 0, 0
    updates, skipped_updates, train_tokens, train_seconds = 0, 0, 0, 0.0
    t0 = time.perf_counter()
    end_cost = 0.0
    epoch, out_of_time, epochs_run = 1, False, 0
    while epoch <= a.epochs and not out_of_time:
        plan = plan_epoch(src_lens, tgt_lens, a.batch_size, BUCKET_WINDOW, a.seed, epoch - 1)
        epochs_run = epoch
        model.train()
        ep_start = time.perf_counter()
        ep_loss, ep_tokens, win_loss, win_tokens, in_acc = 0.0, 0, 0.0, 0, 0
        opt.zero_grad(set_to_none=True)
        for bi, idx in enumerate(plan):
            batch = make_batch(train, idx, device)
            loss = loss_sum(model, batch, a.label_smoothing)
            (loss / (batch[4] * a.accumulate)).backward()
            win_loss += loss.item()
            win_tokens += batch[4]
            in_acc += 1
            if in_acc < a.accumulate and bi + 1 < len(plan):
                continue
            in_acc = 0
            norm = torch.nn.utils.clip_grad_norm_(params, a.clip if a.clip > 0 else math.inf)
            if math.isfinite(win_loss) and math.isfinite(float(norm)):
                updates += 1
                lr = lr_at(schedule, base_lr, updates, (time.perf_counter() - t0) / limit if limit else 0)
                for g in opt.param_groups:
                    g["lr"] = lr
                opt.step()
                ep_loss += win_loss
                ep_tokens += win_tokens
            else:
                skipped_updates += 1
                print(f"skipped an update: loss {win_loss / max(1, win_tokens)}, norm {float(norm)}")
            win_loss, win_tokens = 0.0, 0
            opt.zero_grad(set_to_none=True)
            if limit and time.perf_counter() - t0 + end_cost >= limit:
                out_of_time = True
                break
        if device.type == "cuda":
            torch.cuda.synchronize()
        end_start = time.perf_counter()
        secs = end_start - ep_start
        train_seconds += secs
        train_tokens += ep_tokens
        model.eval()
        with torch.no_grad():
            dsum = sum(loss_sum(model, b, 0.0).item() for b in dev_batches)
            dtok = sum(b[4] for b in dev_batches)
        dev_loss = dsum / dtok if dtok else math.nan
        improved = dev_loss < best if best < math.inf else not math.isnan(dev_loss)
        print(f"epoch {epoch}{' (partial)' if out_of_time else ''}: train loss"
              f" {ep_loss / max(1, ep_tokens):.4f}, dev loss {dev_loss:.4f}{' (best)' if improved else ''},"
              f" lr {opt.param_groups[0]['lr']:.2e}, {secs:.1f} s, {ep_tokens / max(1e-9, secs):,.0f} tok/s",
              flush=True)
        if improved:
            best, bad, flat = dev_loss, 0, 0
            save_model(model, a.out, a.vocab)
        else:
            bad += 1
            flat += 1
            if flat > a.plateau_patience and a.plateau_factor < 1:
                base_lr *= a.plateau_factor
                flat = 0
                print(f"validation plateau: learning rate now {base_lr:.2e}")
        end_cost = time.perf_counter() - end_start
        if a.patience > 0 and bad >= a.patience:
            print(f"early stopping: no improvement for {bad} epochs")
            break
        epoch += 1
    total = time.perf_counter() - t0
    print(json.dumps({
        "target_tokens_per_s": round(train_tokens / max(1e-9, train_seconds), 1),
        "train_seconds": round(train_seconds, 2), "total_seconds": round(total, 2),
        "updates": updates, "skipped_updates": skipped_updates, "epochs": epochs_run,
        "best_dev_loss": best, "threads": a.threads, "device": str(device)}))


if __name__ == "__main__":
    main()
