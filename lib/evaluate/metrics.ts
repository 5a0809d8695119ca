/**
 * Competition metrics: Swipe MRR and accuracy, exactly as the seed computes them.
 */
import { at } from '../util/checked.js';

/** Weights of the first four distinct candidates in Swipe MRR. */
export const SWIPE_MRR_WEIGHTS: readonly number[] = [1, 0.1, 0.09, 0.08];

/**
 * Removes repeated words, keeping the first occurrence of each (stable).
 * @param words - candidate words in rank order
 */
export function dedupStable(words: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const w of words) {
    if (seen.has(w)) continue;
    seen.add(w);
    out.push(w);
  }
  return out;
}

/**
 * Swipe MRR of one swipe: after stable de-duplication, the weight (1, 0.1, 0.09, 0.08) of the position of
 * the target among the first four remaining words, or 0.
 * @param preds - candidate words in rank order (any length, duplicates allowed)
 * @param target - the true word
 */
export function swipeMrrLine(preds: readonly string[], target: string): number {
  const unique = dedupStable(preds);
  const n = Math.min(unique.length, SWIPE_MRR_WEIGHTS.length);
  let line = 0;
  for (let j = 0; j < n; j++) {
    if (unique[j] === target) line += at(SWIPE_MRR_WEIGHTS, j);
  }
  return line;
}

/**
 * Swipe MRR over many swipes (seed `get_mmr`): the per-swipe values of the pairs `(predsList[i],
 * targets[i])` (pairs formed as Python's `zip` does, up to the shorter list) summed in order in double
 * precision, divided by `predsList.length`. Rows with fewer than four candidates, or none, are allowed.
 * @param predsList - per swipe, the candidate words in rank order
 * @param targets - per swipe, the true word
 * @throws Error when `predsList` is empty (the seed divides by zero)
 */
export function swipeMrr(predsList: readonly (readonly string[])[], targets: readonly string[]): number {
  if (predsList.length === 0) throw new Error('Swipe MRR of an empty prediction list is undefined');
  const n = Math.min(predsList.length, targets.length);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += swipeMrrLine(at(predsList, i), at(targets, i));
  return sum / predsList.length;
}

/**
 * Accuracy (seed `get_accuracy`): the number of `top1List[i] === targets[i]` (pairs formed as `zip`
 * does) divided by `top1List.length`. A missing top-1 word (`undefined`, an empty row) counts as wrong.
 * @param top1List - per swipe, the first candidate or `undefined`
 * @param targets - per swipe, the true word
 * @throws Error when `top1List` is empty
 */
export function accuracy(top1List: readonly (string | undefined)[], targets: readonly string[]): number {
  if (top1List.length === 0) throw new Error('accuracy of an empty prediction list is undefined');
  const n = Math.min(top1List.length, targets.length);
  let correct = 0;
  for (let i = 0; i < n; i++) {
    if (top1List[i] !== undefined && top1List[i] === targets[i]) correct += 1;
  }
  return correct / top1List.length;
}
