/**
 * Weighted aggregation (seed `aggregate_preds_raw_weighted`).
 */
import type { Candidate } from '../predictions.js';
import { separateOutVocab } from './primitives.js';
import { at, at2 } from '../util/checked.js';

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
    const [a, b] = [at(acc, i), at(next, j)];
    if (a[0] < b[0]) {
      out.push(a);
      i++;
    } else {
      out.push(b);
      j++;
    }
  }
  out.push(...acc.slice(i), ...next.slice(j));
  return out;
}

/**
 * Weighted aggregation: keep in-vocabulary hypotheses, multiply each model's scores by its weight (models
 * and weights are paired as Python's `zip` pairs them: models beyond the weights list, or weights beyond
 * the models list, are ignored), merge the models' lists one after another with `mergeByScore`,
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
  const n = at(predsList, 0).length;
  for (let k = 1; k < m; k++) {
    const rows = at(predsList, k).length;
    if (rows !== n) throw new Error(`model ${k} has ${rows} rows, model 0 has ${n}`);
  }
  const out: Candidate[][] = [];
  for (let r = 0; r < n; r++) {
    let acc: Candidate[] = [];
    for (let k = 0; k < m; k++) {
      const w = at(weights, k);
      const scaled = separateOutVocab(at2(predsList, k, r), vocab).inVocab.map((c): Candidate => [c[0] * w, c[1]]);
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
