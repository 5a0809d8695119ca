#!/usr/bin/env node
/**
 * Derives Russian word lists from the hunspell dictionary of the npm package `dictionary-ru`
 * (BSD-3-Clause, by A. I. Lebedev). The package is downloaded into a temporary folder with `npm pack`
 * at run time; none of its files are kept in the repository.
 *
 * Steps:
 *  1. Parse `index.aff` (only the `SFX` rules are used: the Russian dictionary has no `PFX` rules) and
 *     `index.dic` (`word/FLAGS`, one flag per character).
 *  2. Keep headwords written in lowercase (capitalised entries are proper nouns and abbreviations).
 *  3. Expand every headword with each suffix rule of each of its flags: the rule applies when the word
 *     ends with the rule's condition (a tiny regular language: letters, `.` and `[...]`/`[^...]`
 *     classes); the rule's strip string is removed from the end and its affix appended.
 *  4. Normalise like the competition's `voc.txt`: `ё` → `е`; keep words of `-` and а–я only, with no
 *     leading/trailing `-`, length 2…34; deduplicate.
 *
 * Outputs (paths relative to the repository root unless given):
 *  - default run: `examples/vocab.txt` (20,000 words) and `test/fixtures/vocab-small.txt` (2,000 words);
 *  - `--full --out PATH [--size N]`: the benchmark list of N words (default 500,000, about the size of
 *    the competition's `voc.txt`; 0 = all ≈1.35 million): every headword, then inflected forms in hash
 *    order; sorted.
 *
 * "Common word" rule for the short lists (the source has no frequencies): the words are drawn by length
 * following a fixed length profile (LENGTH_PROFILE below, shaped like the length distribution of real
 * swipe targets: 2…15 letters, mode 6–7). Within one length, headwords come first (dictionary forms
 * such as `дом`, `быть`, `хороший` are the most frequent forms of a lexeme as a rule), then inflected
 * forms; inside each of these two groups the order is a fixed hash of the word (FNV-1a), so the choice
 * is reproducible and not alphabetical. The small list is a prefix of each length bucket of the example
 * list, hence a subset of it. Output files are sorted alphabetically.
 *
 * Usage:
 *   node scripts/make_vocab.mjs [--source DIR] [--example-out PATH] [--small-out PATH]
 *   node scripts/make_vocab.mjs --full --out data/vocab/ru-500k.txt [--size N] [--source DIR]
 * `--source DIR` uses an already unpacked `dictionary-ru` package folder (with index.aff/index.dic)
 * instead of downloading it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, renameSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const PACKAGE = 'dictionary-ru@3.0.0';
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const EXAMPLE_SIZE = 20_000;
const SMALL_SIZE = 2_000;
/** Default size of the `--full` list: about the size of the competition's `voc.txt`. */
const FULL_SIZE = 500_000;
/** Share of the list per word length (percent); lengths not listed get nothing. Sums to 100. */
const LENGTH_PROFILE = {
  2: 1.5, 3: 4, 4: 8, 5: 12, 6: 14, 7: 14, 8: 13, 9: 11, 10: 9, 11: 6, 12: 4, 13: 2, 14: 1, 15: 0.5,
};
const WORD_RE = /^[а-я]+(?:-[а-я]+)*$/;

function parseArgs(argv) {
  const opts = { full: false, out: null, size: FULL_SIZE, source: null, exampleOut: 'examples/vocab.txt', smallOut: 'test/fixtures/vocab-small.txt' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a}: missing value`);
      return argv[++i];
    };
    if (a === '--full') opts.full = true;
    else if (a === '--out') opts.out = value();
    else if (a === '--source') opts.source = value();
    else if (a === '--size') {
      opts.size = Number(value());
      if (!Number.isInteger(opts.size) || opts.size < 0) throw new Error(`--size: expected a non-negative integer, got ${argv[i]}`);
    }
    else if (a === '--example-out') opts.exampleOut = value();
    else if (a === '--small-out') opts.smallOut = value();
    else throw new Error(`unknown argument ${JSON.stringify(a)}`);
  }
  if (opts.full && !opts.out) throw new Error('--full needs --out PATH');
  if (!opts.full && opts.out) throw new Error('--out is only used with --full');
  return opts;
}

/** Downloads and unpacks the dictionary package; returns the folder holding index.aff/index.dic. */
export function fetchDictionary() {
  const dir = mkdtempSync(join(tmpdir(), 'neuroswipe-vocab-'));
  const name = execFileSync('npm', ['pack', PACKAGE, '--silent', '--pack-destination', dir], { encoding: 'utf8' }).trim().split('\n').pop();
  execFileSync('tar', ['xzf', join(dir, name), '-C', dir]);
  return { dir: join(dir, 'package'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Compiles a hunspell condition into a RegExp anchored at the end of the word. */
function conditionRegExp(cond, file, line) {
  if (cond === '.') return null;
  if (!/^(?:[^[\]]|\[\^?[^[\]]+\])+$/u.test(cond)) throw new Error(`${file}:${line}: condition: cannot parse ${JSON.stringify(cond)}`);
  return new RegExp(`${cond}$`, 'u');
}

/** Reads the SFX rules of an .aff file: flag → list of { strip, add, cond }. */
export function parseAff(path) {
  const rules = new Map();
  const lines = readFileSync(path, 'utf8').split('\n');
  lines.forEach((raw, idx) => {
    const f = raw.trim().split(/\s+/);
    if (f[0] === 'PFX') throw new Error(`${path}:${idx + 1}: PFX rules are not supported`);
    if (f[0] !== 'SFX') return;
    if (f.length === 4 && /^\d+$/.test(f[3])) {
      rules.set(f[1], []);
      return;
    }
    if (f.length < 5) throw new Error(`${path}:${idx + 1}: SFX rule: expected 5 fields, got ${f.length}`);
    const list = rules.get(f[1]);
    if (!list) throw new Error(`${path}:${idx + 1}: SFX rule for flag ${f[1]} before its header`);
    if (f[3].includes('/')) throw new Error(`${path}:${idx + 1}: continuation flags are not supported`);
    list.push({ strip: f[2] === '0' ? '' : f[2], add: f[3] === '0' ? '' : f[3], cond: conditionRegExp(f[4], path, idx + 1) });
  });
  return rules;
}

/** Reads the .dic file: list of { word, flags } (the first line is the entry count). */
export function parseDic(path) {
  const lines = readFileSync(path, 'utf8').split('\n');
  const out = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    const slash = line.indexOf('/');
    out.push(slash < 0 ? { word: line, flags: '' } : { word: line.slice(0, slash), flags: line.slice(slash + 1) });
  }
  return out;
}

/** Applies the suffix rules of the entry's flags; returns the headword followed by its forms. */
export function expand(entry, rules) {
  const forms = [entry.word];
  for (const flag of entry.flags) {
    for (const r of rules.get(flag) ?? []) {
      if (r.cond && !r.cond.test(entry.word)) continue;
      if (!entry.word.endsWith(r.strip)) continue;
      forms.push(entry.word.slice(0, entry.word.length - r.strip.length) + r.add);
    }
  }
  return forms;
}

function normalise(word) {
  const w = word.replaceAll('ё', 'е');
  return WORD_RE.test(w) && w.length >= 2 && w.length <= 34 ? w : null;
}

function fnv1a(s) {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** Builds { all: Set, headwords: Set } of normalised words. */
function buildWords(source) {
  const rules = parseAff(join(source, 'index.aff'));
  const entries = parseDic(join(source, 'index.dic'));
  const all = new Set();
  const headwords = new Set();
  for (const e of entries) {
    if (e.word !== e.word.toLowerCase()) continue;
    const forms = expand(e, rules);
    forms.forEach((f, i) => {
      const w = normalise(f);
      if (w === null) return;
      all.add(w);
      if (i === 0) headwords.add(w);
    });
  }
  return { all, headwords };
}

/**
 * The benchmark list: every headword, then inflected forms in hash order until `size` words
 * (`size` 0 = every word).
 */
function pickFull(all, headwords, size) {
  if (size === 0 || size >= all.size) return [...all].sort();
  if (size < headwords.size) throw new Error(`--size ${size} is below the ${headwords.size} headwords`);
  const forms = [...all].filter((w) => !headwords.has(w)).sort((a, b) => (fnv1a(a) - fnv1a(b)) || (a < b ? -1 : 1));
  return [...headwords, ...forms.slice(0, size - headwords.size)].sort();
}

/** Orders each length bucket: headwords first, then forms, each by hash. */
function buckets(all, headwords) {
  const byLen = new Map();
  for (const w of all) {
    if (!(w.length in LENGTH_PROFILE)) continue;
    if (!byLen.has(w.length)) byLen.set(w.length, []);
    byLen.get(w.length).push(w);
  }
  for (const list of byLen.values()) {
    list.sort((a, b) => (headwords.has(b) - headwords.has(a)) || (fnv1a(a) - fnv1a(b)) || (a < b ? -1 : 1));
  }
  return byLen;
}

/** Takes `size` words following LENGTH_PROFILE (largest remainders fill the rounding gap). */
function pick(byLen, size) {
  const lens = Object.keys(LENGTH_PROFILE).map(Number);
  const quota = new Map(lens.map((l) => [l, Math.floor((size * LENGTH_PROFILE[l]) / 100)]));
  let missing = size - [...quota.values()].reduce((a, b) => a + b, 0);
  for (const l of [...lens].sort((a, b) => LENGTH_PROFILE[b] - LENGTH_PROFILE[a])) {
    if (missing <= 0) break;
    quota.set(l, quota.get(l) + 1);
    missing--;
  }
  const out = [];
  let carry = 0; // a bucket with too few words hands its shortfall to the next length
  for (const l of lens) {
    const list = byLen.get(l) ?? [];
    const want = quota.get(l) + carry;
    out.push(...list.slice(0, want));
    carry = Math.max(0, want - list.length);
  }
  if (carry > 0) throw new Error(`not enough words for a list of ${size}`);
  return out.sort();
}

/** Writes the words, one per line, through a temporary file; `path` is relative to the repository root. */
export function writeList(path, words) {
  const abs = resolve(ROOT, path);
  mkdirSync(dirname(abs), { recursive: true });
  const tmp = `${abs}.tmp-${process.pid}`;
  writeFileSync(tmp, words.join('\n') + '\n', 'utf8');
  renameSync(tmp, abs);
  process.stderr.write(`make_vocab: wrote ${words.length} words to ${path}\n`);
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const fetched = opts.source ? { dir: resolve(opts.source), cleanup: () => {} } : fetchDictionary();
  try {
    const { all, headwords } = buildWords(fetched.dir);
    process.stderr.write(`make_vocab: ${headwords.size} headwords, ${all.size} words after expansion\n`);
    if (opts.full) {
      writeList(opts.out, pickFull(all, headwords, opts.size));
      return;
    }
    const byLen = buckets(all, headwords);
    writeList(opts.exampleOut, pick(byLen, EXAMPLE_SIZE));
    writeList(opts.smallOut, pick(byLen, SMALL_SIZE));
  } finally {
    fetched.cleanup();
  }
}

/**
 * Runs `main` when the module at `moduleUrl` is the script node was started with (not when it is imported),
 * printing an error as one line prefixed with `name` and exiting with 1.
 */
export function runAsScript(moduleUrl, name, main) {
  if (process.argv[1] === undefined || moduleUrl !== pathToFileURL(resolve(process.argv[1])).href) return;
  try {
    main();
  } catch (err) {
    process.stderr.write(`${name}: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}

// scripts/make_vocab_ru.mjs imports the dictionary functions above.
runAsScript(import.meta.url, 'make_vocab', main);
