/**
 * Appendage aggregation (seed `aggregate_preds_raw_appendage`), the method of the competition submission.
 */
import type { Candidate } from '../predictions.js';
import { appendPreds, removeScores, separateOutVocab } from './primitives.js';
import { at } from '../util/checked.js';

/**
 * For each model in the given order (best first), keep its in-vocabulary hypotheses in their original
 * order and append them to the rows with `appendPreds` (duplicates skipped, rows filled up to
 * `limit`). Rows are paired by position across models.
 * @param predsList - per model, per swipe, the `[score, word]` hypotheses
 * @param vocab - the vocabulary set; other words are dropped
 * @param limit - the most words per row
 * @returns per swipe, the words
 * @throws Error when the models do not have the same number of rows
 */
export function aggregateAppendage(predsList: readonly (readonly (readonly Candidate[])[])[], vocab: ReadonlySet<string>, limit: number): string[][] {
  if (predsList.length === 0) return [];
  const n = at(predsList, 0).length;
  predsList.forEach((p, m) => {
    if (p.length !== n) throw new Error(`model ${m} has ${p.length} rows, model 0 has ${n}`);
  });
  let rows: string[][] = Array.from({ length: n }, () => []);
  for (const preds of predsList) {
    const words = preds.map((hyps) => removeScores(separateOutVocab(hyps, vocab).inVocab));
    rows = appendPreds(rows, words, limit);
  }
  return rows;
}

/**
 * Turns aggregated word rows into candidate rows for a prediction file; the score of a word is its
 * 0-based rank (appendage has no meaningful combined score, and lower stays better).
 * @param rows - per swipe, the words
 */
export function rankScores(rows: readonly (readonly string[])[]): Candidate[][] {
  return rows.map((r) => r.map((w, i): Candidate => [i, w]));
}
