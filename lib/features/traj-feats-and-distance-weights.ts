/**
 * Transform `traj_feats_and_distance_weights`: trajectory features plus a weight per point and key
 * column computed from the distance to the key's truncated centre (seed `KeyWeightsGetter`).
 */
import type { Swipe } from '../dataset.js';
import type { GridFeatureContext } from './grid-context.js';
import { trajColumnCount, trajFeatures, type TrajOptions } from './traj.js';
import { N_KEY_COLUMNS, type SwipeFeatures, type WeightsFunctionName } from './types.js';
import { finishWeightsRow } from './weights-functions.js';

/** Key weights `[S][37]` float32; columns without a key are exactly 0. */
export function keyWeights(ctx: GridFeatureContext, x: ArrayLike<number>, y: ArrayLike<number>, fn: WeightsFunctionName): Float32Array {
  const { centerX, centerY } = ctx.distances;
  const missing = ctx.missing;
  const sigmoid = ctx.sigmoid;
  const n = N_KEY_COLUMNS;
  const out = new Float32Array(x.length * n);
  for (let i = 0; i < x.length; i++) {
    const xi = Math.trunc(x[i]);
    const yi = Math.trunc(y[i]);
    const o = i * n;
    for (let k = 0; k < n; k++) {
      if (missing[k]) continue;
      const dx = centerX[k] - xi;
      const dy = centerY[k] - yi;
      out[o + k] = sigmoid.ofSquaredDistance(dx * dx + dy * dy);
    }
    finishWeightsRow(fn, out, o, n, missing);
  }
  return out;
}

/** Features of `traj_feats_and_distance_weights`. */
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
