/**
 * Flat typed-array form of the baseline's keyboards and vocabulary, as the native implementation takes
 * them.
 */
import type { Grid } from '../keyboard/grid.js';
import { baselineKeys, NO_KEY_LETTER } from './keyboard.js';
import type { BaselineVocab } from './vocab.js';
import { at } from '../util/checked.js';

import type { NativeDtwGrid } from '../native.js';

export type { NativeDtwGrid };

function range(vocab: BaselineVocab, letter: string): [number, number] {
  return vocab.groups.get(letter) ?? [0, vocab.words.length];
}

/**
 * Flattens a keyboard for the native baseline: its one-character keys in key order with hitboxes,
 * float32 centres and candidate word ranges, and every word's polyline as key indices.
 * @param grid - the keyboard
 * @param vocab - the baseline vocabulary
 */
export function prepareGrid(grid: Grid, vocab: BaselineVocab): NativeDtwGrid {
  const keys = [...baselineKeys(grid).values()];
  const n = keys.length;
  const indexOf = new Map(keys.map((k, i) => [k.char, i]));
  const out: NativeDtwGrid = {
    left: Int32Array.from(keys, (k) => k.left),
    right: Int32Array.from(keys, (k) => k.right),
    top: Int32Array.from(keys, (k) => k.top),
    bottom: Int32Array.from(keys, (k) => k.bottom),
    cx: Float64Array.from(keys, (k) => k.cx),
    cy: Float64Array.from(keys, (k) => k.cy),
    rangeBegin: new Uint32Array(n),
    rangeEnd: new Uint32Array(n),
    fallbackBegin: 0,
    fallbackEnd: 0,
    wordOffsets: new Uint32Array(vocab.words.length + 1),
    wordKeys: new Uint16Array(0),
  };
  keys.forEach((k, i) => {
    [out.rangeBegin[i], out.rangeEnd[i]] = range(vocab, k.char);
  });
  [out.fallbackBegin, out.fallbackEnd] = range(vocab, NO_KEY_LETTER);
  const flat: number[] = [];
  vocab.words.forEach((w, i) => {
    for (const ch of w) {
      const k = indexOf.get(ch);
      if (k !== undefined) flat.push(k);
    }
    out.wordOffsets[i + 1] = flat.length;
  });
  out.wordKeys = Uint16Array.from(flat);
  return out;
}

/**
 * Per word, the index of its first occurrence in the sorted list: comparing ranks compares words
 * (equal words have equal ranks).
 * @param words - words sorted by code point
 */
export function wordRanks(words: readonly string[]): Uint32Array {
  const out = new Uint32Array(words.length);
  for (let i = 1; i < words.length; i++) out[i] = words[i] === words[i - 1] ? at(out, i - 1) : i;
  return out;
}
