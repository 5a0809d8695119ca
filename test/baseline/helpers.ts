/**
 * Test helpers: deterministic swipe-like curves along the key centres of real words on the real grids.
 */
import type { Grid } from '../../lib/keyboard/grid.js';
import { baselineKeys } from '../../lib/baseline/keyboard.js';
import { at } from '../../lib/util/checked.js';

/** A small deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Integer points along the key centres of `word` (letters without a key skipped), about `step` pixels
 * apart, each moved by up to `noise` pixels.
 */
export function curveAlong(word: string, grid: Grid, rand: () => number, step = 30, noise = 25): { x: number[]; y: number[] } {
  const keys = baselineKeys(grid);
  const pts = [...word].map((ch) => keys.get(ch)).filter((k) => k !== undefined);
  const x: number[] = [];
  const y: number[] = [];
  const push = (px: number, py: number): void => {
    x.push(Math.round(px + (rand() * 2 - 1) * noise));
    y.push(Math.round(py + (rand() * 2 - 1) * noise));
  };
  if (pts.length === 0) return { x: [540], y: [300] };
  push(at(pts, 0).cx, at(pts, 0).cy);
  for (let i = 1; i < pts.length; i++) {
    const a = at(pts, i - 1);
    const b = at(pts, i);
    const n = Math.max(1, Math.round(Math.hypot(b.cx - a.cx, b.cy - a.cy) / step));
    for (let s = 1; s <= n; s++) push(a.cx + ((b.cx - a.cx) * s) / n, a.cy + ((b.cy - a.cy) * s) / n);
  }
  return { x, y };
}
