/**
 * Choosing the words of synthetic swipes.
 */
import type { Prng } from './prng.js';
import { at } from '../util/checked.js';

/** `uniform`: every word equally likely; `zipf`: the word on line rank r (1-based) has weight 1/r. */
export type WordSampling = 'uniform' | 'zipf';

/** The accepted values of {@link WordSampling}. */
export const WORD_SAMPLINGS: readonly WordSampling[] = ['uniform', 'zipf'];

/** Explicit word weights (e.g. counts from a frequency file): word i is drawn with probability ∝ `weights[i]`. */
export interface WordWeights {
  /** One finite, non-negative weight per word, at least one positive. */
  weights: readonly number[];
}

/** Draws word indices in `[0, n)` following a {@link WordSampling} or explicit {@link WordWeights}. */
export class WordSampler {
  private readonly cumulative: Float64Array | null;

  /**
   * @param n - number of words (≥ 1)
   * @param sampling - the distribution over the word order of the vocabulary file, or one weight per word
   * @throws RangeError for a weight list of another length, a negative or non-finite weight, or no positive one
   */
  constructor(
    private readonly n: number,
    sampling: WordSampling | WordWeights,
  ) {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`n: expected a positive integer, got ${n}`);
    if (sampling === 'uniform') {
      this.cumulative = null;
      return;
    }
    const weights = typeof sampling === 'object' ? sampling.weights : null;
    if (weights !== null && weights.length !== n) throw new RangeError(`weights: ${weights.length} weights for ${n} words`);
    const c = new Float64Array(n);
    let acc = 0;
    for (let i = 0; i < n; i++) {
      const w = weights === null ? 1 / (i + 1) : at(weights, i);
      if (!Number.isFinite(w) || w < 0) throw new RangeError(`weights[${i}]: expected a finite number ≥ 0, got ${w}`);
      acc += w;
      c[i] = acc;
    }
    if (!(acc > 0)) throw new RangeError('weights: no word has a positive weight');
    this.cumulative = c;
  }

  /** Next word index. */
  next(rng: Prng): number {
    if (this.cumulative === null) return rng.int(this.n);
    const c = this.cumulative;
    const u = rng.float() * at(c, c.length - 1);
    let lo = 0;
    let hi = c.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (at(c, mid) > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}
