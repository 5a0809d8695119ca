/**
 * Choosing the words of synthetic swipes.
 */
import type { Prng } from './prng.js';
import { at } from '../util/checked.js';

/** `uniform`: every word equally likely; `zipf`: the word on line rank r (1-based) has weight 1/r. */
export type WordSampling = 'uniform' | 'zipf';

/** The accepted values of {@link WordSampling}. */
export const WORD_SAMPLINGS: readonly WordSampling[] = ['uniform', 'zipf'];

/** Draws word indices in `[0, n)` following a {@link WordSampling}. */
export class WordSampler {
  private readonly cumulative: Float64Array | null;

  /**
   * @param n - number of words (≥ 1)
   * @param sampling - the distribution over the word order of the vocabulary file
   */
  constructor(
    private readonly n: number,
    sampling: WordSampling,
  ) {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`n: expected a positive integer, got ${n}`);
    if (sampling === 'uniform') {
      this.cumulative = null;
      return;
    }
    const c = new Float64Array(n);
    let acc = 0;
    for (let i = 0; i < n; i++) {
      acc += 1 / (i + 1);
      c[i] = acc;
    }
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
