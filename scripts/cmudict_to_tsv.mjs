// Converts the cmu-pronouncing-dictionary npm package to G2P TSV files. Called by get_cmudict.sh;
// see there for the rules. Usage:
//   node cmudict_to_tsv.mjs PACKAGE_INDEX_JS OUT_DIR SEED [SAMPLE_DIR SAMPLE_TRAIN SAMPLE_DEV]
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [indexJs, outDir, seed, sampleDir, sampleTrain, sampleDev] = process.argv.slice(2);
if (!indexJs || !outDir || !seed) {
  console.error('usage: node cmudict_to_tsv.mjs PACKAGE_INDEX_JS OUT_DIR SEED [SAMPLE_DIR N_TRAIN N_DEV]');
  process.exit(2);
}
const { dictionary } = await import(pathToFileURL(resolve(indexJs)).href);

// The 39 ARPAbet phonemes of CMUdict, without stress.
const PHONEMES = new Set(
  ('AA AE AH AO AW AY B CH D DH EH ER EY F G HH IH IY JH K L M N NG OW OY P R S SH T TH UH UW V W Y Z ZH')
    .split(' '));

/** A uniform number in [0, 1) from the seed and a key: stable across machines and Node versions. */
function unit(key) {
  return createHash('sha256').update(seed + '\u0000' + key).digest().readUInt32BE(0) / 2 ** 32;
}

/** The phonemes of an entry without stress and comments, or null if one is not ARPAbet. */
function phonemes(value) {
  const phones = value.replace(/#.*$/, '').trim().split(/\s+/).map(p => p.replace(/[0-9]$/, ''));
  return phones.length > 0 && phones.every(p => PHONEMES.has(p)) ? phones : null;
}

// Alternate pronunciations ("word(2)") by word, in the dictionary's order: kept out of the
// training data, but written to test-all.tsv as extra references of the test words.
const alternates = new Map();
for (const [key, value] of Object.entries(dictionary)) {
  const m = /^(.*)\(\d+\)$/.exec(key);
  const phones = m ? phonemes(value) : null;
  if (phones) {
    if (!alternates.has(m[1])) alternates.set(m[1], []);
    alternates.get(m[1]).push(phones.join(' '));
  }
}

const counts = { entries: 0, alternates: 0, characters: 0, phonemes: 0, kept: 0 };
const rows = { train: [], dev: [], test: [] };
const testAll = [];
for (const [key, value] of Object.entries(dictionary)) {
  counts.entries++;
  if (/\(\d+\)$/.test(key)) { counts.alternates++; continue; }
  if (!/^[a-z']+$/.test(key) || !/[a-z]/.test(key)) { counts.characters++; continue; }
  const phones = phonemes(value);
  if (!phones) { counts.phonemes++; continue; }
  counts.kept++;
  const u = unit(key);
  const split = u < 0.90 ? 'train' : u < 0.95 ? 'dev' : 'test';
  rows[split].push([key, [...key].join(' ') + '\t' + phones.join(' ')]);
  if (split === 'test') {
    // The first pronunciation first, then the distinct alternates.
    const prons = [...new Set([phones.join(' '), ...(alternates.get(key) || [])])];
    testAll.push([key, prons.map(p => [...key].join(' ') + '\t' + p + '\n').join('')]);
  }
}

mkdirSync(outDir, { recursive: true });
const byWord = (a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
for (const split of Object.keys(rows)) {
  rows[split].sort(byWord);
  writeFileSync(join(outDir, split + '.tsv'), rows[split].map(r => r[1] + '\n').join(''));
}
testAll.sort(byWord);
writeFileSync(join(outDir, 'test-all.tsv'), testAll.map(r => r[1]).join(''));
console.log(
  `${counts.entries} entries: ${counts.alternates} alternate pronunciations, ` +
  `${counts.characters} words with other characters, ${counts.phonemes} with unknown phonemes dropped; ` +
  `${counts.kept} kept: train ${rows.train.length}, dev ${rows.dev.length}, test ${rows.test.length}` +
  ` (test-all.tsv: ${testAll.filter(r => r[1].split('\n').length > 2).length} of them with alternates)`);

if (sampleDir) {
  // The words of each split with the smallest sample key: a seeded random subset.
  const pick = (list, n) =>
    list.map(r => [unit('sample:' + r[0]), r]).sort((a, b) => a[0] - b[0]).slice(0, n)
      .map(x => x[1]).sort(byWord);
  mkdirSync(sampleDir, { recursive: true });
  const files = [['g2p-train.tsv', pick(rows.train, Number(sampleTrain))],
                 ['g2p-dev.tsv', pick(rows.dev, Number(sampleDev))]];
  for (const [name, list] of files) {
    writeFileSync(join(sampleDir, name), list.map(r => r[1] + '\n').join(''));
    console.log(`sample ${join(sampleDir, name)}: ${list.length} pairs`);
  }
}
