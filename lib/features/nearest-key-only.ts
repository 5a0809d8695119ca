/**
 * Transform `nearest_key_only`: keyboard token of the nearest allowed key per point, no trajectory.
 */
import type { Swipe } from '../data/dataset.js';
import type { GridFeatureContext } from './grid-context.js';
import type { SwipeFeatures } from './types.js';

/** Features of `nearest_key_only` (`nTrajFeats` = 0, `keys` = token per point). */
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
