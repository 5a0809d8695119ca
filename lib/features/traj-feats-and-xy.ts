/**
 * Transform `traj_feats_and_xy`: trajectory features plus the raw point coordinates as float32
 * (`kb_x_scaler` and `kb_y_scaler` are the identity, their seed default).
 */
import type { Swipe } from '../data/dataset.js';
import type { GridFeatureContext } from './grid-context.js';
import { trajColumnCount, trajFeatures, type TrajOptions } from './traj.js';
import type { SwipeFeatures } from './types.js';
import { at } from '../util/checked.js';

/** Features of `traj_feats_and_xy` (`keys` = `[S][2]` of `x, y`). */
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
