/**
 * Trajectory features (seed `TrajFeatsGetter`), computed in float32 exactly as the seed.
 */
import type { Grid } from '../keyboard/grid.js';

const f32 = Math.fround;

/** Flags of the trajectory features. */
export interface TrajOptions {
  includeTime: boolean;
  includeVelocities: boolean;
  includeAccelerations: boolean;
  /** Divide by a zero time difference as the seed does (see `TransformSpec.seedCompatible`). */
  seedCompatible: boolean;
}

/** Number of trajectory columns for these flags: `2 + time + 2·velocities + 2·accelerations`. */
export function trajColumnCount(opts: Pick<TrajOptions, 'includeTime' | 'includeVelocities' | 'includeAccelerations'>): number {
  return 2 + (opts.includeTime ? 1 : 0) + (opts.includeVelocities ? 2 : 0) + (opts.includeAccelerations ? 2 : 0);
}

/**
 * Central difference `D(V, T)` in float32: `D[0] = D[S−1] = 0`,
 * `D[i] = (V[i+1] − V[i−1]) / (T[i+1] − T[i−1])`, each operation rounded to float32.
 * A zero denominator gives IEEE ±Infinity/NaN when `seedCompatible`, else 0.
 */
export function centralDifference(v: ArrayLike<number>, t: ArrayLike<number>, seedCompatible: boolean): Float32Array {
  const s = v.length;
  const out = new Float32Array(s);
  for (let i = 1; i < s - 1; i++) {
    const num = f32(v[i + 1] - v[i - 1]);
    const den = f32(t[i + 1] - t[i - 1]);
    out[i] = den === 0 && !seedCompatible ? 0 : num / den;
  }
  return out;
}

/**
 * Trajectory features `[S][F]` row-major: `x/width, y/height[, t][, vx, vy][, ax, ay]`.
 * Velocities are taken on raw pixel coordinates; accelerations are differences of the velocities.
 */
export function trajFeatures(x: ArrayLike<number>, y: ArrayLike<number>, t: ArrayLike<number>, grid: Grid, opts: TrajOptions): Float32Array {
  const s = x.length;
  const f = trajColumnCount(opts);
  const out = new Float32Array(s * f);
  const w = f32(grid.width);
  const h = f32(grid.height);
  for (let i = 0; i < s; i++) {
    out[i * f] = x[i] / w;
    out[i * f + 1] = y[i] / h;
  }
  let col = 2;
  if (opts.includeTime) {
    for (let i = 0; i < s; i++) out[i * f + col] = t[i];
    col++;
  }
  if (opts.includeVelocities) {
    const vx = centralDifference(x, t, opts.seedCompatible);
    const vy = centralDifference(y, t, opts.seedCompatible);
    for (let i = 0; i < s; i++) {
      out[i * f + col] = vx[i];
      out[i * f + col + 1] = vy[i];
    }
    col += 2;
    if (opts.includeAccelerations) {
      const ax = centralDifference(vx, t, opts.seedCompatible);
      const ay = centralDifference(vy, t, opts.seedCompatible);
      for (let i = 0; i < s; i++) {
        out[i * f + col] = ax[i];
        out[i * f + col + 1] = ay[i];
      }
    }
  }
  return out;
}
