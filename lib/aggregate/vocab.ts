/**
 * The vocabulary as the aggregation step sees it: the set of lines of `voc.txt`.
 */
import { readFileSync } from 'node:fs';

/** Line boundaries recognised by Python's `str.splitlines()`. */
// eslint-disable-next-line no-control-regex -- Python's str.splitlines() separators include these control characters
const PY_LINE_BREAK = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;

/**
 * Splits text into lines like Python's `str.splitlines()`: every Unicode line boundary splits, and a
 * final boundary does not produce a trailing empty line.
 * @param text - the whole text
 */
export function pySplitLines(text: string): string[] {
  if (text === '') return [];
  const parts = text.split(PY_LINE_BREAK);
  if (parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/**
 * Reads a vocabulary file into a set of words (seed: `set(f.read().splitlines())`).
 * @param path - the vocabulary, one word per line, UTF-8
 * @throws Error naming the file when it cannot be read
 */
export function readVocabSet(path: string): Set<string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`${path}: cannot read vocabulary: ${(err as Error).message}`, { cause: err });
  }
  return new Set(pySplitLines(text));
}
