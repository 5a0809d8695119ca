/**
 * Feature extraction for one transform over swipes of several grids.
 */
import type { Swipe } from '../data/dataset.js';
import { checkSwipe } from '../data/swipe-input.js';
import type { GridMap } from '../keyboard/grid.js';
import { GridFeatureContext } from './grid-context.js';
import { nearestKeyOnly, trajFeatsAndDistanceWeights, trajFeatsAndDistances, trajFeatsAndNearestKey, trajFeatsAndXy } from './transforms.js';
import type { TrajOptions } from './traj.js';
import { normalizeTransformSpec, type SwipeFeatures, type TransformSpec } from './types.js';

/**
 * Computes one transform's features. Lookups and caches are built once per grid name, on first use;
 * grids are looked up in `grids` at that moment, so a map that is still being filled (for example by a
 * `SwipeReader` collecting inline grids) can be passed.
 *
 * @example
 * const fx = new FeatureExtractor(loadGrids(), { name: 'traj_feats_and_nearest_key', includeTime: false,
 *   includeVelocities: true, includeAccelerations: true });
 * const f = fx.extract(swipe); // f.traj: Float32Array [S][6], f.keys: Int32Array [S]
 */
export class FeatureExtractor {
  /** The transform with defaults filled in. */
  readonly spec: ReturnType<typeof normalizeTransformSpec>;
  private readonly grids: GridMap;
  private readonly contexts = new Map<string, GridFeatureContext>();
  private readonly traj: TrajOptions;

  /**
   * @param grids - grid name → grid
   * @param spec - transform and flags
   * @throws TypeError / RangeError for an invalid spec
   */
  constructor(grids: GridMap, spec: TransformSpec) {
    this.grids = grids;
    this.spec = normalizeTransformSpec(spec);
    this.traj = {
      includeTime: this.spec.includeTime,
      includeVelocities: this.spec.includeVelocities,
      includeAccelerations: this.spec.includeAccelerations,
      seedCompatible: this.spec.seedCompatible,
    };
  }

  /** The per-grid context of a grid name (built on first use). @internal */
  context(gridName: string): GridFeatureContext {
    let ctx = this.contexts.get(gridName);
    if (ctx === undefined) {
      const grid = Object.prototype.hasOwnProperty.call(this.grids, gridName) ? this.grids[gridName] : undefined;
      if (grid === undefined) throw new Error(`unknown grid name ${JSON.stringify(gridName)} (known: ${Object.keys(this.grids).join(', ') || 'none'})`);
      ctx = new GridFeatureContext(grid, this.spec.weightsFunction);
      this.contexts.set(gridName, ctx);
    }
    return ctx;
  }

  /** Whether `gridName` names a grid of the map (at this moment). */
  hasGrid(gridName: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.grids, gridName);
  }

  /**
   * Features of one swipe.
   * @throws InvalidSwipeError (a TypeError) naming the field when the swipe is not valid (x/y/t not int16
   *   integers of one non-zero length, an unknown grid, …)
   */
  extract(input: Swipe): SwipeFeatures {
    const swipe = checkSwipe(input, -1, (g) => this.hasGrid(g), `swipe ${typeof input?.index === 'number' ? input.index : '(no index)'}`);
    const ctx = this.context(swipe.gridName);
    switch (this.spec.name) {
      case 'traj_feats_and_nearest_key':
        return trajFeatsAndNearestKey(ctx, swipe, this.traj);
      case 'nearest_key_only':
        return nearestKeyOnly(ctx, swipe);
      case 'traj_feats_and_distance_weights':
        return trajFeatsAndDistanceWeights(ctx, swipe, this.traj, this.spec.weightsFunction.name);
      case 'traj_feats_and_distances__actual':
        return trajFeatsAndDistances(ctx, swipe, this.traj);
      case 'traj_feats_and_xy':
        return trajFeatsAndXy(ctx, swipe, this.traj);
    }
  }
}
