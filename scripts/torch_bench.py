#!/usr/bin/env python3
"""K1-K4 and S1 of benchmarks/WORKLOADS.md on PyTorch + cuDNN, timed like rnn4j's CudaBench (a
warm-up of at least 2 s and 5 iterations, then the median of 30, each iteration ending with
torch.cuda.synchronize()). Writes CSV rows id,what,min_ms,median_ms,max_ms,gflops,backend to the
file given as argv[1].

Every workload runs twice: in strict float32 (TF32 off in cuDNN and cuBLAS; ids K1..S1), and
with TF32 tensor cores (ids K1-tf32..S1-tf32), which is PyTorch's default for cuDNN's RNNs
(torch.backends.cudnn.allow_tf32 = True) but not for its matrix products."""
import statistics
import sys
import time

import torch
import torch.nn.functional as F

from bench_s1_pytorch import B, L, V, Model

WARMUP = 5
WARMUP_S = 2.0
ITERATIONS = 30

WORKLOADS = [
    ("K1", "LSTM inference", "lstm", 512, 512, 16, 25, False),
    ("K2", "LSTM fwd+bwd", "lstm", 512, 512, 16, 25, True),
    ("K3", "GRU fwd+bwd", "gru", 512, 512, 32, 25, True),
    ("K4", "LSTM fwd+bwd large", "lstm", 1024, 1024, 64, 50, True),
]


def run(cell, inp, hid, batch, steps, train):
    dev = torch.device("cuda")
    torch.manual_seed(1)
    cls = torch.nn.LSTM if cell == "lstm" else torch.nn.GRU
    layer = cls(inp, hid, batch_first=True).to(dev)
    x = torch.randn(batch, steps, inp, device=dev, requires_grad=train)
    h0 = torch.randn(1, batch, hid, device=dev, requires_grad=train)
    c0 = torch.randn(1, batch, hid, device=dev, requires_grad=train)
    dy = torch.randn(batch, steps, hid, device=dev)
    state = (h0, c0) if cell == "lstm" else h0
    def step():
        layer.zero_grad(set_to_none=True)
        if train:
            y, _ = layer(x, state)
            y.backward(dy)
        else:
            with torch.no_grad():
                layer(x, state)
        torch.cuda.synchronize()

    return measure(step)


def measure(step):
    """Warm-up for at least WARMUP_S seconds and WARMUP calls, then ITERATIONS timed calls (ms);
    CudaBench.java does the same."""
    start = time.perf_counter()
    n = 0
    while n < WARMUP or time.perf_counter() - start < WARMUP_S:
        step()
        n += 1
    times = []
    for _ in range(ITERATIONS):
        t0 = time.perf_counter()
        step()
        times.append((time.perf_counter() - t0) * 1e3)
    return times


def s1():
    """S1: the model of bench_s1_pytorch.py on the GPU, same step (loss, backward, clip 5, Adam)."""
    dev = torch.device("cuda")
    torch.manual_seed(1)
    model = Model().to(dev)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    gen = torch.Generator().manual_seed(3)
    src = torch.randint(4, V, (B, L), generator=gen).to(dev)
    tgt = torch.randint(4, V, (B, L), generator=gen).to(dev)
    tgt_in = torch.cat([torch.ones(B, 1, dtype=torch.long, device=dev), tgt[:, :-1]], dim=1)
    def step():
        opt.zero_grad()
        logits = model(src, tgt_in)
        loss = F.cross_entropy(logits.reshape(-1, V), tgt.reshape(-1), reduction="mean")
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        torch.cuda.synchronize()

    return measure(step)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "torch_bench.csv"
    backend = "torch %s, cuDNN %s, %s" % (
        torch.__version__, torch.backends.cudnn.version(), torch.cuda.get_device_name(0))
    print(backend)
    with open(out, "w") as f:
        f.write("id,what,min_ms,median_ms,max_ms,gflops,backend\n")
        for tf32 in (False, True):
            torch.backends.cudnn.allow_tf32 = tf32
            torch.backends.cuda.matmul.allow_tf32 = tf32
            rows(f, backend + (", TF32" if tf32 else ", strict fp32"), "-tf32" if tf32 else "")


def rows(f, backend, suffix):
    """Writes one row per workload, ids ending in suffix."""
    for wid, what, cell, inp, hid, batch, steps, train in WORKLOADS:
        ms = run(cell, inp, hid, batch, steps, train)
        gates = 4 if cell == "lstm" else 3
        flops = 2.0 * steps * batch * (inp + hid) * gates * hid * (3 if train else 1)
        med = statistics.median(ms)
        row = '%s,%s,%.3f,%.3f,%.3f,%.1f,"%s"' % (
            wid + suffix, what, min(ms), med, max(ms), flops / (med * 1e6), backend)
        print(row)
        f.write(row + "\n")
        f.flush()
    ms = s1()
    med = statistics.median(ms)
    row = '%s,%s,%.3f,%.3f,%.3f,,"%s"' % (
        "S1" + suffix, "seq2seq training step (target tok/s: %.0f)" % (B * L * 1000 / med),
        min(ms), med, max(ms), backend)
    print(row)
    f.write(row + "\n")


if __name__ == "__main__":
    main()
