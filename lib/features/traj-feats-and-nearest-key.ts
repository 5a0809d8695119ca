/**
 * Transform `traj_feats_and_nearest_key`: trajectory features plus the nearest-key token per point.
 */
import type { Swipe } from '../data/dataset.js';
import type { GridFeatureContext } from './grid-context.js';
import { trajColumnCount, trajFeatures, type TrajOptions } from './traj.js';
import type { SwipeFeatures } from './types.js';

/** Features of `traj_feats_and_nearest_key`. */
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
