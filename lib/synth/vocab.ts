/**
 * Reading a word-per-line vocabulary file for synthetic data (`voc.txt` style).
 */
import { readFileSync } from 'node:fs';
import type { VocabWord } from './vocab-filter.js';

const WORD_RE = /^[а-яё-]+$/u;

/**
 * Parses vocabulary text: one lowercase word per line, characters `-` and Cyrillic `а`…`я`, `ё`;
 * surrounding spaces and `\r` are ignored, blank lines are skipped.
 * @param file - file name used in error messages
 * @throws Error naming the file and the line of a word with another character, or when no word is found
 */
export function parseVocab(text: string, file: string): VocabWord[] {
  const out: VocabWord[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const word = lines[i].trim();
    if (word === '') continue;
    if (!WORD_RE.test(word)) {
      const bad = Array.from(word).find((c) => !WORD_RE.test(c)) ?? word;
      throw new Error(`${file}:${i + 1}: word ${JSON.stringify(word)}: unexpected character ${JSON.stringify(bad)} (expected lowercase Cyrillic letters and "-")`);
    }
    out.push({ word, line: i + 1 });
  }
  if (out.length === 0) throw new Error(`${file}: vocabulary is empty`);
  return out;
}

/**
 * Reads and parses a vocabulary file (see {@link parseVocab}).
 * @throws Error naming the file when it cannot be read or holds no valid word list
 */
export function readVocab(path: string): VocabWord[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`${path}: cannot read vocabulary: ${(err as Error).message}`, { cause: err });
  }
  return parseVocab(text, path);
}
