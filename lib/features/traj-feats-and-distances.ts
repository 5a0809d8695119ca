/**
 * Transform `traj_feats_and_distances__actual`: trajectory features plus the float32 distance from each
 * point to each of the 37 key columns (−1 for columns without a key).
 */
import type { Swipe } from '../data/dataset.js';
import type { GridFeatureContext } from './grid-context.js';
import { trajColumnCount, trajFeatures, type TrajOptions } from './traj.js';
import { N_KEY_COLUMNS, type SwipeFeatures } from './types.js';
import { at } from '../util/checked.js';

/** Raw distances `[S][37]` float32 (each double distance rounded once). */
export function keyDistances(ctx: GridFeatureContext, x: ArrayLike<number>, y: ArrayLike<number>): Float32Array {
  const lookup = ctx.distances;
  const out = new Float32Array(x.length * N_KEY_COLUMNS);
  for (let i = 0; i < x.length; i++) lookup.distancesInto(at(x, i), at(y, i), out, i * N_KEY_COLUMNS);
  return out;
}

/** Features of `traj_feats_and_distances__actual`. */
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
