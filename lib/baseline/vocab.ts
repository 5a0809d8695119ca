/**
 * The DTW baseline's vocabulary (seed `ks_lib/voc.py`): words sorted by code point and grouped by their
 * first letter.
 */
import { parseWordList, readWordList, type WordList } from '../io/word-list.js';
import { compareCodePoints } from '../util/code-points.js';

export { compareCodePoints };

/** Characters Python's `str.isspace()` accepts (what `strip()` removes). */
const PY_SPACE = '\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000';

/** Python `str.rstrip()` with no argument. */
export function pyRstrip(s: string): string {
  let end = s.length;
  while (end > 0 && PY_SPACE.includes(s.charAt(end - 1))) end -= 1;
  return s.slice(0, end);
}

/** Python `str.strip()` with no argument. */
export function pyStrip(s: string): string {
  let start = 0;
  while (start < s.length && PY_SPACE.includes(s.charAt(start))) start += 1;
  return pyRstrip(s.slice(start));
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
  return baselineVocabOf(parseWordList(text, '(vocabulary)'), vocSize);
}

/** The baseline vocabulary of a word list (see {@link buildBaselineVocab}). */
export function baselineVocabOf(list: WordList, vocSize = -1): BaselineVocab {
  let words: string[] = [];
  for (const line of list.words) {
    const [field = ''] = pyRstrip(line).split('\t');
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
  return baselineVocabOf(readWordList(path), vocSize);
}
