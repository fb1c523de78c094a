"""Writes src/test/resources/torch-twin/: a tiny rnn4j model directory and what the PyTorch twin
(scripts/rnn4j_torch.py) decodes with it, for TorchTwinFixtureTest.

    /usr/bin/python3 scripts/make_torch_twin_fixture.py MODEL_DIR [OUT_DIR]

MODEL_DIR is an rnn4j model directory (e.g. run/best of `rnn4j train`); its config.json,
model.safetensors and vocabularies are copied (links resolved; the training state is left out).
OUT_DIR/expected.tsv has one line per source: source ids, the greedy output (beam 1, no length
penalty), its total log-probability, the log-probability of each output token and of the final EOS
(teacher-forced along the greedy output), the beam-5 output (length penalty 0.6) and its score.
Numbers are float32 values written with 9 significant digits (exact round trip); sums in float64.
"""

import os
import shutil
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rnn4j_torch as rt  # noqa: E402

FILES = ("config.json", "model.safetensors", "source.vocab", "target.vocab")
SOURCES = [
    "c g k a", "b f j a o i", "g g", "a zz b", "o o o o o o o o o o o o", "k", "n m l",
    "d e f g h i j", "j i h", "e",
]


@torch.no_grad()
def forced_log_probs(model, src, out):
    """log p(y_t | y_<t, x) for y = out + [EOS], one source, through decode_step (float32)."""
    s = torch.tensor([src], dtype=torch.long)
    memory, keys, mask, (h, c) = model.encode(s, torch.tensor([len(src)]))
    feed = h.new_zeros(1, 1, model.cfg["decoder_hidden"]) if model.feeding else None
    cov = h.new_zeros(1, 1, len(src)) if model.covered else None
    state, prev, lps = (h, c, feed, cov), rt.BOS, []
    for y in out + [rt.EOS]:
        logp, state = model.decode_step(memory, keys, mask, torch.tensor([prev]), state, s)
        lps.append(float(logp[0, y]))
        prev = y
    return lps


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    src_dir = sys.argv[1]
    out_dir = sys.argv[2] if len(sys.argv) == 3 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "src", "test", "resources", "torch-twin")
    torch.set_num_threads(1)
    model_out = os.path.join(out_dir, "model")
    os.makedirs(model_out, exist_ok=True)
    for f in FILES:
        shutil.copyfile(os.path.realpath(os.path.join(src_dir, f)), os.path.join(model_out, f))
    model, src_vocab, _ = rt.load_rnn4j(model_out)
    index = {t: i for i, t in enumerate(src_vocab)}
    ids = [rt.encode_tokens(index, s.split()) for s in SOURCES]
    greedy = rt.translate(model, ids, beam=1, length_penalty=0.0)
    beam = rt.translate(model, ids, beam=5, length_penalty=0.6)
    lines = ["# src_ids\tgreedy_ids\tgreedy_log_prob\tper_token_log_probs(+EOS)\tbeam5_ids\tbeam5_score"]
    for src, g, b in zip(ids, greedy, beam):
        g_toks, g_lp, _ = g[0]
        b_toks, _, b_score = b[0]
        per_token = forced_log_probs(model, src, g_toks)
        lines.append("\t".join([
            " ".join(map(str, src)), " ".join(map(str, g_toks)), f"{g_lp:.17g}",
            " ".join(f"{x:.9g}" for x in per_token), " ".join(map(str, b_toks)), f"{b_score:.17g}"]))
    with open(os.path.join(out_dir, "expected.tsv"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    print(f"wrote {out_dir}/model and expected.tsv ({len(ids)} sources)")


if __name__ == "__main__":
    main()
