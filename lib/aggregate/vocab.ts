/**
 * The vocabulary as the aggregation step sees it: the set of lines of `voc.txt`.
 */
import { readWordList, splitLines } from '../io/word-list.js';

/** Python's `str.splitlines()` (the one implementation in lib/io/word-list.ts). */
export const pySplitLines = splitLines;

/**
 * Reads a vocabulary file into a set of words (seed: `set(f.read().splitlines())`, except that blank
 * lines are no word: they are skipped, see lib/io/word-list.ts).
 * @param path - the vocabulary, one word per line, UTF-8
 * @throws Error naming the file when it cannot be read or holds no word
 */
export function readVocabSet(path: string): Set<string> {
  return new Set(readWordList(path).words);
}
