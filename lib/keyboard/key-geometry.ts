/**
 * Key geometry the seed derives from the hitboxes: its two key-centre definitions (float centre and
 * truncated integer centre) and the average half key diagonal.
 */
import { SEED_CYRILLIC_ALPHABET } from './alphabet.js';
import { keyLabel, type Grid, type GridKey } from './grid.js';

/** A point in keyboard pixels. */
export interface Point {
  x: number;
  y: number;
}

/**
 * Float centre `(x + w/2, y + h/2)` in double precision. Used by the nearest-key fallback, the average
 * half key diagonal and data cleaning.
 */
export function floatCenter(key: GridKey): Point {
  const hb = key.hitbox;
  return { x: hb.x + hb.w / 2, y: hb.y + hb.h / 2 };
}

/**
 * Truncated integer centre: the float centre truncated toward zero, as the seed stores it in an integer
 * array. Used only by the distances lookup (and therefore the distance and weight features).
 */
export function truncatedCenter(key: GridKey): Point {
  const c = floatCenter(key);
  return { x: Math.trunc(c.x), y: Math.trunc(c.y) };
}

/**
 * Average half key diagonal (seed `get_avg_half_key_diag`): the mean of `sqrt(w² + h²) / 2` over the keys
 * whose label is allowed, summed in grid order (double precision). With the default candidates the
 * Cyrillic `ё` key is excluded (seed alphabet quirk).
 * @throws Error when no key is allowed
 */
export function avgHalfKeyDiagonal(grid: Grid, candidates: readonly string[] = SEED_CYRILLIC_ALPHABET): number {
  const allowed = new Set(candidates);
  let sum = 0;
  let n = 0;
  for (const key of grid.keys) {
    if (!allowed.has(keyLabel(key))) continue;
    const { w, h } = key.hitbox;
    sum += Math.sqrt(w * w + h * h) / 2;
    n++;
  }
  if (n === 0) throw new Error(`grid ${JSON.stringify(grid.grid_name)}: no allowed key for the half key diagonal`);
  return sum / n;
}
