/**
 * The native DTW baseline (native/baseline/dtw_baseline.cc): exact, with prefix sharing and lower-bound pruning.
 */
import { native } from '../native.js';
import type { NativeDtwGrid } from './prepare.js';

/** Input of the native `dtwBaseline` (see native/baseline/dtw_baseline.h `DtwBaselineInput`). */
export interface NativeDtwInput {
  grids: NativeDtwGrid[];
  wordRank: Uint32Array;
  curveOffsets: Uint32Array;
  xs: Int32Array;
  ys: Int32Array;
  curveGrid: Uint32Array;
  k: number;
  prune: boolean;
  threads: number;
}

/** Output of the native `dtwBaseline`: per swipe `k` slots of word index (−1: none) and distance. */
export interface NativeDtwOutput {
  words: Int32Array;
  dists: Float64Array;
  /** DTW matrix cells computed. */
  cells: number;
}

type DtwBaselineFn = (input: NativeDtwInput) => Promise<NativeDtwOutput>;

/**
 * Runs the native baseline on a batch of swipes.
 * @param input - flattened keyboards, vocabulary ranks and swipes
 * @throws Error from the addon (bad input, addon not built), with the caller's stack
 */
export async function nativeDtwBaseline(input: NativeDtwInput): Promise<NativeDtwOutput> {
  const fn = native().dtwBaseline as DtwBaselineFn | undefined;
  if (typeof fn !== 'function') throw new Error('neuroswipe: the native addon has no dtwBaseline (rebuild it with `npm run build:native`)');
  const stack = new Error();
  try {
    return await fn(input);
  } catch (err) {
    stack.message = (err as Error).message;
    throw stack;
  }
}
