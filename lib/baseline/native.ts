/**
 * The native DTW baseline (native/baseline/dtw_baseline.cc): exact, with prefix sharing and lower-bound pruning.
 */
import { native, type NativeDtwInput, type NativeDtwOutput } from '../native.js';

export type { NativeDtwInput, NativeDtwOutput } from '../native.js';

/**
 * Runs the native baseline on a batch of swipes.
 * @param input - flattened keyboards, vocabulary ranks and swipes
 * @throws Error from the addon (bad input, addon not built), with the caller's stack
 */
export async function nativeDtwBaseline(input: NativeDtwInput): Promise<NativeDtwOutput> {
  const addon = native();
  const stack = new Error();
  try {
    return await addon.dtwBaseline(input);
  } catch (err) {
    stack.message = (err as Error).message;
    throw stack;
  }
}
