#!/usr/bin/env node
/**
 * Builds the Russian everyday word list `examples/vocab-everyday.txt`: a dictionary's lemma list plus the
 * inflected forms that everyday text uses, plus the example model's training words. Sources:
 *  - the hunspell dictionary of the npm package `dictionary-ru` 3.0.0 (BSD-3-Clause, by A. I. Lebedev),
 *    downloaded into a temporary folder with `npm pack` at run time (`--source DIR` uses an unpacked copy),
 *    and expanded with its suffix rules (scripts/make_vocab.mjs);
 *  - word counts in the Russian texts of Debian's `fortunes-ru` package (`/usr/share/games/fortunes/ru`:
 *    sayings, quotations and jokes, about 280,000 words; `--corpus DIR` for another folder of UTF-8 text
 *    files), which only decide which dictionary forms are kept (no text of it is kept);
 *  - `examples/vocab.txt` (`--training PATH`), the 20,000 words the example model was trained on.
 *
 * Rules:
 *  1. Words are normalised like the training list: lowercase, `ё` → `е`, letters а–я only (the `default`
 *     grid has no `-` key, so hyphenated words are left out), 1…34 letters.
 *  2. Lemmas: every headword of the dictionary written in lowercase (`привет`, `дом`, `я`, `и`, `в`).
 *  3. Forms: every expanded form of any dictionary entry, proper nouns included (lowercased: `москва`,
 *     `москве`), that occurs at least `--min-count` times (default 1) in the corpus.
 *  4. Every word of the training list.
 *  The output is the union, sorted.
 *
 * `--frequency-out PATH` also writes the corpus counts of the list's words (`word<TAB>count`, most frequent
 * first, ties by word; words the corpus lacks are left out), the format `neuroswipe synth --frequency`
 * reads: the model card's everyday test swipes are drawn by it. It is not committed.
 *
 * Usage:
 *   node scripts/make_vocab_ru.mjs [--source DIR] [--corpus DIR] [--training PATH] [--min-count N] [--out PATH]
 *                                  [--frequency-out PATH]
 */
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PACKAGE, expand, fetchDictionary, parseAff, parseDic, runAsScript, writeList } from './make_vocab.mjs';

const CORPUS = '/usr/share/games/fortunes/ru';
const WORD_RE = /^[а-я]{1,34}$/;
/** Tokens of running text after lowercasing and `ё` → `е`: letters а–я, with inner hyphens. */
const TOKEN_RE = /[а-я]+(?:-[а-я]+)*/g;

function parseArgs(argv) {
  const opts = { source: null, corpus: CORPUS, training: 'examples/vocab.txt', minCount: 1, out: 'examples/vocab-everyday.txt', frequencyOut: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a}: missing value`);
      return argv[++i];
    };
    if (a === '--source') opts.source = value();
    else if (a === '--corpus') opts.corpus = value();
    else if (a === '--training') opts.training = value();
    else if (a === '--out') opts.out = value();
    else if (a === '--frequency-out') opts.frequencyOut = value();
    else if (a === '--min-count') {
      const v = value();
      opts.minCount = Number(v);
      if (!/^\d+$/.test(v) || opts.minCount < 1) throw new Error(`--min-count: expected a positive integer, got ${JSON.stringify(v)}`);
    } else throw new Error(`unknown argument ${JSON.stringify(a)}`);
  }
  return opts;
}

/** Lowercase, `ё` → `е`; null unless the result is 1…34 letters а–я. */
export function normaliseWord(word) {
  const w = word.toLowerCase().replaceAll('ё', 'е');
  return WORD_RE.test(w) ? w : null;
}

/** Counts the tokens of every regular file in `dir` (symbolic links and fortune's `.dat` indexes skipped). */
export function countCorpus(dir) {
  const counts = new Map();
  let files = 0;
  let tokens = 0;
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (name.endsWith('.dat') || !lstatSync(path).isFile()) continue;
    files++;
    const text = readFileSync(path, 'utf8').toLowerCase().replaceAll('ё', 'е');
    for (const m of text.matchAll(TOKEN_RE)) {
      counts.set(m[0], (counts.get(m[0]) ?? 0) + 1);
      tokens++;
    }
  }
  if (files === 0) throw new Error(`${dir}: no text files (install Debian's fortunes-ru, or give --corpus DIR)`);
  return { counts, files, tokens };
}

/**
 * The everyday list: lowercase headwords, forms attested in the corpus, and the training words.
 * @returns the sorted words and how many each rule contributed
 */
export function buildEverydayList(source, counts, training, minCount) {
  const rules = parseAff(join(source, 'index.aff'));
  const lemmas = new Set();
  const attested = new Set();
  for (const entry of parseDic(join(source, 'index.dic'))) {
    const lowercase = entry.word === entry.word.toLowerCase();
    expand(entry, rules).forEach((form, i) => {
      const w = normaliseWord(form);
      if (w === null) return;
      if (i === 0 && lowercase) lemmas.add(w);
      if ((counts.get(w) ?? 0) >= minCount) attested.add(w);
    });
  }
  const words = new Set([...lemmas, ...attested]);
  const before = words.size;
  for (const w of training) words.add(w);
  return { words: [...words].sort(), lemmas: lemmas.size, attested: attested.size, fromTraining: words.size - before };
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const training = readFileSync(resolve(opts.training), 'utf8').split('\n').filter((w) => w !== '');
  for (const [i, w] of training.entries()) {
    if (normaliseWord(w) !== w) throw new Error(`${opts.training}:${i + 1}: ${JSON.stringify(w)} is not a normalised word (lowercase а–я)`);
  }
  const corpus = countCorpus(resolve(opts.corpus));
  process.stderr.write(`make_vocab_ru: ${opts.corpus}: ${corpus.tokens} words (${corpus.counts.size} distinct) in ${corpus.files} files\n`);
  const fetched = opts.source ? { dir: resolve(opts.source), cleanup: () => {} } : fetchDictionary();
  try {
    const r = buildEverydayList(fetched.dir, corpus.counts, training, opts.minCount);
    process.stderr.write(`make_vocab_ru: ${PACKAGE}: ${r.lemmas} lemmas, ${r.attested} forms seen in the corpus; ${r.fromTraining} training words added\n`);
    writeList(opts.out, r.words);
    if (opts.frequencyOut !== null) {
      const rows = r.words.filter((w) => corpus.counts.has(w)).map((w) => [w, corpus.counts.get(w)]);
      rows.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
      writeList(opts.frequencyOut, rows.map(([w, c]) => `${w}\t${c}`));
    }
  } finally {
    fetched.cleanup();
  }
}

runAsScript(import.meta.url, 'make_vocab_ru', main);
