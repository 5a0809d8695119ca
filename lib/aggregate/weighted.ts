/**
 * Weighted aggregation (seed `aggregate_preds_raw_weighted`).
 */
import type { Candidate } from '../predictions.js';
import { separateOutVocab } from './primitives.js';

/**
 * Two-way merge by score of two lists: while both have items, the accumulated list's head is taken only
 * when its score is strictly smaller, otherwise the new list's head is taken (on ties the later model's
 * item comes first); leftovers are appended.
 * @param acc - the list accumulated from the earlier models
 * @param next - the next model's list
 */
export function mergeByScore(acc: readonly Candidate[], next: readonly Candidate[]): Candidate[] {
  const out: Candidate[] = [];
  let i = 0;
  let j = 0;
  while (i < acc.length && j < next.length) {
    if (acc[i][0] < next[j][0]) out.push(acc[i++]);
    else out.push(next[j++]);
  }
  while (i < acc.length) out.push(acc[i++]);
  while (j < next.length) out.push(next[j++]);
  return out;
}

/**
 * Weighted aggregation: keep in-vocabulary hypotheses, multiply each model's scores by its weight (models
 * and weights are paired as Python's `zip` pairs them: models beyond the weights list, or weights beyond
 * the models list, are ignored), merge the models' lists one after another with {@link mergeByScore},
 * drop repeated words keeping the first occurrence and cut to `limit`. Scores are "lower is better", so a
 * larger weight demotes a model.
 * @param predsList - per model, per swipe, the `[score, word]` hypotheses (each list ascending by score)
 * @param weights - per model, the factor applied to its scores
 * @param vocab - the vocabulary set; other words are dropped
 * @param limit - the most words per row
 * @returns per swipe, `[weighted score, word]` in merged order
 * @throws Error when the paired models do not have the same number of rows
 */
export function aggregateWeighted(
  predsList: readonly (readonly (readonly Candidate[])[])[],
  weights: readonly number[],
  vocab: ReadonlySet<string>,
  limit: number,
): Candidate[][] {
  const m = Math.min(predsList.length, weights.length);
  if (m === 0) return [];
  const n = predsList[0].length;
  for (let k = 1; k < m; k++) {
    if (predsList[k].length !== n) throw new Error(`model ${k} has ${predsList[k].length} rows, model 0 has ${n}`);
  }
  const out: Candidate[][] = [];
  for (let r = 0; r < n; r++) {
    let acc: Candidate[] = [];
    for (let k = 0; k < m; k++) {
      const w = weights[k];
      const scaled = separateOutVocab(predsList[k][r], vocab).inVocab.map((c): Candidate => [c[0] * w, c[1]]);
      acc = mergeByScore(acc, scaled);
    }
    const seen = new Set<string>();
    const row: Candidate[] = [];
    for (const c of acc) {
      if (row.length >= limit) break;
      if (seen.has(c[1])) continue;
      seen.add(c[1]);
      row.push(c);
    }
    out.push(row);
  }
  return out;
}
