"""Translates token ids with the PyTorch baseline (or any rnn4j model directory) by rnn4j's beam
search (scripts/rnn4j_torch.py translate: Translator.java step for step).

    /usr/bin/python3 scripts/bench/torch_seq2seq_translate.py --model runs/torch \\
        --input test.ids --output test.out.ids --threads 4

Input: one source per line as space-separated ids (text after a TAB, e.g. the target of an ids
pair file, is ignored); output: one line of target ids per input (without BOS/EOS), or tokens with
--tokens (needs target.vocab in the model directory). Defaults as `rnn4j translate`: beam 5,
length penalty 0.6, max length ceil(2 * srcLen) + 10, inputs decoded in batches of 64 in input
order. An empty input gets an empty output line. The last line on stderr is JSON: sentences/s.
"""

import argparse
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import rnn4j_torch as rt  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", required=True, help="directory with config.json, model.safetensors")
    ap.add_argument("--input", help="ids file (default: stdin)")
    ap.add_argument("--output", help="default: stdout")
    ap.add_argument("--beam", type=int, default=5)
    ap.add_argument("--length-penalty", type=float, default=0.6)
    ap.add_argument("--max-length-ratio", type=float, default=2.0)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--tokens", action="store_true", help="write tokens (target.vocab) not ids")
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    model, _, tgt_vocab = rt.load_rnn4j(a.model, vocabularies=a.tokens)
    fin = open(a.input, encoding="utf-8") if a.input else sys.stdin
    sources = [[int(x) for x in line.rstrip("\n").split("\t")[0].split()] for line in fin]
    v = model.cfg["src_vocab"]
    for no, s in enumerate(sources, 1):
        bad = [i for i in s if not 0 <= i < v]
        if bad:
            sys.exit(f"{a.input or 'stdin'}:{no}: source id {bad[0]} outside [0, {v})")
    todo = [i for i, s in enumerate(sources) if s]
    t0 = time.perf_counter()
    hyps = rt.translate(model, [sources[i] for i in todo], beam=a.beam,
                        length_penalty=a.length_penalty, max_len_ratio=a.max_length_ratio,
                        max_batch=a.batch_size)
    secs = time.perf_counter() - t0
    best = {i: h[0][0] for i, h in zip(todo, hyps)}
    fout = open(a.output, "w", encoding="utf-8") if a.output else sys.stdout
    for i in range(len(sources)):
        toks = best.get(i, [])
        fout.write((" ".join(rt.decode_ids(tgt_vocab, toks)) if a.tokens
                    else " ".join(map(str, toks))) + "\n")
    fout.flush()
    print(json.dumps({"sentences": len(todo), "seconds": round(secs, 3),
                      "sentences_per_s": round(len(todo) / max(1e-9, secs), 2),
                      "beam": a.beam, "threads": a.threads}), file=sys.stderr)


if __name__ == "__main__":
    main()
