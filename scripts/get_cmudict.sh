#!/usr/bin/env bash
# Downloads CMUdict (the npm package cmu-pronouncing-dictionary@3.0.0) and writes grapheme-to-phoneme
# training data:
#
#   data/cmudict/{train,dev,test}.tsv     about 90/5/5 % of the words (not committed: see .gitignore)
#   data/cmudict/test-all.tsv             the test words with every pronunciation, one line each (the
#                                         first as in test.tsv, then the alternates), for
#                                         `rnn4j eval --multi-reference`
#
# Each line is "LETTERS<TAB>PHONEMES", both space-separated, e.g. "c a t<TAB>K AE T". Rules:
#   - only the first pronunciation of a word is kept; alternates such as "word(2)" are dropped
#     (except from test-all.tsv);
#   - words are kept only if they consist of the letters a-z and the apostrophe (which becomes its own
#     token, as in "o ' c l o c k") and contain a letter; abbreviations with dots ("a.m."), hyphenated
#     compounds ("x-ray") and the like are dropped (about 1,200 of 135,000 entries);
#   - stress digits are removed (AH0/AH1/AH2 -> AH), leaving the 39 ARPAbet phonemes; comments after
#     "#" in the source entries ("# place, german") are removed;
#   - the split depends only on SHA-256(seed, word), so it is the same on every machine and does not
#     change when other words are added or removed; files are sorted by word.
#
# With --update-demo-sample it also rewrites the small sample that ships with rnn4j,
# src/main/resources/dev/rnn4j/demo/g2p-{train,dev}.tsv (a seeded subset of the train and dev splits).
#
# Needs node, npm (to fetch from the npm registry), tar and sha256sum. Environment: CMUDICT_OUT
# (output directory, default data/cmudict), CMUDICT_SEED (default rnn4j-cmudict-v1).
#
# Licence: CMUdict is Copyright (C) 1993-2015 Carnegie Mellon University (Simplified BSD licence); the
# npm package is ISC-licensed, (c) 2015 Zeke Sikelianos. See NOTICE.
set -euo pipefail

VERSION=3.0.0
SHA256=ca16ac157e95277ffe1ca105a5ca2c833a15626024f15711c2a425da367b68ce
SAMPLE_TRAIN=4000
SAMPLE_DEV=400

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${CMUDICT_OUT:-$root/data/cmudict}
seed=${CMUDICT_SEED:-rnn4j-cmudict-v1}
sample_args=()
case "${1:-}" in
  "") ;;
  --update-demo-sample) sample_args=("$root/src/main/resources/dev/rnn4j/demo" "$SAMPLE_TRAIN" "$SAMPLE_DEV") ;;
  *) echo "usage: $0 [--update-demo-sample]" >&2; exit 2 ;;
esac

for tool in node npm tar sha256sum; do
  command -v "$tool" >/dev/null || { echo "get_cmudict.sh: '$tool' is not installed; install it and retry" >&2; exit 1; }
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "fetching cmu-pronouncing-dictionary@$VERSION with npm pack"
(cd "$tmp" && npm pack --silent "cmu-pronouncing-dictionary@$VERSION" >/dev/null)
tgz="$tmp/cmu-pronouncing-dictionary-$VERSION.tgz"
actual=$(sha256sum "$tgz" | cut -d' ' -f1)
if [ "$actual" != "$SHA256" ]; then
  echo "get_cmudict.sh: $tgz has SHA-256 $actual, expected $SHA256; the package changed or the download is damaged" >&2
  exit 1
fi
tar -xzf "$tgz" -C "$tmp"
node "$root/scripts/cmudict_to_tsv.mjs" "$tmp/package/index.js" "$out" "$seed" "${sample_args[@]}"
echo "wrote $out/{train,dev,test,test-all}.tsv"
