/**
 * The DTW baseline's view of a keyboard (seed `ks_lib/grid.py`, `fcom.py`): one hitbox per one-character
 * key, key centres as float32, and the key under the first point of a swipe.
 */
import { type Grid, keyLabel } from '../keyboard/grid.js';

/** A hitbox `[left, right) × [top, bottom)` with its float32 centre. */
export interface BaselineKey {
  /** The key's one-character label or action. */
  char: string;
  left: number;
  right: number;
  top: number;
  bottom: number;
  /** `(left + right) / 2` rounded to float32. */
  cx: number;
  /** `(top + bottom) / 2` rounded to float32. */
  cy: number;
}

/** The letter used when no hitbox contains the first point. */
export const NO_KEY_LETTER = 'a';

/**
 * Hitboxes of the keys whose label (or, without a label, action) is one character long, in key order;
 * a later key with the same character replaces the earlier one's hitbox but keeps its position.
 * @param grid - the keyboard
 */
export function baselineKeys(grid: Grid): Map<string, BaselineKey> {
  const out = new Map<string, BaselineKey>();
  for (const key of grid.keys) {
    const label = keyLabel(key);
    if ([...label].length !== 1) continue;
    const { x, y, w, h } = key.hitbox;
    const left = x;
    const right = x + w;
    const top = y;
    const bottom = y + h;
    out.set(label, { char: label, left, right, top, bottom, cx: Math.fround((left + right) / 2), cy: Math.fround((top + bottom) / 2) });
  }
  return out;
}

/**
 * The first hitbox, in key order, that contains the point; {@link NO_KEY_LETTER} when none does.
 * @param keys - from {@link baselineKeys}
 * @param x - the point's x
 * @param y - the point's y
 */
export function letterAt(keys: ReadonlyMap<string, BaselineKey>, x: number, y: number): string {
  for (const k of keys.values()) {
    if (k.left <= x && x < k.right && k.top <= y && y < k.bottom) return k.char;
  }
  return NO_KEY_LETTER;
}

/**
 * A word's key-centre polyline: the centres of its letters that have a hitbox (others skipped).
 * @param keys - from {@link baselineKeys}
 * @param word - the word
 * @returns x and y coordinates (float32 values)
 */
export function wordPolyline(keys: ReadonlyMap<string, BaselineKey>, word: string): { x: number[]; y: number[] } {
  const x: number[] = [];
  const y: number[] = [];
  for (const ch of word) {
    const k = keys.get(ch);
    if (k === undefined) continue;
    x.push(k.cx);
    y.push(k.cy);
  }
  return { x, y };
}
