/**
 * Building blocks of the seed's aggregation (`src/aggregate_predictions.py`): vocabulary filtering,
 * score removal and word appending.
 */
import type { Candidate } from '../predictions.js';
import { at } from '../util/checked.js';

/**
 * Splits one swipe's hypotheses into in-vocabulary and out-of-vocabulary lists, order preserved
 * (seed `separate_out_vocab_single_crv`).
 * @param hyps - `[score, word]` pairs
 * @param vocab - the vocabulary set
 */
export function separateOutVocab(hyps: readonly Candidate[], vocab: ReadonlySet<string>): { inVocab: Candidate[]; outVocab: Candidate[] } {
  const inVocab: Candidate[] = [];
  const outVocab: Candidate[] = [];
  for (const h of hyps) (vocab.has(h[1]) ? inVocab : outVocab).push(h);
  return { inVocab, outVocab };
}

/**
 * Drops the scores (seed `remove_probs`).
 * @param hyps - `[score, word]` pairs
 */
export function removeScores(hyps: readonly Candidate[]): string[] {
  return hyps.map((h) => h[1]);
}

/**
 * Seed `append_preds`: a copy of `original` where, row by row, the words of `additional` are appended in
 * order, skipping words already in the row, until the row holds `limit` words. A row that already has
 * `limit` or more words is left as it is (never cut). Rows are paired by position; `additional` must have
 * at least as many rows as `original`.
 * @param original - rows of words
 * @param additional - rows of words to append from
 * @param limit - target row length
 * @throws Error when `additional` has fewer rows than `original`
 */
export function appendPreds(original: readonly (readonly string[])[], additional: readonly (readonly string[])[], limit: number): string[][] {
  if (additional.length < original.length) {
    throw new Error(`cannot append: ${additional.length} additional rows for ${original.length} rows`);
  }
  return original.map((row, i) => {
    const out = row.slice();
    for (const w of at(additional, i)) {
      if (out.length >= limit) break;
      if (!out.includes(w)) out.push(w);
    }
    return out;
  });
}
