/**
 * The two key-centre definitions of the seed (float centre and truncated integer centre).
 */
import type { GridKey } from './grid.js';

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
