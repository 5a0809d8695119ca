/**
 * The seed's five feature transforms (docs/SEED.md): each turns one swipe on its grid into the model's
 * two inputs, the trajectory features (`traj`, lib/features/traj.ts) and the key input (`keys`), whose
 * kind is what tells the transforms apart: a nearest-key token per point, the raw coordinates, the
 * distances to every key column, or a weight per key column.
 */
import type { Swipe } from '../data/dataset.js';
import type { GridFeatureContext } from './grid-context.js';
import { trajColumnCount, trajFeatures, type TrajOptions } from './traj.js';
import { N_KEY_COLUMNS, type SwipeFeatures, type WeightsFunctionName } from './types.js';
import { finishWeightsRow } from './weights-functions.js';
import { at } from '../util/checked.js';

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
