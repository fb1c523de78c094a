#!/usr/bin/python3
"""PyTorch baseline for the rnn4j benchmark workloads (benchmarks/WORKLOADS.md: K1-K4, G1).

Runs each workload with nn.LSTM / nn.GRU (batch_first=True) or torch.mm, on 2 threads, with
warm-up and timed iterations as the spec asks, and prints one JSON line per workload:

  {"workload": "K1", "min_ms": ..., "median_ms": ..., "max_ms": ..., "iterations": 10, ...}

Training workloads run the forward and out.backward(dOutput), which gives the gradients of the
input, h0, c0 and every parameter (as rnn4j's and libtorch-via-DJL's benchmarks do); parameter
gradients accumulate across iterations as they do there.

Usage: /usr/bin/python3 scripts/bench_pytorch.py [--warmup 3] [--iterations 10] [K1 K2 ...]
Needs Debian's python3-torch and libopenblas0-openmp (apt-get install python3-torch
libopenblas0-openmp); without the latter torch falls back to the reference BLAS (40x slower).
"""

import argparse
import json
import statistics
import sys
import time

# (kind, input size, hidden size, batch, steps, training); for G1: (M, K, N) in the size fields.
WORKLOADS = {
    "K1": ("LSTM", 512, 512, 16, 25, False),
    "K2": ("LSTM", 512, 512, 16, 25, True),
    "K3": ("GRU", 512, 512, 32, 25, True),
    "K4": ("LSTM", 1024, 1024, 64, 50, True),
    "G1": ("GEMM", 2048, 2048, 2048, 1, False),
}
THREADS = 2


def make_step(torch, name):
    """Builds the workload's tensors and returns a zero-argument function running one op."""
    kind, inp, hid, batch, steps, training = WORKLOADS[name]
    gen = torch.Generator().manual_seed(42)

    def uniform(*shape, grad=False):
        t = torch.rand(*shape, generator=gen) * 2 - 1
        return t.requires_grad_(grad)

    if kind == "GEMM":
        a = uniform(inp, hid)
        b = uniform(hid, batch)
        return lambda: torch.mm(a, b)

    cls = torch.nn.LSTM if kind == "LSTM" else torch.nn.GRU
    layer = cls(inp, hid, num_layers=1, batch_first=True)
    layer.requires_grad_(training)
    x = uniform(batch, steps, inp, grad=training)
    h0 = uniform(1, batch, hid, grad=training)
    c0 = uniform(1, batch, hid, grad=training)
    state = (h0, c0) if kind == "LSTM" else h0
    d_out = uniform(batch, steps, hid)

    if not training:

        def infer():
            with torch.no_grad():
                return layer(x, state)[0]

        return infer

    def train():
        out = layer(x, state)[0]
        out.backward(d_out)
        return out

    return train


def time_workload(torch, name, warmup, iterations):
    step = make_step(torch, name)
    for _ in range(warmup):
        step()
    times = []
    for _ in range(iterations):
        start = time.perf_counter()
        step()
        times.append((time.perf_counter() - start) * 1e3)
    kind, inp, hid, batch, steps, training = WORKLOADS[name]
    return {
        "workload": name,
        "min_ms": round(min(times), 4),
        "median_ms": round(statistics.median(times), 4),
        "max_ms": round(max(times), 4),
        "iterations": iterations,
        "warmup": warmup,
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "kind": kind,
        "input": inp,
        "hidden": hid,
        "batch": batch,
        "steps": steps,
        "training": training,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workloads", nargs="*", help="subset of " + " ".join(WORKLOADS))
    parser.add_argument("--warmup", type=int, default=3, help="untimed iterations (>= 3)")
    parser.add_argument("--iterations", type=int, default=10, help="timed iterations (>= 10)")
    args = parser.parse_args()
    names = args.workloads or list(WORKLOADS)
    unknown = [n for n in names if n not in WORKLOADS]
    if unknown:
        parser.error(f"unknown workload(s) {unknown}; choose from {list(WORKLOADS)}")
    try:
        import torch
    except ImportError as e:
        sys.exit(
            f"bench_pytorch.py: cannot import torch ({e}); install it with "
            "'apt-get install python3-torch libopenblas0-openmp' and run with /usr/bin/python3"
        )
    torch.set_num_threads(THREADS)
    print(
        f"# torch {torch.__version__}, {torch.get_num_threads()} threads, "
        f"BLAS: {blas_of(torch)}",
        file=sys.stderr,
    )
    for name in names:
        print(json.dumps(time_workload(torch, name, args.warmup, args.iterations)), flush=True)


def blas_of(torch):
    """The BLAS library torch actually loaded (Debian's generic build goes through libblas.so.3)."""
    torch.mm(torch.ones(64, 64), torch.ones(64, 64))
    try:
        with open("/proc/self/maps") as maps:
            libs = {line.split()[-1] for line in maps if "blas" in line.lower() and "/" in line}
    except OSError:
        return "unknown"
    return ", ".join(sorted(libs)) or "none found"


if __name__ == "__main__":
    main()
