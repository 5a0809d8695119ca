/**
 * Per-call options of `Decoder.decode` (cancellation, progress) and the decoder's worker default.
 */

/** Progress of one `Decoder.decode` call, in swipes. */
export interface DecodeProgress {
  /** Swipes decoded so far. */
  done: number;
  /** Swipes in the call. */
  total: number;
}

/** Options of one `Decoder.decode` call. */
export interface DecodeCallOptions {
  /**
   * Cancels the call: checked before each native search starts, so a search already running finishes
   * first. The promise then rejects with `signal.reason` (an `AbortError` `DOMException` by default).
   */
  signal?: AbortSignal;
  /** Called after each chunk of swipes is decoded, with the swipes done so far and the call's total. */
  onProgress?: (progress: DecodeProgress) => void;
}

/**
 * Swipes per native search when a call reports progress or can be cancelled: about 1% of the input, never
 * fewer than 8 batches (so continuous batching keeps its slots full), never more than a worker's share.
 */
export function progressChunk(total: number, workers: number, batchSize: number): number {
  const share = Math.max(1, Math.ceil(total / Math.max(1, workers)));
  return Math.max(1, Math.min(share, Math.max(batchSize * 8, Math.ceil(total / 100))));
}

/** Throws the signal's reason when it has been aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  signal?.throwIfAborted();
}
