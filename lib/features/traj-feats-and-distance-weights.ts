/**
 * Transform `traj_feats_and_distance_weights`: trajectory features plus a weight per point and key
 * column computed from the distance to the key's truncated centre (seed `KeyWeightsGetter`).
 */
import type { Swipe } from '../data/dataset.js';
import type { GridFeatureContext } from './grid-context.js';
import { trajColumnCount, trajFeatures, type TrajOptions } from './traj.js';
import { N_KEY_COLUMNS, type SwipeFeatures, type WeightsFunctionName } from './types.js';
import { finishWeightsRow } from './weights-functions.js';
import { at } from '../util/checked.js';

/**
 * Key weights `[S][37]` float32; columns without a key are exactly 0. Loops key by key so that the
 * nearby points of a swipe read nearby entries of the weight table.
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
