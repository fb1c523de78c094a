#!/usr/bin/env python3
"""Loads safetensors files written by rnn4j with the reference implementation and lists them.

Usage: python3 scripts/check_safetensors.py FILE...

Uses safetensors.torch.load_file when PyTorch is installed, else safetensors.numpy.load_file
(pip install safetensors numpy). Exits with status 1 if a file cannot be loaded.
"""
import sys

try:
    from safetensors.torch import load_file

    framework = "torch"
except ImportError:
    try:
        from safetensors.numpy import load_file

        framework = "numpy"
    except ImportError:
        sys.exit("check_safetensors.py: the safetensors package is missing; pip install safetensors numpy")
from safetensors import safe_open

if len(sys.argv) < 2:
    sys.exit(__doc__)
status = 0
for path in sys.argv[1:]:
    try:
        tensors = load_file(path)
        with safe_open(path, framework="np") as f:
            metadata = f.metadata() or {}
    except Exception as e:  # report every file, then fail
        print(f"{path}: FAILED: {e}")
        status = 1
        continue
    print(f"{path}: {len(tensors)} tensors ({framework}), metadata keys {sorted(metadata)}")
    for name in sorted(tensors):
        t = tensors[name]
        print(f"  {name}: {t.dtype} {tuple(t.shape)}")
sys.exit(status)
