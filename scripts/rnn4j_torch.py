"""A PyTorch twin of rnn4j's encoder-decoder (dev.rnn4j.seq2seq.Seq2SeqModel), for interop and as a
baseline.

    model, src_vocab, tgt_vocab = load_rnn4j("run/best")   # config.json, *.vocab, model.safetensors
    hyps = translate(model, [[5, 9, 7]], beam=5)             # rnn4j's Translator, step for step

The module computes what the Java model computes, with the same parameter names, so rnn4j's
model.safetensors loads with load_state_dict(strict=True) and decodings agree token for token
(scripts/dev/check_torch_twin.sh). The pieces, as in Seq2SeqModel's class comment:

  source embedding (PAD row 0) -> embedding dropout -> stacked (bi)RNN encoder, packed by length
  -> bridge: decoder layer l starts from h0 = tanh(W_h [h_fwd; h_bwd] + b), c0 = W_c [c_fwd; c_bwd]
     + b of encoder layer l + Le - Ld (a zero input where that is below 0, so h0 = tanh(b) there)
  -> target embedding -> embedding dropout -> stacked RNN decoder (teacher forcing)
  -> attention -> dropout -> generator (V, H) -> log-softmax.

Attention (LuongAttention.java), no biases anywhere: scores q.k with k = memory (dot) or memory W_a^T
(general, attention.linear_in), or v . tanh(W_q q + W_k m) (concat and bahdanau: linear_query,
linear_context, v); padded source positions get -inf before the softmax; context c = a . memory;
h~ = tanh(W_c [c; h]) (linear_out). Luong (general/dot/concat) queries with the decoder output h_t;
bahdanau queries with the previous top-layer state h_{t-1}, feeds [emb_t; c_t] to the RNN and reads
out h~_t = tanh(W_c [c_t; h_t]). Input feeding: the decoder reads [emb_t; h~_{t-1}], h~_{-1} = 0.
Without attention h~ is the decoder output. Tied embeddings: the generator uses
decoder.embedding.weight (no generator.weight tensor in the file).

Shapes: ids (B, T) batch-first, PAD = 0 beyond each length; memory (B, S, M) with M = D * He;
states (L * D, B, H) as torch.nn.LSTM/GRU/RNN.
"""

import json
import math
import os
import struct

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

PAD, BOS, EOS, UNK = 0, 1, 2, 3
VOCAB_HEADER = "#rnn4j-vocabulary v1"
CELLS = {"LSTM": nn.LSTM, "GRU": nn.GRU, "RNN_TANH": nn.RNN, "RNN_RELU": nn.RNN}
ATTENTIONS = ("NONE", "DOT", "GENERAL", "CONCAT", "BAHDANAU")


# ------------------------------------------------------------------ configuration

def default_config(**overrides):
    """The "model" object of rnn4j's config.json, with the CLI's defaults; keys as rnn4j writes them."""
    cfg = {
        "src_vocab": None,
        "tgt_vocab": None,
        "embed_size": 128,
        "cell": "LSTM",
        "encoder_hidden": 256,
        "encoder_layers": 1,
        "bidirectional": True,
        "decoder_hidden": 512,
        "decoder_layers": 1,
        "attention": "GENERAL",
        "dropout": 0.0,
        "tie_embeddings": False,
        "input_feeding": False,
        "embedding_dropout": 0.0,
    }
    cfg.update(overrides)
    return cfg


def check_config(cfg):
    """The checks of Seq2SeqConfig's constructor, with the same advice."""
    if cfg["cell"] not in CELLS:
        raise ValueError(f"cell is {cfg['cell']!r}; use one of {list(CELLS)}")
    if cfg["attention"] not in ATTENTIONS:
        raise ValueError(f"attention is {cfg['attention']!r}; use one of {list(ATTENTIONS)}")
    if cfg["src_vocab"] < 5 or cfg["tgt_vocab"] < 5:
        raise ValueError("vocabularies need the 4 special tokens and at least one more entry")
    memory = cfg["encoder_hidden"] * (2 if cfg["bidirectional"] else 1)
    if cfg["attention"] == "DOT" and memory != cfg["decoder_hidden"]:
        raise ValueError(f"dot attention needs decoder_hidden == encoder output size {memory},"
                         f" got {cfg['decoder_hidden']} (use GENERAL attention)")
    if cfg.get("input_feeding") and cfg["attention"] in ("BAHDANAU", "NONE"):
        raise ValueError("input feeding needs DOT, GENERAL or CONCAT attention")
    if cfg.get("tie_embeddings") and cfg["embed_size"] != cfg["decoder_hidden"]:
        raise ValueError("tied embeddings need embed_size == decoder_hidden")
    if (cfg.get("share_embeddings") or cfg.get("copy_attention")) and cfg["src_vocab"] != cfg["tgt_vocab"]:
        raise ValueError("shared embeddings and copy attention need one joint vocabulary")
    if (cfg.get("copy_attention") or cfg.get("coverage_attention")) and cfg["attention"] == "NONE":
        raise ValueError("copy and coverage attention need an attention type")


# ------------------------------------------------------------------ modules

class Embedded(nn.Module):
    """encoder.* / decoder.*: an embedding (PAD row 0) and a recurrent stack."""

    def __init__(self, vocab, embed, cell, input_size, hidden, layers, bidirectional, dropout):
        super().__init__()
        self.embedding = nn.Embedding(vocab, embed, padding_idx=PAD)
        kw = {"nonlinearity": "relu" if cell == "RNN_RELU" else "tanh"} if cell.startswith("RNN") else {}
        self.rnn = CELLS[cell](input_size, hidden, num_layers=layers, bidirectional=bidirectional,
                               batch_first=True, dropout=dropout if layers > 1 else 0.0, **kw)


class Bridge(nn.Module):
    """bridge.h (and bridge.c for LSTM): (D * He) -> Hd, with bias."""

    def __init__(self, memory, hidden, lstm):
        super().__init__()
        self.h = nn.Linear(memory, hidden)
        self.c = nn.Linear(memory, hidden) if lstm else None


class Weight(nn.Module):
    """A bare (rows, cols) weight under the name `weight` (attention.coverage.weight)."""

    def __init__(self, rows, cols):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(rows, cols))
        nn.init.uniform_(self.weight, -1 / math.sqrt(cols), 1 / math.sqrt(cols))


class Attention(nn.Module):
    """attention.*: LuongAttention's parameters (no biases); with coverage, attention.coverage.weight
    (1, H) inside the additive score's tanh, or (1, 1) added to the bilinear scores."""

    def __init__(self, kind, memory, hidden, coverage=False):
        super().__init__()
        self.kind = kind
        self.linear_in = nn.Linear(memory, hidden, bias=False) if kind == "GENERAL" else None
        self.linear_out = nn.Linear(memory + hidden, hidden, bias=False)
        additive = kind in ("CONCAT", "BAHDANAU")
        self.linear_query = nn.Linear(hidden, hidden, bias=False) if additive else None
        self.linear_context = nn.Linear(memory, hidden, bias=False) if additive else None
        self.v = nn.Linear(hidden, 1, bias=False) if additive else None
        self.coverage = Weight(1, hidden if additive else 1) if coverage else None

    def keys(self, memory):
        """(B, S, H): the memory itself (dot), memory W_a^T (general) or memory W_k^T (additive)."""
        if self.kind == "DOT":
            return memory
        return (self.linear_in or self.linear_context)(memory)

    def attend(self, memory, keys, src_mask, queries, coverage=None):
        """Weights (B, T, S) and context (B, T, M) for queries (B, T, H); src_mask (B, S) True at PAD;
        coverage (B, T, S) where the scores read one."""
        if self.linear_query is not None:
            pre = self.linear_query(queries).unsqueeze(2) + keys.unsqueeze(1)  # (B, T, S, H)
            if coverage is not None:
                pre = pre + coverage.unsqueeze(-1) * self.coverage.weight.view(1, 1, 1, -1)
            scores = self.v(torch.tanh(pre)).squeeze(-1)  # (B, T, S)
        else:
            scores = torch.bmm(queries, keys.transpose(1, 2))
            if coverage is not None:
                scores = scores + coverage * self.coverage.weight[0, 0]
        scores = scores.masked_fill(src_mask.unsqueeze(1), float("-inf"))
        weights = torch.softmax(scores, dim=-1)
        return weights, torch.bmm(weights, memory)

    def readout(self, context, states):
        """h~ = tanh(W_c [c; h]), (B, T, H)."""
        return torch.tanh(self.linear_out(torch.cat([context, states], dim=-1)))


class Generator(nn.Module):
    """generator.weight (V, H) (absent when tied to decoder.embedding.weight), generator.bias, and
    with copy attention the switch generator.copy (p_gen = sigmoid(w . h~ + b))."""

    def __init__(self, hidden, vocab, tied, copy=False):
        super().__init__()
        self.copy = nn.Linear(hidden, 1) if copy else None
        self.weight = None if tied else nn.Parameter(torch.empty(vocab, hidden))
        self.bias = nn.Parameter(torch.empty(vocab))
        bound = 1 / math.sqrt(hidden)
        if self.weight is not None:
            nn.init.uniform_(self.weight, -bound, bound)
        nn.init.uniform_(self.bias, -bound, bound)


class Rnn4jSeq2Seq(nn.Module):
    """Seq2SeqModel in PyTorch; cfg is the "model" object of rnn4j's config.json."""

    def __init__(self, cfg):
        super().__init__()
        check_config(cfg)
        self.cfg = dict(cfg)
        c = self.cfg
        self.lstm = c["cell"] == "LSTM"
        self.dirs = 2 if c["bidirectional"] else 1
        self.memory_size = c["encoder_hidden"] * self.dirs
        self.att_kind = c["attention"]
        self.feeding = bool(c.get("input_feeding"))
        self.copying = bool(c.get("copy_attention"))
        self.covered = bool(c.get("coverage_attention"))
        e, hd = c["embed_size"], c["decoder_hidden"]
        dec_in = e + (self.memory_size if self.att_kind == "BAHDANAU" else hd if self.feeding else 0)
        self.encoder = Embedded(c["src_vocab"], e, c["cell"], e, c["encoder_hidden"],
                                c["encoder_layers"], c["bidirectional"], c["dropout"])
        self.bridge = Bridge(self.memory_size, hd, self.lstm)
        self.decoder = Embedded(c["tgt_vocab"], e, c["cell"], dec_in, hd, c["decoder_layers"],
                                False, c["dropout"])
        if c.get("share_embeddings"):
            self.decoder.embedding = self.encoder.embedding  # one table; load_rnn4j aliases its key
        self.attention = None if self.att_kind == "NONE" else Attention(
            self.att_kind, self.memory_size, hd, self.covered)
        self.generator = Generator(hd, c["tgt_vocab"], bool(c.get("tie_embeddings")), self.copying)
        self.dropout = nn.Dropout(c["dropout"])
        self.embedding_dropout = nn.Dropout(c.get("embedding_dropout", 0.0))

    # ---------------------------------------------------------------- pieces

    def logits(self, h_tilde):
        w = self.generator.weight if self.generator.weight is not None else self.decoder.embedding.weight
        return F.linear(self.dropout(h_tilde), w, self.generator.bias)

    def embeddable(self, ids):
        """ids with source-only words (extended ids >= V, copy attention) read as UNK."""
        return ids.masked_fill(ids >= self.cfg["tgt_vocab"], UNK) if self.copying else ids

    def log_probs(self, h_tilde, weights, src):
        """log p (.., W): the softmax of the logits (W = V), or with copy attention the
        pointer-generator mixture p_gen softmax + (1 - p_gen) sum over the source positions holding
        w of the weights, over W = V + the source-only words' extended ids in src."""
        if not self.copying:
            return torch.log_softmax(self.logits(h_tilde), dim=-1)
        x = self.dropout(h_tilde)
        gate = torch.sigmoid(self.generator.copy(x))  # (.., 1)
        mix = gate * torch.softmax(self.logits(h_tilde), dim=-1)
        width = max(self.cfg["tgt_vocab"], int(src.max()) + 1)
        mix = F.pad(mix, (0, width - self.cfg["tgt_vocab"]))
        ids = src.unsqueeze(1).expand(weights.shape) if weights.dim() == 3 else src
        mix = mix.scatter_add(-1, ids, (1 - gate) * weights)
        return torch.log(mix.clamp_min(1e-30))

    def encode(self, src, src_lengths):
        """memory (B, S, M), keys, source PAD mask (B, S) and the decoder's initial state (h0, c0)."""
        b, s = src.shape
        x = self.embedding_dropout(self.encoder.embedding(self.embeddable(src)))
        packed = nn.utils.rnn.pack_padded_sequence(x, src_lengths.cpu(), batch_first=True,
                                                   enforce_sorted=False)
        out, final = self.encoder.rnn(packed)
        memory, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=s)
        h_n, c_n = final if self.lstm else (final, None)
        h0 = torch.tanh(self.bridge.h(self._bridge_input(h_n, b)))
        c0 = self.bridge.c(self._bridge_input(c_n, b)) if self.lstm else None
        mask = torch.arange(s, device=src.device).unsqueeze(0) >= src_lengths.unsqueeze(1)
        keys = self.attention.keys(memory) if self.attention is not None else None
        return memory, keys, mask, (h0, c0)

    def _bridge_input(self, states, b):
        """(Ld, B, D * He): encoder layer l + Le - Ld's final states, directions side by side."""
        le, ld = self.cfg["encoder_layers"], self.cfg["decoder_layers"]
        rows = []
        for l in range(ld):
            e = l + le - ld
            if e < 0:
                rows.append(states.new_zeros(b, self.memory_size))
            else:
                rows.append(torch.cat([states[e * self.dirs + d] for d in range(self.dirs)], dim=-1))
        return torch.stack(rows)

    def _rnn(self, x, h, c):
        if self.lstm:
            out, (h, c) = self.decoder.rnn(x, (h, c))
        else:
            out, h = self.decoder.rnn(x, h)
        return out, h, c

    # ---------------------------------------------------------------- training

    def forward(self, src, src_lengths, tgt_in):
        """Teacher-forced log-probabilities (B, T, V) of tgt_in = [BOS, y_1 .. y_n] (PAD after)."""
        memory, keys, mask, (h, c) = self.encode(src, src_lengths)
        y = self.embedding_dropout(self.decoder.embedding(self.embeddable(tgt_in)))
        if self.att_kind == "BAHDANAU" or self.feeding or self.covered:
            outs, weights = [], []
            prev = y.new_zeros(y.shape[0], 1, self.cfg["decoder_hidden"])
            cov = y.new_zeros(y.shape[0], 1, src.shape[1]) if self.covered else None
            for t in range(y.shape[1]):
                if self.att_kind == "BAHDANAU":
                    w, ctx = self.attention.attend(memory, keys, mask, h[-1].unsqueeze(1), cov)
                    out, h, c = self._rnn(torch.cat([y[:, t:t + 1], ctx], dim=-1), h, c)
                else:
                    x = torch.cat([y[:, t:t + 1], prev], dim=-1) if self.feeding else y[:, t:t + 1]
                    out, h, c = self._rnn(x, h, c)
                    w, ctx = self.attention.attend(memory, keys, mask, out, cov)
                prev = self.attention.readout(ctx, out)
                outs.append(prev)
                weights.append(w)
                if cov is not None:
                    cov = cov + w
            h_tilde, weights = torch.cat(outs, dim=1), torch.cat(weights, dim=1)
        else:
            # Steps past a target's length see padding; the loss ignores them, as rnn4j's does.
            out, _, _ = self._rnn(y, h, c)
            weights = None
            if self.attention is None:
                h_tilde = out
            else:
                weights, ctx = self.attention.attend(memory, keys, mask, out)
                h_tilde = self.attention.readout(ctx, out)
        return self.log_probs(h_tilde, weights, src)

    # ---------------------------------------------------------------- inference

    def decode_step(self, memory, keys, mask, prev, state, src=None):
        """One step for N hypotheses whose sources are rows of memory (N, S, M): prev (N) ids,
        state (h, c, feed, coverage), src (N, S) their source ids (copy attention). Returns
        log-probabilities (N, V) and the next state."""
        h, c, feed, cov = state
        y = self.decoder.embedding(self.embeddable(prev)).unsqueeze(1)  # (N, 1, E)
        w = None
        if self.att_kind == "BAHDANAU":
            w, ctx = self.attention.attend(memory, keys, mask, h[-1].unsqueeze(1), cov)
            out, h, c = self._rnn(torch.cat([y, ctx], dim=-1), h, c)
            h_tilde = self.attention.readout(ctx, out)
        else:
            x = torch.cat([y, feed], dim=-1) if self.feeding else y
            out, h, c = self._rnn(x, h, c)
            h_tilde = out
            if self.attention is not None:
                w, ctx = self.attention.attend(memory, keys, mask, out, cov)
                h_tilde = self.attention.readout(ctx, out)
        logp = self.log_probs(h_tilde.squeeze(1), None if w is None else w.squeeze(1), src)
        return logp, (h, c, h_tilde if self.feeding else None, None if cov is None else cov + w)


# ------------------------------------------------------------------ beam search (Translator.java)

def translate(model, sources, beam=5, length_penalty=0.6, max_len_ratio=2.0, max_len_extra=10,
              n_best=1, max_batch=64):
    """rnn4j's Translator: for each source (ids without BOS/EOS) up to n_best (tokens, log_prob, score).

    Each live hypothesis proposes its top min(k+1, V) tokens; per input the candidates are ranked
    by total log-probability (a stable sort), EOS candidates end a hypothesis (they do not count
    towards the k kept), a hypothesis at the length limit ceil(ratio * srcLen) + extra is ended with
    EOS's log-probability; an input stops once k are done and no live one, normalised at the
    maximum length, can beat the best. Scores are log_prob / ((5 + len) / 6)^alpha, len counting
    EOS; alpha = 0 ranks by log-probability. beam=1 is this search with k = 1 (rnn4j's greedy).
    """
    out = []
    for i in range(0, len(sources), max_batch):
        out.extend(_translate_batch(model, sources[i:i + max_batch], beam, length_penalty,
                                    max_len_ratio, max_len_extra, n_best))
    return out


def _normalise(lp, length, alpha):
    return lp if alpha == 0 else lp / math.pow((5.0 + length) / 6.0, alpha)


@torch.no_grad()
def _translate_batch(model, sources, k, alpha, ratio, extra, n_best):
    alpha = float(np.float32(alpha))  # rnn4j holds it as a float
    ratio = np.float32(ratio)
    n = len(sources)
    s_len = max(len(s) for s in sources)
    if min(len(s) for s in sources) == 0:
        raise ValueError("a source is empty; nothing to translate")
    src = torch.zeros(n, s_len, dtype=torch.long)
    for i, s in enumerate(sources):
        src[i, :len(s)] = torch.tensor(s, dtype=torch.long)
    lens = torch.tensor([len(s) for s in sources], dtype=torch.long)
    memory, keys, mask, (h, c) = model.encode(src, lens)
    feed = h.new_zeros(n, 1, model.cfg["decoder_hidden"]) if model.feeding else None
    cov = h.new_zeros(n, 1, s_len) if model.covered else None
    state = (h, c, feed, cov)
    v = model.cfg["tgt_vocab"]
    if model.copying:
        v = max(v, int(src.max()) + 1)  # the source-only words' extended ids
    cand = min(k + 1, v)
    finished = [[] for _ in range(n)]
    live = [(i, [], 0.0) for i in range(n)]  # (input, tokens, log_prob)
    while live:
        rows = torch.tensor([l[0] for l in live], dtype=torch.long)
        prev = torch.tensor([l[1][-1] if l[1] else BOS for l in live], dtype=torch.long)
        logp, state = model.decode_step(memory[rows], None if keys is None else keys[rows],
                                        mask[rows], prev, state, src[rows])
        # Each hypothesis's top min(k+1, V) tokens, ordered as rnn4j's topK: by log-probability,
        # the lower id first among equal ones (torch.topk may pick another id only for a tie at the
        # cut, which needs two exactly equal float32 log-probabilities).
        top_v, top_i = logp.topk(cand, dim=1)
        top_v, top_i = top_v.tolist(), top_i.tolist()
        tops = [sorted(zip(vs, ids), key=lambda p: (-p[0], p[1])) for vs, ids in zip(top_v, top_i)]
        eos_lp = logp[:, EOS].tolist()
        next_live, parents = [], []
        h0 = 0
        while h0 < len(live):
            inp = live[h0][0]
            end = h0
            while end < len(live) and live[end][0] == inp:
                end += 1
            max_len = int(math.ceil(ratio * np.float32(len(sources[inp])))) + extra
            _expand(live, h0, end, tops, eos_lp, k, max_len, alpha, finished[inp], next_live,
                    parents)
            h0 = end
        live = next_live
        if live:
            idx = torch.tensor(parents, dtype=torch.long)
            h, c, feed, cov = state
            state = (h[:, idx], None if c is None else c[:, idx], None if feed is None else feed[idx],
                     None if cov is None else cov[idx])
    out = []
    for f in finished:
        f = sorted(f, key=lambda d: -d[2])
        out.append(f[:n_best])
    return out


def _expand(live, lo, hi, tops, eos_lp, k, max_len, alpha, done, next_live, parents):
    scores, hyps, toks = [], [], []
    for hh in range(lo, hi):
        _, tokens, lp = live[hh]
        if len(tokens) >= max_len:
            total = lp + eos_lp[hh]
            done.append((tokens, total, _normalise(total, len(tokens) + 1, alpha)))
            continue
        for val, tok in tops[hh]:
            scores.append(lp + val)  # float32 log-probability, summed in float64 as rnn4j
            hyps.append(hh)
            toks.append(tok)
    order = sorted(range(len(scores)), key=lambda i: -scores[i])  # stable, as Arrays.sort
    first_new = len(next_live)
    for ci in order:
        if len(next_live) - first_new >= k:
            break
        inp, tokens, _ = live[hyps[ci]]
        if toks[ci] == EOS:
            done.append((tokens, scores[ci], _normalise(scores[ci], len(tokens) + 1, alpha)))
            continue
        next_live.append((inp, tokens + [toks[ci]], scores[ci]))
        parents.append(hyps[ci])
    if len(done) >= k:
        best = max(d[2] for d in done)
        at = 1 if alpha == 0 else max_len + 1
        if not any(_normalise(next_live[i][2], at, alpha) > best
                   for i in range(first_new, len(next_live))):
            del next_live[first_new:]
            del parents[first_new:]


# ------------------------------------------------------------------ files

_DTYPES = {"F32": np.float32, "F64": np.float64, "F16": np.float16, "I32": np.int32, "I64": np.int64}


def read_safetensors(path):
    """{name: tensor} of a .safetensors file: u64 LE header length, JSON header, raw LE data."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n].decode("utf-8"))
    base = 8 + n
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] not in _DTYPES:
            raise ValueError(f"{path}: tensor {name} has dtype {info['dtype']}, not one of {list(_DTYPES)}")
        a, b = info["data_offsets"]
        arr = np.frombuffer(data[base + a:base + b], dtype=np.dtype(_DTYPES[info["dtype"]]).newbyteorder("<"))
        out[name] = torch.from_numpy(arr.astype(_DTYPES[info["dtype"]]).reshape(info["shape"]))
    return out


def write_safetensors(path, tensors, metadata=None):
    """Writes float32 tensors in the layout read_safetensors (and rnn4j) reads."""
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = {str(a): str(b) for a, b in metadata.items()}
    for name, t in tensors.items():
        raw = t.detach().cpu().contiguous().float().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * (-len(h) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)


def read_vocab(path):
    """Tokens in id order from an rnn4j vocabulary file."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().replace("\r\n", "\n").split("\n")
    if lines[0] != VOCAB_HEADER:
        raise ValueError(f"{path}: first line is {lines[0]!r}, expected {VOCAB_HEADER!r}")
    tokens = lines[1:]
    if tokens and tokens[-1] == "":
        tokens.pop()
    if tokens[:4] != ["<pad>", "<s>", "</s>", "<unk>"]:
        raise ValueError(f"{path}: ids 0..3 must be <pad> <s> </s> <unk>, got {tokens[:4]}")
    return tokens


def state_dict_for_rnn4j(model):
    """The model's parameters under rnn4j's names (tied: no generator.weight)."""
    return {name: p for name, p in model.state_dict().items()}


def load_rnn4j(model_dir, vocabularies=True):
    """(model in eval mode, source tokens, target tokens) from an rnn4j model directory; with
    vocabularies=False the vocabularies are not read (None) and may be absent."""
    with open(os.path.join(model_dir, "config.json"), encoding="utf-8") as f:
        cfg = json.load(f)
    if cfg.get("format") != "rnn4j-seq2seq" or cfg.get("version") != 1:
        raise ValueError(f"{model_dir}/config.json: format {cfg.get('format')} version"
                         f" {cfg.get('version')}, expected rnn4j-seq2seq version 1")
    model = Rnn4jSeq2Seq(cfg["model"])
    state = read_safetensors(os.path.join(model_dir, "model.safetensors"))
    if cfg["model"].get("share_embeddings"):
        state["decoder.embedding.weight"] = state["encoder.embedding.weight"]  # one shared table
    model.load_state_dict(state, strict=True)
    model.eval()
    if not vocabularies:
        return model, None, None
    src = read_vocab(os.path.join(model_dir, "source.vocab"))
    tgt = read_vocab(os.path.join(model_dir, "target.vocab"))
    if len(src) != cfg["model"]["src_vocab"] or len(tgt) != cfg["model"]["tgt_vocab"]:
        raise ValueError(f"{model_dir}: vocabulary sizes {len(src)}/{len(tgt)} differ from config.json")
    return model, src, tgt


def encode_tokens(vocab_index, tokens):
    """Ids of whitespace tokens (unknown ones -> UNK)."""
    return [vocab_index.get(t, UNK) for t in tokens]


def encode_copy(vocab_index, tokens):
    """rnn4j's CopyVocabulary (copy attention): ids of whitespace tokens, each word outside the
    vocabulary as V + k for the k-th distinct such word; returns (ids, those words in order)."""
    v, extra, ids = len(vocab_index), {}, []
    for t in tokens:
        i = vocab_index.get(t, UNK)
        if i == UNK and t != "<unk>":
            i = extra.setdefault(t, v + len(extra))
        ids.append(i)
    return ids, list(extra)


def encode_copy_target(vocab_index, tokens, source_only):
    """rnn4j's CopyVocabulary.encodeTarget: a word outside the vocabulary takes the id of the same
    source-only word (V + k), else UNK."""
    v, extra = len(vocab_index), {t: i for i, t in enumerate(source_only)}
    return [vocab_index.get(t, v + extra[t] if t in extra else UNK) for t in tokens]


def decode_ids(vocab, ids, source_only=()):
    """rnn4j's Vocabulary.decode: stops at EOS, skips PAD and BOS; ids >= V are source_only words."""
    out = []
    for i in ids:
        if i == EOS:
            break
        if i >= len(vocab):
            out.append(source_only[i - len(vocab)])
        elif i not in (PAD, BOS):
            out.append(vocab[i])
    return out


def main():
    import argparse
    import sys
    ap = argparse.ArgumentParser(description="Translate whitespace-tokenized lines (stdin) with an"
                                             " rnn4j model directory, in PyTorch.")
    ap.add_argument("--model", required=True)
    ap.add_argument("--beam", type=int, default=5)
    ap.add_argument("--length-penalty", type=float, default=0.6)
    ap.add_argument("--max-length-ratio", type=float, default=2.0)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--n-best", type=int, default=1,
                    help="outputs per input; > 1 writes rnn4j's 'LINE ||| TEXT ||| SCORE' lines")
    ap.add_argument("--scores", action="store_true", help="append TAB log-prob TAB score")
    a = ap.parse_args()
    torch.set_num_threads(1)
    model, src_vocab, tgt_vocab = load_rnn4j(a.model)
    index = {t: i for i, t in enumerate(src_vocab)}
    lines = [l.rstrip("\n").split("\t")[0] for l in sys.stdin]
    if model.copying:
        ids, extra = zip(*[encode_copy(index, l.split()) for l in lines]) if lines else ((), ())
    else:
        ids, extra = [encode_tokens(index, l.split()) for l in lines], [()] * len(lines)
    todo = [i for i, s in enumerate(ids) if s]
    hyps = translate(model, [ids[i] for i in todo], beam=a.beam, length_penalty=a.length_penalty,
                     max_len_ratio=a.max_length_ratio, n_best=a.n_best, max_batch=a.batch_size)
    result = dict(zip(todo, hyps))
    for i in range(len(lines)):
        if i not in result:
            print()
            continue
        for toks, lp, score in result[i]:
            text = " ".join(decode_ids(tgt_vocab, toks, extra[i]))
            if a.n_best > 1:
                print(f"{i} ||| {text} ||| {score:.4f}")
            else:
                print(f"{text}\t{lp:.6f}\t{score:.6f}" if a.scores else text)


if __name__ == "__main__":
    main()
