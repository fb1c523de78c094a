#!/usr/bin/env bash
# Compares rnn4j's SubwordTokenizer with SentencePiece BPE (Debian's python3-sentencepiece) on a TSV
# corpus (SOURCE TAB TARGET): learning time, average pieces per test sentence, vocabulary entries
# that mix letters/digits with punctuation/symbols. Usage, from the repository root after a build:
#   scripts/dev/compare_subwords.sh /tmp/data/mt-en-fr 16000 [--old]
# --old also times the older BpeTokenizer.learn for 8000 merges on the target side (slow).
# SentencePiece gets vocab_size = VOCAB + 3 (its <unk> <s> </s> pieces), the same character coverage
# (0.9995), one thread, and no sentence-length limit; its default normalisation (nmt_nfkc) stays.
set -euo pipefail
dir=${1:?corpus directory with train.tsv and test.tsv}
vocab=${2:-16000}
old=${3:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cut -f1 "$dir/train.tsv" > "$work/train.src"
cut -f2 "$dir/train.tsv" > "$work/train.tgt"
cut -f1 "$dir/test.tsv" > "$work/test.src"
cut -f2 "$dir/test.tsv" > "$work/test.tgt"

echo "== SentencePiece BPE"
/usr/bin/python3 - "$work" "$vocab" <<'PY'
import resource, sys, time, unicodedata
import sentencepiece as spm

work, vocab = sys.argv[1], int(sys.argv[2])

def mixes(piece, kind):
    chars = [c for c in piece if c != "\u2581"]
    word = any(unicodedata.category(c)[0] == kind for c in chars)
    punct = any(unicodedata.category(c)[0] in "PS" for c in chars)
    return word and punct

def run(name, inputs, tests):
    cpu = resource.getrusage(resource.RUSAGE_SELF).ru_utime
    wall = time.time()
    spm.SentencePieceTrainer.train(
        input=",".join(inputs), model_prefix=f"{work}/{name}", model_type="bpe",
        vocab_size=vocab + 3, character_coverage=0.9995, num_threads=1,
        max_sentence_length=1000000, minloglevel=2)
    wall = time.time() - wall
    cpu = resource.getrusage(resource.RUSAGE_SELF).ru_utime - cpu
    sp = spm.SentencePieceProcessor(model_file=f"{work}/{name}.model")
    pieces = [sp.id_to_piece(i) for i in range(sp.get_piece_size())
              if not (sp.is_control(i) or sp.is_unknown(i))]
    letters = sum(mixes(p, "L") for p in pieces)
    digits = sum(mixes(p, "N") for p in pieces)
    print(f"{name}: vocab {len(pieces)} (without <unk> <s> </s>), learned in {wall:.2f} s wall,"
          f" {cpu:.2f} s CPU, letter+punctuation entries {letters},"
          f" digit+punctuation entries {digits}")
    for side in tests:
        lines = open(f"{work}/test.{side}", encoding="utf-8").read().split("\n")[:-1]
        encoded = [sp.encode(l, out_type=str) for l in lines]
        n = sum(len(e) for e in encoded)
        nfkc = sum(unicodedata.normalize("NFKC", l) != l for l in lines)
        print(f"  {side} test: {n / len(lines):.2f} pieces/sentence over {len(lines)} sentences"
              f" ({nfkc} lines changed by NFKC)")
        with open(f"{work}/{name}.test.{side}.pieces", "w", encoding="utf-8") as f:
            f.writelines(" ".join(e) + "\n" for e in encoded)

run("joint", [f"{work}/train.src", f"{work}/train.tgt"], ["src", "tgt"])
run("target", [f"{work}/train.tgt"], ["tgt"])
PY

echo "== SentencePiece models read by rnn4j"
for side in src tgt; do
  java -cp src/target/classes scripts/dev/SpmAgreement.java "$work/joint.model" "$work/test.$side" \
    "$work/joint.test.$side.pieces"
done

echo "== rnn4j SubwordTokenizer"
java -Xmx4g -cp src/target/classes scripts/dev/SubwordCompare.java "$dir" "$vocab" $old
