/** The batch part of `neuroswipe decode`'s closing summary: the size, how 'auto' chose it, and any split. */
import type { AutoBatchChoice } from '../decode/auto-batch.js';
import type { DecodeStats } from '../decode/stats.js';

/**
 * `--batch-size` as the decode command takes it: `auto`, or an integer ≥ 1.
 * @throws RangeError `--batch-size: expected an integer ≥ 1 or 'auto', got "x"`
 */
export function parseBatchSize(text: string): number | 'auto' {
  if (text === 'auto') return 'auto';
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n) || n < 1) {
    throw new RangeError(`--batch-size: expected an integer ≥ 1 or 'auto', got ${JSON.stringify(text)}`);
  }
  return n;
}

/**
 * "batch 512", "batch 16 (auto)", "batch 3474 (auto: 78.1 of 79.1 GiB free, ~11.0 MiB per swipe)", and
 * when memory ran out "…; out of memory: the batch was split 2 times, down to 128 (in-flight swipes
 * decoded again, same results)".
 */
export function batchSummary(batchSize: number, auto: AutoBatchChoice | null, stats: Pick<DecodeStats, 'oomSplits' | 'finalBatchSize'>): string {
  let note = `batch ${batchSize}`;
  if (auto?.memory && auto.bytesPerSwipe !== null) {
    const gib = (n: number): string => (n / 2 ** 30).toFixed(1);
    note += ` (auto: ${gib(auto.memory.free)} of ${gib(auto.memory.total)} GiB free, ~${(auto.bytesPerSwipe / 2 ** 20).toFixed(1)} MiB per swipe)`;
  } else if (auto) {
    note += ' (auto)';
  }
  if (stats.oomSplits > 0) {
    const times = stats.oomSplits === 1 ? 'once' : `${stats.oomSplits} times`;
    note += `; out of memory: the batch was split ${times}, down to ${stats.finalBatchSize} (in-flight swipes decoded again, same results)`;
  }
  return note;
}
