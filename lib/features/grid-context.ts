/**
 * The per-grid lookups and caches feature extraction uses (nearest key, key distances, sigmoid weights), built
 * on first use.
 */
import { DistancesLookup } from '../keyboard/distances.js';
import { avgHalfKeyDiagonal, gridAlphabet, type Grid } from '../keyboard/grid.js';
import { NearestKeyLookup } from '../keyboard/nearest-key.js';
import { distanceColumns, KeyboardTokenizer } from '../tokenizer.js';
import { at } from '../util/checked.js';
import type { WeightsFunctionSpec } from './types.js';
import { SigmoidWeights } from './weights-functions.js';

/** Lookups and caches of one grid. */
export class GridFeatureContext {
  /** The grid. */
  readonly grid: Grid;
  private readonly weightsSpec: Required<WeightsFunctionSpec>;
  private nearestLookup?: NearestKeyLookup;
  private tokensByAllowed?: Int32Array;
  private distancesLookup?: DistancesLookup;
  private sigmoidWeights?: SigmoidWeights;
  private missingColumns?: Uint8Array;
  private present?: Int32Array;

  /**
   * @param grid - the keyboard
   * @param weightsSpec - weight function parameters (only used by the weights transform)
   */
  constructor(grid: Grid, weightsSpec: Required<WeightsFunctionSpec>) {
    this.grid = grid;
    this.weightsSpec = weightsSpec;
  }

  /** Nearest-key lookup with the grid alphabet's allowed keys ({@link gridAlphabet}). */
  get nearest(): NearestKeyLookup {
    this.nearestLookup ??= new NearestKeyLookup(this.grid);
    return this.nearestLookup;
  }

  /** Keyboard token of each allowed key of {@link nearest} (index = `nearest.nearestIndex(...)`). */
  get nearestTokens(): Int32Array {
    if (this.tokensByAllowed === undefined) {
      const kb = new KeyboardTokenizer(gridAlphabet(this.grid));
      this.tokensByAllowed = Int32Array.from(this.nearest.labels, (l) => kb.getToken(l));
    }
    return this.tokensByAllowed;
  }

  /** Distances lookup over the 37 columns of the grid's alphabet (the seed's on the Russian grids). */
  get distances(): DistancesLookup {
    this.distancesLookup ??= new DistancesLookup(this.grid, distanceColumns(gridAlphabet(this.grid)));
    return this.distancesLookup;
  }

  /** `missing[k] = 1` when column `k` has no key on this grid. */
  get missing(): Uint8Array {
    this.missingColumns ??= Uint8Array.from(this.distances.centerX, (cx) => (cx === -1 ? 1 : 0));
    return this.missingColumns;
  }

  /** Indices of the columns that have a key on this grid, ascending. */
  get presentColumns(): Int32Array {
    this.present ??= Int32Array.from(this.distances.columns.keys()).filter((k) => this.missing[k] === 0);
    return this.present;
  }

  /** Sigmoid weights with this grid's half key diagonal. */
  get sigmoid(): SigmoidWeights {
    if (this.sigmoidWeights === undefined) {
      const { width, height } = this.grid;
      const { bias, scale } = this.weightsSpec;
      this.sigmoidWeights = new SigmoidWeights(avgHalfKeyDiagonal(this.grid), bias, scale, width, height);
    }
    return this.sigmoidWeights;
  }

  /** Nearest-key token per point. */
  nearestKeyTokens(x: ArrayLike<number>, y: ArrayLike<number>): Int32Array {
    const lookup = this.nearest;
    const tokens = this.nearestTokens;
    const out = new Int32Array(x.length);
    for (let i = 0; i < x.length; i++) out[i] = at(tokens, lookup.nearestIndex(at(x, i), at(y, i)));
    return out;
  }
}
