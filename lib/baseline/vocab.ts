/**
 * The DTW baseline's vocabulary (seed `ks_lib/voc.py`): words sorted by code point and grouped by their
 * first letter.
 */
import { readFileSync } from 'node:fs';

/** Characters Python's `str.isspace()` accepts (what `strip()` removes). */
const PY_SPACE = '\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000';

/** Python `str.rstrip()` with no argument. */
export function pyRstrip(s: string): string {
  let end = s.length;
  while (end > 0 && PY_SPACE.includes(s[end - 1])) end -= 1;
  return s.slice(0, end);
}

/** Python `str.strip()` with no argument. */
export function pyStrip(s: string): string {
  let start = 0;
  while (start < s.length && PY_SPACE.includes(s[start])) start += 1;
  return pyRstrip(s.slice(start));
}

function orderUnit(c: number): number {
  if (c >= 0xd800 && c <= 0xdfff) return c + 0x2000;
  if (c >= 0xe000) return c - 0x800;
  return c;
}

/**
 * Compares two strings by Unicode code point, as Python compares `str` values.
 * @returns negative, zero or positive
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca !== cb) return orderUnit(ca) - orderUnit(cb);
  }
  return a.length - b.length;
}

/** The baseline vocabulary. */
export interface BaselineVocab {
  /** Words sorted by code point (duplicates kept). */
  words: string[];
  /** First letter → `[begin, end)` range of `words`, in sorted order. */
  groups: Map<string, [number, number]>;
}

/**
 * First letter (first code point) of a word.
 * @param w - a non-empty word
 */
export function firstCodePoint(w: string): string {
  return String.fromCodePoint(w.codePointAt(0) as number);
}

/**
 * Builds the baseline vocabulary from file text: each line right-stripped, split on tab, first field
 * kept; words containing `-` skipped; `strip()` and lower-cased; truncated to the first `vocSize` words
 * when `vocSize >= 0`; sorted by code point; grouped by first letter. Empty words are skipped (the seed
 * would fail on them).
 * @param text - the vocabulary file's content
 * @param vocSize - how many words to keep (−1: all)
 */
export function buildBaselineVocab(text: string, vocSize = -1): BaselineVocab {
  const lines = text.split(/\r\n|\r|\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  let words: string[] = [];
  for (const line of lines) {
    const field = pyRstrip(line).split('\t')[0];
    if (field.includes('-')) continue;
    const w = pyStrip(field).toLowerCase();
    if (w === '') continue;
    words.push(w);
  }
  if (vocSize >= 0) words = words.slice(0, vocSize);
  words.sort(compareCodePoints);
  const groups = new Map<string, [number, number]>();
  words.forEach((w, i) => {
    const f = firstCodePoint(w);
    const g = groups.get(f);
    if (g === undefined) groups.set(f, [i, i + 1]);
    else g[1] = i + 1;
  });
  return { words, groups };
}

/**
 * Reads the baseline vocabulary from a file (see {@link buildBaselineVocab}).
 * @param path - the vocabulary file
 * @param vocSize - how many words to keep (−1: all)
 * @throws Error naming the file when it cannot be read or `vocSize` is invalid
 */
export function readBaselineVocab(path: string, vocSize = -1): BaselineVocab {
  if (!Number.isInteger(vocSize) || vocSize < -1) throw new RangeError(`vocSize: expected −1 or a non-negative integer, got ${vocSize}`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`${path}: cannot read vocabulary: ${(err as Error).message}`, { cause: err });
  }
  return buildBaselineVocab(text, vocSize);
}
