/** Shared set-up for the synthetic-data tests: the real grids and the committed word lists. */
import { fileURLToPath } from 'node:url';
import { loadGrids } from '../../lib/keyboard/grid.js';
import { letterLayout, nearestLetter, type LetterLayout } from '../../lib/synth/layout.js';
import { readVocab } from '../../lib/synth/vocab.js';
import { filterVocabForGrid, type TraceableWord } from '../../lib/synth/vocab-filter.js';
import { at, own } from '../../lib/util/checked.js';

export const SMALL_VOCAB = fileURLToPath(new URL('../fixtures/vocab-small.txt', import.meta.url));
export const EXAMPLE_VOCAB = fileURLToPath(new URL('../../examples/vocab.txt', import.meta.url));
export const EN_VOCAB = fileURLToPath(new URL('../../examples/en/vocab.txt', import.meta.url));
export const GRIDS = loadGrids();

export function layoutOf(name: string): LetterLayout {
  return letterLayout(own(GRIDS, name));
}

/** The swipeable words of the Russian small list, or of the English example list on `qwerty`. */
export function smallWords(grid: string): TraceableWord[] {
  const file = grid === 'qwerty' ? EN_VOCAB : SMALL_VOCAB;
  return filterVocabForGrid(readVocab(file), layoutOf(grid), 'skip', file).words;
}

/** Nearest-letter sequence of a curve with consecutive repeats collapsed. */
export function nearestSequence(layout: LetterLayout, x: number[], y: number[]): string {
  let out = '';
  for (let i = 0; i < x.length; i++) {
    const c = nearestLetter(layout, at(x, i), at(y, i));
    if (!out.endsWith(c)) out += c;
  }
  return out;
}

/** Whether `needle`'s letters occur in `hay` in order (not necessarily adjacent). */
export function isSubsequence(needle: string, hay: string): boolean {
  let j = 0;
  for (const c of hay) if (j < needle.length && c === needle[j]) j++;
  return j === needle.length;
}

/** Whether a point lies outside `[0, width) × [0, height)`. */
export function outside(layout: LetterLayout, x: number, y: number): boolean {
  return x < 0 || y < 0 || x >= layout.width || y >= layout.height;
}
