/**
 * The options of one `Decoder.decode` call checked, and how a call that reports progress or can be cancelled
 * is cut into chunks.
 */
import { describeValue } from '../util/checked.js';
import type { DecodeCallOptions } from './decoder-types.js';

/**
 * Most swipes between two progress reports of `exact`, which finds the vocabulary's best words of each swipe by
 * branch and bound (tens of times beam's time under model scoring with a 20,000-word vocabulary).
 */
export const EXACT_PROGRESS_SWIPES = 10;

/**
 * Swipes per native search when a call reports progress or can be cancelled: about 1% of the input, never
 * fewer than 8 batches (so continuous batching keeps its slots full), never more than a worker's share,
 * and never more than `most` (the slow `exact` search reports every {@link EXACT_PROGRESS_SWIPES} swipes).
 */
export function progressChunk(total: number, workers: number, batchSize: number, most = Infinity): number {
  const share = Math.max(1, Math.ceil(total / Math.max(1, workers)));
  return Math.max(1, Math.min(share, most, Math.max(batchSize * 8, Math.ceil(total / 100))));
}

/**
 * Checks the options of one decode call.
 * @throws TypeError naming the option: not an object, a `signal` that is no AbortSignal, an `onProgress`
 *   that is no function
 */
export function checkCallOptions(call: unknown): asserts call is DecodeCallOptions {
  if (typeof call !== 'object' || call === null) throw new TypeError(`Decoder.decode: options: expected an object { signal?, onProgress? }, got ${describeValue(call)}`);
  const c = call as Record<string, unknown>;
  if (c.signal !== undefined && !(c.signal instanceof AbortSignal)) throw new TypeError(`Decoder.decode: options.signal: expected an AbortSignal, got ${describeValue(c.signal)}`);
  if (c.onProgress !== undefined && typeof c.onProgress !== 'function') throw new TypeError(`Decoder.decode: options.onProgress: expected a function, got ${describeValue(c.onProgress)}`);
}

/** Throws the signal's reason when it has been aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  signal?.throwIfAborted();
}
