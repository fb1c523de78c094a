#!/usr/bin/env python3
"""Reference values for rnn4j's text metrics (dev.rnn4j.metrics), from the Python packages
people compare with. The Maven tests never run this; its output is checked in as fixtures.

  stems   NLTK's PorterStemmer() (default NLTK_EXTENSIONS mode, the stemmer rouge-score uses)
          on a fixed word list: the words of the G2P demo data plus suffix-rule examples.
          Writes TSV "word<TAB>stem". Needs python3-nltk (Debian: apt-get install python3-nltk).
          Fixture: src/test/resources/metrics/porter_nltk.tsv

  scores  sacreBLEU corpus BLEU / chrF / chrF++ and rouge-score ROUGE-1/2/L on FIXED_PAIRS.
          Needs the sacrebleu and rouge-score packages, which Debian 12 does not package;
          not run when this script was written (the tests use the packages' own test values).

Usage: /usr/bin/python3 scripts/dev/metric_reference.py stems > src/test/resources/metrics/porter_nltk.tsv
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEMO = ROOT / "src/main/resources/dev/rnn4j/demo"

# Words that exercise each Porter step and each NLTK extension.
SUFFIX_WORDS = """
caresses ponies ties caress cats feed agreed plastered bled motoring sing conflated troubled
sized hopping tanned falling hissing fizzed failing filing happy sky relational conditional
rational valenci hesitanci digitizer conformabli radicalli differentli vileli analogousli
vietnamization predication operator feudalism decisiveness hopefulness callousness formaliti
sensitiviti sensibiliti triplicate formative formalize electriciti electrical hopeful goodness
revival allowance inference airliner gyroscopic adjustable defensible irritant replacement
adjustment dependent adoption homologou communism activate angulariti homologous effective
bowdlerize probate rate cease controll roll generously dying lying tying news innings outings
cannings howe proceed exceed succeed skies dies died tied cried spied fully logically
archaeology analogies generalities enthusiastically beautifully carefully stating
""".split()


def words():
    seen = dict.fromkeys(SUFFIX_WORDS)
    for name in ("g2p-train.tsv", "g2p-dev.tsv"):
        for line in (DEMO / name).read_text(encoding="utf-8").splitlines():
            w = line.split("\t")[0].replace(" ", "").lower()
            if re.fullmatch(r"[a-z]+", w):
                seen.setdefault(w)
    return list(seen)


def stems():
    from nltk import __version__
    from nltk.stem.porter import PorterStemmer

    stemmer = PorterStemmer()
    print(f"# NLTK {__version__} PorterStemmer() (mode {stemmer.mode}); word<TAB>stem")
    for w in words():
        print(f"{w}\t{stemmer.stem(w)}")


FIXED_PAIRS = [
    ("The dog bit the man.", "The dog bit the man."),
    ("It wasn't surprising.", "It was not unexpected."),
    ("The man had just bitten him.", "The man bit him first."),
    ("The quick brown dog jumps on the log.", "The quick brown fox jumps over the lazy dog"),
]


def scores():
    import sacrebleu
    from rouge_score import rouge_scorer

    hyps = [h for h, _ in FIXED_PAIRS]
    refs = [[r for _, r in FIXED_PAIRS]]
    bleu = sacrebleu.metrics.BLEU()
    b = bleu.corpus_score(hyps, refs)
    print(f"bleu\t{b.score!r}\t{bleu.get_signature()}")
    for name, metric in (("chrf", sacrebleu.metrics.CHRF()),
                         ("chrf++", sacrebleu.metrics.CHRF(word_order=2))):
        c = metric.corpus_score(hyps, refs)
        print(f"{name}\t{c.score!r}\t{metric.get_signature()}")
    for stem in (False, True):
        scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=stem)
        per = [scorer.score(r, h) for h, r in FIXED_PAIRS]
        for t in ("rouge1", "rouge2", "rougeL"):
            f = sum(s[t].fmeasure for s in per) / len(per)
            print(f"{t}\tstem={stem}\t{f!r}")


if __name__ == "__main__":
    {"stems": stems, "scores": scores}[sys.argv[1] if len(sys.argv) > 1 else "stems"]()
