/**
 * Reading a word-per-line vocabulary file for synthetic data (`voc.txt` style).
 */
import { parseWordList, readWordList, type WordList } from '../io/word-list.js';
import type { VocabWord } from './vocab-filter.js';

const WORD_RE = /^[а-яёa-z'-]+$/u;

/**
 * Parses vocabulary text: one lowercase word per line, characters `-`, `'`, Cyrillic `а`…`я`, `ё` and Latin
 * `a`…`z`; surrounding spaces and `\r` are ignored, blank lines are skipped. Which words can be swiped is
 * decided per grid afterwards (lib/synth/vocab-filter.ts: a letter without a key on the grid skips the word).
 * @param file - file name used in error messages
 * @throws Error naming the file and the line of a word with another character, or when no word is found
 */
export function parseVocab(text: string, file: string): VocabWord[] {
  return synthVocabOf(parseWordList(text, file));
}

/** The synthetic-data words of a word list (see {@link parseVocab}). */
export function synthVocabOf(list: WordList): VocabWord[] {
  const file = list.source;
  const out: VocabWord[] = [];
  for (const [i, raw] of list.words.entries()) {
    const word = raw.trim();
    const line = list.lines[i] ?? i + 1;
    if (!WORD_RE.test(word)) {
      const bad = Array.from(word).find((c) => !WORD_RE.test(c)) ?? word;
      throw new Error(`${file}:${line}: word ${JSON.stringify(word)}: unexpected character ${JSON.stringify(bad)} (expected lowercase Cyrillic or Latin letters, "-" and "'")`);
    }
    out.push({ word, line });
  }
  return out;
}

/**
 * Reads and parses a vocabulary file (see {@link parseVocab}).
 * @throws Error naming the file when it cannot be read or holds no valid word list
 */
export function readVocab(path: string): VocabWord[] {
  return synthVocabOf(readWordList(path));
}
