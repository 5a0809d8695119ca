/**
 * Feature extraction for one transform over swipes of several grids; the per-grid state the transforms
 * share (lookups and caches, built lazily once per grid) is lib/features/grid-context.ts.
 */
import type { Swipe } from '../data/dataset.js';
import { checkSwipe, onGrid } from '../data/swipe-input.js';
import { gridAlphabet, unusableGridMessage, type GridMap } from '../keyboard/grid.js';
import { GridFeatureContext } from './grid-context.js';
import { nearestKeyOnly, trajFeatsAndDistanceWeights, trajFeatsAndDistances, trajFeatsAndNearestKey, trajFeatsAndXy, type TrajOptions } from './transforms.js';
import { normalizeTransformSpec, type SwipeFeatures, type TransformSpec } from './types.js';

export { GridFeatureContext } from './grid-context.js';

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
  private readonly modelLetters: readonly string[] | undefined;
  private readonly contexts = new Map<string, GridFeatureContext>();
  private readonly traj: TrajOptions;

  /**
   * @param grids - grid name → grid
   * @param spec - transform and flags
   * @throws TypeError / RangeError for an invalid spec
   */
  /**
   * @param modelLetters - the letters of the model's character tokens, when the features are for a model: a grid
   *   none of whose alphabet's letters is one of them (a QWERTY keyboard for a Russian model) is refused when first
   *   used, with what it lacks, instead of giving the model key ids of another alphabet
   */
  constructor(grids: GridMap, spec: TransformSpec, modelLetters?: readonly string[]) {
    this.grids = grids;
    this.modelLetters = modelLetters;
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
      const letters = this.modelLetters;
      if (letters !== undefined && letters.length > 0 && !gridAlphabet(grid).some((l) => letters.includes(l))) {
        throw new Error(unusableGridMessage(grid, letters));
      }
      ctx = new GridFeatureContext(grid, this.spec.weightsFunction);
      this.contexts.set(gridName, ctx);
    }
    return ctx;
  }

  /** Drops the cached context of a grid (one removed from the map). @internal */
  forget(gridName: string): void {
    this.contexts.delete(gridName);
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
    const checked = checkSwipe(input, -1, (g) => this.hasGrid(g), `swipe ${typeof input?.index === 'number' ? input.index : '(no index)'}`);
    const ctx = this.context(checked.gridName);
    // A swipe drawn on a keyboard of another size is mapped onto the grid first.
    const swipe = onGrid(checked, ctx.grid);
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
