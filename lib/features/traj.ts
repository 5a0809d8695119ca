/**
 * Trajectory features (seed `TrajFeatsGetter`), computed in float32 exactly as the seed.
 */
import type { Grid } from '../keyboard/grid.js';
import { at } from '../util/checked.js';

const f32 = Math.fround;

/** Flags of the trajectory features. */
export interface TrajOptions {
  /** Emit raw time (ms) as the third column. */
  includeTime: boolean;
  /** Emit `vx, vy`. */
  includeVelocities: boolean;
  /** Emit `ax, ay` (requires velocities). */
  includeAccelerations: boolean;
  /** Divide by a zero time difference as the seed does (see `TransformSpec.seedCompatible`). */
  seedCompatible: boolean;
}

/** Number of trajectory columns for these flags: `2 + time + 2·velocities + 2·accelerations`. */
export function trajColumnCount(opts: Pick<TrajOptions, 'includeTime' | 'includeVelocities' | 'includeAccelerations'>): number {
  return 2 + (opts.includeTime ? 1 : 0) + (opts.includeVelocities ? 2 : 0) + (opts.includeAccelerations ? 2 : 0);
}

/**
 * Trajectory features `[S][F]` row-major: `x/width, y/height[, t][, vx, vy][, ax, ay]`, in float32 as the
 * seed. Derivatives are central differences `D(V, T)`: `D[0] = D[S−1] = 0`,
 * `D[i] = (V[i+1] − V[i−1]) / (T[i+1] − T[i−1])`, each operation rounded to float32. Velocities are taken
 * on raw pixel coordinates; accelerations are `D(vx, T)`, `D(vy, T)`. A zero time difference gives IEEE
 * ±Infinity/NaN when `seedCompatible`, else a 0 derivative.
 */
export function trajFeatures(x: ArrayLike<number>, y: ArrayLike<number>, t: ArrayLike<number>, grid: Grid, opts: TrajOptions): Float32Array {
  const s = x.length;
  const f = trajColumnCount(opts);
  const out = new Float32Array(s * f);
  const w = f32(grid.width);
  const h = f32(grid.height);
  const seed = opts.seedCompatible;
  const tc = opts.includeTime ? 2 : -1;
  const vc = opts.includeVelocities ? (opts.includeTime ? 3 : 2) : -1;
  const ac = opts.includeAccelerations ? vc + 2 : -1;
  for (let i = 0, o = 0; i < s; i++, o += f) {
    out[o] = at(x, i) / w;
    out[o + 1] = at(y, i) / h;
    if (tc >= 0) out[o + tc] = at(t, i);
  }
  if (vc < 0) return out;
  for (let i = 1, o = f; i < s - 1; i++, o += f) {
    const den = f32(at(t, i + 1) - at(t, i - 1));
    if (den === 0 && !seed) continue;
    out[o + vc] = f32(at(x, i + 1) - at(x, i - 1)) / den;
    out[o + vc + 1] = f32(at(y, i + 1) - at(y, i - 1)) / den;
  }
  if (ac < 0) return out;
  for (let i = 1, o = f; i < s - 1; i++, o += f) {
    const den = f32(at(t, i + 1) - at(t, i - 1));
    if (den === 0 && !seed) continue;
    out[o + ac] = f32(at(out, o + f + vc) - at(out, o - f + vc)) / den;
    out[o + ac + 1] = f32(at(out, o + f + vc + 1) - at(out, o - f + vc + 1)) / den;
  }
  return out;
}
