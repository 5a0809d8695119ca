/**
 * Fitting the weights of the weighted aggregation on validation predictions (not in the seed, whose
 * weights were tried by hand).
 *
 * Search: coordinate descent over a fixed grid of weights. The first model's weight stays 1 (scaling every
 * weight by the same positive factor does not change the merged order), all others start at 1. A sweep
 * visits models 2…M in order; for each it evaluates every grid value (ascending) with the other weights
 * fixed and keeps the value with the highest Swipe MRR, moving only on a strict improvement (ties keep
 * the current value, then the smallest grid value). Sweeps repeat until one changes nothing or
 * `maxSweeps` is reached. The result is deterministic.
 */
import type { Candidate } from '../predictions.js';
import { swipeMrr } from '../evaluate/metrics.js';
import { mergeByScore } from './weighted.js';
import { separateOutVocab } from './primitives.js';
import { at } from '../util/checked.js';

/** Default weight grid of {@link fitWeights}. */
export const DEFAULT_WEIGHT_GRID: readonly number[] = [
  0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.1, 1.25, 1.5, 1.75, 2, 2.5, 3, 3.5, 4,
];

/** Options of {@link fitWeights}. */
export interface FitOptions {
  /** Words per aggregated row (the metric looks at 4). Default 4. */
  limit?: number;
  /** Candidate weights, all positive. Default {@link DEFAULT_WEIGHT_GRID}. */
  grid?: readonly number[];
  /** Most coordinate-descent sweeps. Default 10. */
  maxSweeps?: number;
}

/** What {@link fitWeights} found. */
export interface FitResult {
  /** Per model, the weight. */
  weights: number[];
  /** Swipe MRR of the weighted aggregation with these weights on the fitting data. */
  mrr: number;
  /** Swipe MRR with all weights 1. */
  initialMrr: number;
  /** Sweeps run. */
  sweeps: number;
}

function wordsOf(filtered: readonly (readonly Candidate[])[][], weights: readonly number[], limit: number): string[][] {
  const n = at(filtered, 0).length;
  const out = new Array<string[]>(n);
  for (let r = 0; r < n; r++) {
    let acc: Candidate[] = [];
    for (const [k, model] of filtered.entries()) {
      const w = at(weights, k);
      acc = mergeByScore(acc, at(model, r).map((c): Candidate => [c[0] * w, c[1]]));
    }
    const row: string[] = [];
    for (const c of acc) {
      if (row.length >= limit) break;
      if (!row.includes(c[1])) row.push(c[1]);
    }
    out[r] = row;
  }
  return out;
}

/**
 * Finds weights for the weighted aggregation that maximise Swipe MRR on validation predictions.
 * @param predsList - per model, per swipe, the `[score, word]` hypotheses; rows paired by position
 * @param targets - per swipe, the true word
 * @param vocab - the vocabulary set
 * @param options - see {@link FitOptions}
 * @throws RangeError on an empty model list, mismatched row counts or a non-positive grid value
 */
export function fitWeights(
  predsList: readonly (readonly (readonly Candidate[])[])[],
  targets: readonly string[],
  vocab: ReadonlySet<string>,
  options: FitOptions = {},
): FitResult {
  const limit = options.limit ?? 4;
  const grid = options.grid ?? DEFAULT_WEIGHT_GRID;
  const maxSweeps = options.maxSweeps ?? 10;
  if (predsList.length === 0) throw new RangeError('fitWeights: no models');
  if (grid.some((g) => !(g > 0) || !Number.isFinite(g))) throw new RangeError(`fitWeights: grid values must be positive, got ${grid.join(',')}`);
  const n = at(predsList, 0).length;
  if (n === 0) throw new RangeError('fitWeights: no swipes');
  if (targets.length !== n) throw new RangeError(`fitWeights: ${targets.length} targets for ${n} swipes`);
  predsList.forEach((p, k) => {
    if (p.length !== n) throw new RangeError(`fitWeights: model ${k} has ${p.length} rows, model 0 has ${n}`);
  });
  const filtered = predsList.map((p) => p.map((hyps) => separateOutVocab(hyps, vocab).inVocab));
  const score = (w: readonly number[]): number => swipeMrr(wordsOf(filtered, w, limit), targets);

  const weights = predsList.map(() => 1);
  const initialMrr = score(weights);
  let best = initialMrr;
  let sweeps = 0;
  while (sweeps < maxSweeps && predsList.length > 1) {
    sweeps += 1;
    let changed = false;
    for (let k = 1; k < weights.length; k++) {
      const current = at(weights, k);
      let chosen = current;
      for (const g of grid) {
        if (g === current) continue;
        weights[k] = g;
        const s = score(weights);
        if (s > best) {
          best = s;
          chosen = g;
        }
      }
      weights[k] = chosen;
      if (chosen !== current) changed = true;
    }
    if (!changed) break;
  }
  return { weights, mrr: best, initialMrr, sweeps };
}
