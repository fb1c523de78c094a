#!/usr/bin/python3
"""S1 of benchmarks/WORKLOADS.md in PyTorch: the same seq2seq training step as benchmarks'
Seq2SeqBench.

Embedding 256, 1-layer LSTM encoder and decoder (H = 512), a bridge from the encoder's final
state to the decoder's initial state (tanh(W h) for h, W c for c, as rnn4j's model), Luong general
attention with h~ = tanh(W_c [context; h]), an 8,000-word generator, cross-entropy over the full
vocabulary, gradient clipping at 5 and an Adam step. Batch 64, source and target length 30
(1,920 target tokens per step). Warm-up 3, then the median of 10 timed steps; prints one JSON line:

  {"workload": "S1", "median_ms": ..., "tokens_per_s": ..., ...}

Usage: /usr/bin/python3 scripts/bench_s1_pytorch.py [--warmup 3] [--iterations 10]
Needs Debian's python3-torch and libopenblas0-openmp; runs on 2 threads.
"""

import argparse
import json
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

B, L, V, E, H = 64, 30, 8000, 256, 512


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.src_emb = nn.Embedding(V, E, padding_idx=0)
        self.tgt_emb = nn.Embedding(V, E, padding_idx=0)
        self.encoder = nn.LSTM(E, H, batch_first=True)
        self.decoder = nn.LSTM(E, H, batch_first=True)
        self.bridge_h = nn.Linear(H, H)
        self.bridge_c = nn.Linear(H, H)
        self.linear_in = nn.Linear(H, H, bias=False)
        self.linear_out = nn.Linear(2 * H, H, bias=False)
        self.generator = nn.Linear(H, V)

    def forward(self, src, tgt_in):
        memory, (h, c) = self.encoder(self.src_emb(src))
        h0 = torch.tanh(self.bridge_h(h))
        c0 = self.bridge_c(c)
        dec, _ = self.decoder(self.tgt_emb(tgt_in), (h0, c0))
        keys = self.linear_in(memory)
        weights = torch.softmax(torch.bmm(dec, keys.transpose(1, 2)), dim=-1)
        context = torch.bmm(weights, memory)
        h_tilde = torch.tanh(self.linear_out(torch.cat([context, dec], dim=-1)))
        return self.generator(h_tilde)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--iterations", type=int, default=10)
    args = parser.parse_args()
    torch.set_num_threads(2)
    torch.manual_seed(1)
    model = Model()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    gen = torch.Generator().manual_seed(3)
    src = torch.randint(4, V, (B, L), generator=gen)
    tgt = torch.randint(4, V, (B, L), generator=gen)
    tgt_in = torch.cat([torch.ones(B, 1, dtype=torch.long), tgt[:, :-1]], dim=1)

    def step():
        opt.zero_grad()
        logits = model(src, tgt_in)
        loss = F.cross_entropy(logits.reshape(-1, V), tgt.reshape(-1), reduction="mean")
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        return loss.item()

    for _ in range(args.warmup):
        step()
    times = []
    for _ in range(args.iterations):
        t0 = time.perf_counter()
        step()
        times.append((time.perf_counter() - t0) * 1000)
    med = statistics.median(times)
    print(json.dumps({"workload": "S1", "min_ms": min(times), "median_ms": med,
                      "max_ms": max(times), "iterations": len(times),
                      "tokens_per_s": B * L * 1000 / med, "torch": torch.__version__,
                      "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
