/**
 * Letter-key geometry used by the synthetic generator: float key centres `(x + w/2, y + h/2)` and key
 * sizes (docs/SEED.md §2.2), for the letters that are allowed keys (§2.3: `а`…`я` without `ё` on the
 * Russian grids, an `ё` key not being an allowed key; `a`…`z` on a Latin grid).
 */
import { LATIN_ALPHABET } from '../keyboard/alphabet.js';
import { gridAlphabet, type Grid } from '../keyboard/grid.js';

/** The 32 letters that can be allowed keys of a Russian grid: Cyrillic `а`…`я` without `ё`. */
export const SYNTH_LETTERS: readonly string[] = Array.from('абвгдежзийклмнопрстуфхцчшщъыьэюя');

/** The letters that can be allowed keys of `grid`: {@link SYNTH_LETTERS}, or a–z on a Latin grid. */
export function synthLetters(grid: Grid): readonly string[] {
  return gridAlphabet(grid) === LATIN_ALPHABET ? LATIN_ALPHABET : SYNTH_LETTERS;
}

/** One letter key: float centre and hitbox size, in pixels. */
export interface LetterKey {
  letter: string;
  cx: number;
  cy: number;
  w: number;
  h: number;
}

/** The letter keys of one grid plus its size. */
export interface LetterLayout {
  gridName: string;
  width: number;
  height: number;
  /** letter → key; when a letter has two keys, the later one in grid order wins */
  keys: ReadonlyMap<string, LetterKey>;
}

/** Builds the letter layout of a grid (allowed letter keys only). */
export function letterLayout(grid: Grid): LetterLayout {
  const allowed = new Set(synthLetters(grid));
  const keys = new Map<string, LetterKey>();
  for (const k of grid.keys) {
    if (k.label === undefined || !allowed.has(k.label)) continue;
    const { x, y, w, h } = k.hitbox;
    keys.set(k.label, { letter: k.label, cx: x + w / 2, cy: y + h / 2, w, h });
  }
  return { gridName: grid.grid_name, width: grid.width, height: grid.height, keys };
}

/**
 * The allowed letter whose float centre is nearest to `(x, y)` (squared Euclidean distance; ties go to
 * the letter met first in grid order). Used to check generated curves; not the seed's lookup table.
 */
export function nearestLetter(layout: LetterLayout, x: number, y: number): string {
  let best = '';
  let bestD = Infinity;
  for (const k of layout.keys.values()) {
    const d = (x - k.cx) ** 2 + (y - k.cy) ** 2;
    if (d < bestD) {
      bestD = d;
      best = k.letter;
    }
  }
  return best;
}
