#!/usr/bin/env bash
# Builds the English→LANG translation corpus and the English summarisation corpus from Debian's
# package-description translations (DDTP), reproducibly:
#   data/mt-en-LANG/{train,dev,test}.tsv   synopses and paragraphs, English TAB LANG
#   data/sum-en/{train,dev,test}.tsv       first paragraph TAB synopsis (English)
# De-duplicated by source text and split by a hash of it (no source in two splits).
#
# Usage: scripts/data/get_debian_corpora.sh [LANG (default fr)] [OUT (default data)]
# Needs: apt-get (Debian or Ubuntu), lz4, Java and Maven (scripts/rnn4j builds rnn4j on first use).
# The lists come from `apt-get -o Acquire::Languages=en,LANG update` (run with sudo when not root).
#
# Licence: each description belongs to its Debian package and is covered by that package's
# licence (see the package's debian/copyright); the translations are contributed by volunteers
# of the Debian Description Translation Project. rnn4j does not redistribute them: this script
# builds the corpora on your machine from your apt lists. Check the licences before you
# redistribute the data or models trained on it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
lang="${1:-fr}"
out="${2:-data}"
lists="${APT_LISTS:-/var/lib/apt/lists}"
if ! [[ "$lang" =~ ^[a-z]{2,3}(_[A-Z]{2})?$ ]] || [ "$lang" = en ]; then
  echo "get_debian_corpora: '$lang' is not a target language code Debian uses (fr, de, es, pt_BR, ...)" >&2
  exit 2
fi
command -v lz4 >/dev/null || { echo "get_debian_corpora: lz4 not found; install it: apt-get install lz4" >&2; exit 2; }

find_lists() { find "$lists" -maxdepth 1 -name "*_i18n_Translation-$1*" 2>/dev/null | sort; }
if [ -z "$(find_lists "$lang")" ] || [ -z "$(find_lists en)" ]; then
  command -v apt-get >/dev/null || {
    echo "get_debian_corpora: no Translation-$lang lists under $lists and no apt-get to fetch them" >&2
    exit 2
  }
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  # apt drops the lists of languages not asked for: keep those already here.
  have="$(find "$lists" -maxdepth 1 -name '*_i18n_Translation-*' | sed 's/.*Translation-//; s/\..*//' | sort -u | grep -vx en | tr '\n' ',')"
  langs="en,${have}${lang}"
  echo "get_debian_corpora: fetching the description lists: $sudo apt-get -o Acquire::Languages=$langs update" >&2
  $sudo apt-get -o "Acquire::Languages=$langs" update >&2
fi
if [ -z "$(find_lists "$lang")" ]; then
  known="$(find "$lists" -maxdepth 1 -name '*_i18n_Translation-*' | sed 's/.*Translation-//; s/\..*//' | sort -u | tr '\n' ' ')"
  echo "get_debian_corpora: Debian's mirror gave no Translation-$lang lists (lists present: ${known:-none}); is '$lang' a language the Debian Description Translation Project covers?" >&2
  exit 2
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
decompress() { # $1 language -> comma-separated decompressed files
  local files=() i=0 f
  while IFS= read -r f; do
    i=$((i + 1))
    case "$f" in
      *.lz4) lz4 -dcq "$f" > "$tmp/$1.$i" ;;
      *.gz) gzip -dc "$f" > "$tmp/$1.$i" ;;
      *.xz) xz -dc "$f" > "$tmp/$1.$i" ;;
      *) cp "$f" "$tmp/$1.$i" ;;
    esac
    files+=("$tmp/$1.$i")
  done < <(find_lists "$1")
  (IFS=,; echo "${files[*]}")
}
scripts/rnn4j data --lang "$lang" --english "$(decompress en)" --translated "$(decompress "$lang")" --out "$out"
