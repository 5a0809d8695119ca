/**
 * The decoding defaults of every command and of the library, in one place: `decode`, `predict` and
 * `reproduce` decode with the same device, batch size, workers, decoder step and forced-step rule.
 */
import { availableParallelism } from 'node:os';
import type { DecodedSwipe } from './decoder-types.js';
import type { PredictionRow } from '../predictions.js';
import { CPU_BATCH_SIZE, DEFAULT_THREADS_PER_SEARCH } from '../options/engine.js';

/** The engine options' fixed defaults: declared with the options, in lib/options/engine.ts. */
export { CPU_BATCH_SIZE, DEFAULT_CHUNK_SIZE, DEFAULT_DEVICE, DEFAULT_THREADS_PER_SEARCH } from '../options/engine.js';

/** Whether the built-in CPU decoder step is used (models that export step weights). */
export const DEFAULT_NATIVE_STEP = true;

/** Whether single-token vocabulary expansions skip the model. */
export const DEFAULT_SKIP_FORCED = true;

/** Vocabulary scoring when none is named: declared with the option, in lib/options/schema.ts. */
export { DEFAULT_VOCAB_SCORING } from '../options/schema.js';

function onCuda(device: string): boolean {
  return device.startsWith('cuda');
}

/** The batch size on a device: `'auto'` (from free memory) on CUDA, {@link CPU_BATCH_SIZE} on the CPU. */
export function defaultBatchSize(device: string): number | 'auto' {
  return onCuda(device) ? 'auto' : CPU_BATCH_SIZE;
}

/**
 * Searches run at once on a device: one on CUDA; on the CPU one per core, divided by the libtorch
 * threads each search uses.
 * @param threads - libtorch intra-op threads per search (default {@link DEFAULT_THREADS_PER_SEARCH})
 */
export function defaultWorkers(device: string, threads = DEFAULT_THREADS_PER_SEARCH): number {
  if (onCuda(device)) return 1;
  return Math.max(1, Math.min(64, Math.floor(availableParallelism() / Math.max(1, threads))));
}

/**
 * Swipes `decodeFile` reads before handing them to the search at once, when the caller does not
 * fix it: enough to keep every worker's batch full for a while (16 batches per worker), at least 1024.
 */
export function defaultChunkSize(batchSize: number, workers: number): number {
  return Math.max(1024, batchSize * workers * 16);
}

/** A decoded swipe as a prediction-file row (the one place `gridName` becomes `grid_name`). */
export function toPredictionRow(r: DecodedSwipe): PredictionRow {
  return { index: r.index, grid_name: r.gridName, candidates: r.candidates };
}
