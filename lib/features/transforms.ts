/**
 * The seed's five feature transforms (docs/SEED.md): each turns one swipe on its grid into the model's
 * two inputs, the trajectory features (`traj`, the seed's `TrajFeatsGetter`, computed here first) and the
 * key input (`keys`), whose kind is what tells the transforms apart: a nearest-key token per point, the
 * raw coordinates, the distances to every key column, or a weight per key column.
 */
import type { Swipe } from '../data/dataset.js';
import type { Grid } from '../keyboard/grid.js';
import type { GridFeatureContext } from './grid-context.js';
import { N_KEY_COLUMNS, type SwipeFeatures, type WeightsFunctionName } from './types.js';
import { finishWeightsRow } from './weights-functions.js';
import { at } from '../util/checked.js';

/* Trajectory features (seed `TrajFeatsGetter`), computed in float32 exactly as the seed. */
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

/** `nearest_key_only`: keyboard token of the nearest allowed key per point, no trajectory (`nTrajFeats` = 0). */
export function nearestKeyOnly(ctx: GridFeatureContext, swipe: Swipe): SwipeFeatures {
  return {
    length: swipe.x.length,
    nTrajFeats: 0,
    traj: new Float32Array(0),
    keyKind: 'nearest',
    nKeyColumns: 0,
    keys: ctx.nearestKeyTokens(swipe.x, swipe.y),
  };
}

/** `traj_feats_and_nearest_key`: trajectory features plus the nearest-key token per point. */
export function trajFeatsAndNearestKey(ctx: GridFeatureContext, swipe: Swipe, opts: TrajOptions): SwipeFeatures {
  const traj = trajFeatures(swipe.x, swipe.y, swipe.t, ctx.grid, opts);
  const s = swipe.x.length;
  return {
    length: s,
    nTrajFeats: trajColumnCount(opts),
    traj,
    keyKind: 'nearest',
    nKeyColumns: 0,
    keys: ctx.nearestKeyTokens(swipe.x, swipe.y),
  };
}

/**
 * `traj_feats_and_xy`: trajectory features plus the raw point coordinates as float32, `keys` = `[S][2]`
 * of `x, y` (`kb_x_scaler` and `kb_y_scaler` are the identity, their seed default).
 */
export function trajFeatsAndXy(ctx: GridFeatureContext, swipe: Swipe, opts: TrajOptions): SwipeFeatures {
  const s = swipe.x.length;
  const traj = trajFeatures(swipe.x, swipe.y, swipe.t, ctx.grid, opts);
  const keys = new Float32Array(s * 2);
  for (let i = 0; i < s; i++) {
    keys[2 * i] = at(swipe.x, i);
    keys[2 * i + 1] = at(swipe.y, i);
  }
  return { length: s, nTrajFeats: trajColumnCount(opts), traj, keyKind: 'xy', nKeyColumns: 2, keys };
}

/** Raw distances `[S][37]` float32 from each point to each key column (each double distance rounded once; −1 for columns without a key). */
export function keyDistances(ctx: GridFeatureContext, x: ArrayLike<number>, y: ArrayLike<number>): Float32Array {
  const lookup = ctx.distances;
  const out = new Float32Array(x.length * N_KEY_COLUMNS);
  for (let i = 0; i < x.length; i++) lookup.distancesInto(at(x, i), at(y, i), out, i * N_KEY_COLUMNS);
  return out;
}

/** `traj_feats_and_distances__actual`: trajectory features plus {@link keyDistances}. */
export function trajFeatsAndDistances(ctx: GridFeatureContext, swipe: Swipe, opts: TrajOptions): SwipeFeatures {
  const s = swipe.x.length;
  const traj = trajFeatures(swipe.x, swipe.y, swipe.t, ctx.grid, opts);
  return {
    length: s,
    nTrajFeats: trajColumnCount(opts),
    traj,
    keyKind: 'distances',
    nKeyColumns: N_KEY_COLUMNS,
    keys: keyDistances(ctx, swipe.x, swipe.y),
  };
}

/**
 * Key weights `[S][37]` float32 from the distance of each point to each key's truncated centre (seed
 * `KeyWeightsGetter`); columns without a key are exactly 0. Loops key by key so that the nearby points
 * of a swipe read nearby entries of the weight table.
 */
export function keyWeights(ctx: GridFeatureContext, x: Int16Array, y: Int16Array, fn: WeightsFunctionName): Float32Array {
  const { centerX, centerY } = ctx.distances;
  const present = ctx.presentColumns;
  const sigmoid = ctx.sigmoid;
  const { table, stride, maxDx, maxDy } = sigmoid;
  const n = N_KEY_COLUMNS;
  const s = x.length;
  const out = new Float32Array(s * n);
  for (const k of present) {
    const cx = at(centerX, k);
    const cy = at(centerY, k);
    for (let i = 0, o = k; i < s; i++, o += n) {
      let ax = cx - at(x, i);
      let ay = cy - at(y, i);
      if (ax < 0) ax = -ax;
      if (ay < 0) ay = -ay;
      out[o] = ax <= maxDx && ay <= maxDy ? at(table, ay * stride + ax) : sigmoid.compute(Math.fround(Math.sqrt(ax * ax + ay * ay)));
    }
  }
  if (fn !== 'weights_function_v1') {
    const missing = ctx.missing;
    for (let i = 0; i < s; i++) finishWeightsRow(fn, out, i * n, n, missing);
  }
  return out;
}

/** `traj_feats_and_distance_weights`: trajectory features plus {@link keyWeights}. */
export function trajFeatsAndDistanceWeights(ctx: GridFeatureContext, swipe: Swipe, opts: TrajOptions, fn: WeightsFunctionName): SwipeFeatures {
  const s = swipe.x.length;
  const traj = trajFeatures(swipe.x, swipe.y, swipe.t, ctx.grid, opts);
  return {
    length: s,
    nTrajFeats: trajColumnCount(opts),
    traj,
    keyKind: 'weights',
    nKeyColumns: N_KEY_COLUMNS,
    keys: keyWeights(ctx, swipe.x, swipe.y, fn),
  };
}
