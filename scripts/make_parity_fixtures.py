#!/usr/bin/python3
"""Writes the PyTorch parity fixtures that PyTorchParityTest compares rnn4j against.

Regenerate (from the repository root, with Debian's PyTorch, not a pyenv/venv python):

    sudo apt-get install python3-torch      # torch 1.13 at the time of writing
    /usr/bin/python3 scripts/make_parity_fixtures.py

It rewrites src/test/resources/parity/*.txt (deleting stale fixtures first); the output is
deterministic for a given torch version, so commit the result.

Each fixture is one configuration of nn.RNN (tanh, relu), nn.LSTM or nn.GRU with batch_first=True,
dropout 0, computed in float64: random input, parameters and loss weights, optional per-sequence
lengths (pack_padded_sequence(enforce_sorted=False) -> module -> pad_packed_sequence(total_length=T),
so the padded output is 0 at padding, as in rnn4j) and optional initial states. The loss is

    L = sum(output * w_out) + sum(h_n * w_h) [+ sum(c_n * w_c) for LSTM]

and the fixture records output, h_n, c_n and dL/d of input, h0, c0 and every parameter. Without
given states h0/c0 are zeros that still require grad, so their gradients are recorded too (rnn4j
returns them either way). Every input value (input, states, parameters, loss weights) is rounded to
float32 before the float64 computation, so rnn4j reads exactly the values PyTorch used.

Format (plain text, one item per line, '#' starts a comment line):

    cell LSTM | RNN_TANH | RNN_RELU | GRU
    input_size I / hidden_size H / num_layers L / bidirectional 0|1 / batch B / steps T
    lengths l_0 ... l_{B-1}        or   lengths none
    states given | zero
    param NAME d0 d1 ... | values   the parameters, in PyTorch's named_parameters() order
    tensor NAME d0 d1 ... | values  input, h0, c0, w_out, w_h, w_c, output, h_n, c_n,
                                    grad_input, grad_h0, grad_c0 (c0, w_c, c_n, grad_c0: LSTM only)
    grad NAME d0 d1 ... | values    dL/d parameter NAME

Values are row-major, separated by single spaces; inputs are printed as the shortest string that
round-trips their float32 value, references with 9 significant digits
(relative error <= 5e-10, far below float32 rounding, 6e-8).
"""

import os
import sys

import numpy as np
import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "test", "resources", "parity")

CELLS = [
    # (rnn4j name, file tag, constructor)
    ("RNN_TANH", "rnn_tanh", lambda **kw: torch.nn.RNN(nonlinearity="tanh", **kw)),
    ("RNN_RELU", "rnn_relu", lambda **kw: torch.nn.RNN(nonlinearity="relu", **kw)),
    ("LSTM", "lstm", lambda **kw: torch.nn.LSTM(**kw)),
    ("GRU", "gru", lambda **kw: torch.nn.GRU(**kw)),
]

# (layers, bidirectional) x (batch, steps, input, hidden) shapes, varied so that I != H, B != H etc.
STACKS = [(1, False), (2, True)]
SIZES = [(3, 5, 4, 3), (4, 5, 3, 2), (2, 4, 3, 4), (3, 6, 2, 2)]


def f32(t):
    """Rounds a float64 tensor to float32 values (kept in float64)."""
    return t.float().double()


def lengths_for(gen, batch, steps):
    """Per-sequence lengths with one full-length sequence, one of length 1, the rest random."""
    lens = [steps, 1] + [int(torch.randint(1, steps + 1, (1,), generator=gen)) for _ in range(batch - 2)]
    perm = torch.randperm(batch, generator=gen).tolist()
    return [lens[p] for p in perm]


def fmt_input(values):
    # str() of a numpy float32 is the shortest string that parses back to the same float32.
    return " ".join(str(np.float32(v)) for v in values)


def fmt_ref(values):
    return " ".join("%.9g" % v for v in values)


def line(kind, name, t, fmt):
    t = t.detach().contiguous()
    dims = " ".join(str(d) for d in t.shape)
    return "%s %s %s | %s" % (kind, name, dims, fmt(t.reshape(-1).tolist()))


def make(index, cell, tag, ctor, layers, bi, sizes, var_lengths, given_states):
    batch, steps, isz, hid = sizes
    seed = 1000 + index
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    mod = ctor(input_size=isz, hidden_size=hid, num_layers=layers, bidirectional=bi,
               batch_first=True, dropout=0.0).double()
    with torch.no_grad():
        for p in mod.parameters():
            p.copy_(f32(p))
    dirs = 2 if bi else 1
    lstm = cell == "LSTM"
    x = f32(torch.rand(batch, steps, isz, generator=gen, dtype=torch.float64) * 2 - 1).requires_grad_()
    if given_states:
        h0 = f32(torch.rand(layers * dirs, batch, hid, generator=gen, dtype=torch.float64) - 0.5)
        c0 = f32(torch.rand(layers * dirs, batch, hid, generator=gen, dtype=torch.float64) - 0.5)
    else:
        h0 = torch.zeros(layers * dirs, batch, hid, dtype=torch.float64)
        c0 = torch.zeros(layers * dirs, batch, hid, dtype=torch.float64)
    h0.requires_grad_()
    c0.requires_grad_()
    w_out = f32(torch.randn(batch, steps, dirs * hid, generator=gen, dtype=torch.float64))
    w_h = f32(torch.randn(layers * dirs, batch, hid, generator=gen, dtype=torch.float64))
    w_c = f32(torch.randn(layers * dirs, batch, hid, generator=gen, dtype=torch.float64))
    lens = lengths_for(gen, batch, steps) if var_lengths else None

    state = (h0, c0) if lstm else h0
    if lens is None:
        out, hn = mod(x, state)
    else:
        packed = pack_padded_sequence(x, torch.tensor(lens), batch_first=True, enforce_sorted=False)
        pout, hn = mod(packed, state)
        out, _ = pad_packed_sequence(pout, batch_first=True, total_length=steps)
    hn, cn = hn if lstm else (hn, None)
    loss = (out * w_out).sum() + (hn * w_h).sum()
    if lstm:
        loss = loss + (cn * w_c).sum()
    loss.backward()

    name = "%02d_%s_%s_%s_%s.txt" % (
        index, tag, "l2_bi" if bi else "l1_uni", "varlen" if var_lengths else "fulllen",
        "states" if given_states else "zerostates")
    rows = [
        "# PyTorch %s parity fixture written by scripts/make_parity_fixtures.py; do not edit" % torch.__version__,
        "cell " + cell,
        "input_size %d" % isz,
        "hidden_size %d" % hid,
        "num_layers %d" % layers,
        "bidirectional %d" % int(bi),
        "batch %d" % batch,
        "steps %d" % steps,
        "lengths " + (" ".join(str(v) for v in lens) if lens else "none"),
        "states " + ("given" if given_states else "zero"),
    ]
    for pname, p in mod.named_parameters():
        rows.append(line("param", pname, p, fmt_input))
    rows.append(line("tensor", "input", x, fmt_input))
    if given_states:
        rows.append(line("tensor", "h0", h0, fmt_input))
        if lstm:
            rows.append(line("tensor", "c0", c0, fmt_input))
    rows.append(line("tensor", "w_out", w_out, fmt_input))
    rows.append(line("tensor", "w_h", w_h, fmt_input))
    if lstm:
        rows.append(line("tensor", "w_c", w_c, fmt_input))
    rows.append(line("tensor", "output", out, fmt_ref))
    rows.append(line("tensor", "h_n", hn, fmt_ref))
    if lstm:
        rows.append(line("tensor", "c_n", cn, fmt_ref))
    rows.append(line("tensor", "grad_input", x.grad, fmt_ref))
    rows.append(line("tensor", "grad_h0", h0.grad, fmt_ref))
    if lstm:
        rows.append(line("tensor", "grad_c0", c0.grad, fmt_ref))
    for pname, p in mod.named_parameters():
        rows.append(line("grad", pname, p.grad, fmt_ref))
    with open(os.path.join(OUT_DIR, name), "w") as f:
        f.write("\n".join(rows) + "\n")
    return name


def main():
    torch.set_num_threads(1)
    os.makedirs(OUT_DIR, exist_ok=True)
    for old in os.listdir(OUT_DIR):
        if old.endswith(".txt"):
            os.remove(os.path.join(OUT_DIR, old))
    index = 0
    names = []
    for cell, tag, ctor in CELLS:
        for layers, bi in STACKS:
            for var_lengths in (False, True):
                for given_states in (False, True):
                    sizes = SIZES[(index + index // 4) % len(SIZES)]
                    names.append(make(index, cell, tag, ctor, layers, bi, sizes, var_lengths, given_states))
                    index += 1
    total = sum(os.path.getsize(os.path.join(OUT_DIR, n)) for n in names)
    print("wrote %d fixtures (%d bytes) to %s" % (len(names), total, os.path.normpath(OUT_DIR)), file=sys.stderr)


if __name__ == "__main__":
    main()
