/**
 * Process-wide libtorch settings and facts.
 */
import { availableParallelism } from 'node:os';
import { native, type NativeVersions } from './native.js';

/** libtorch version, where it came from, CUDA availability and thread counts. */
export type RuntimeInfo = NativeVersions;

/** Reports the addon's libtorch version, whether CUDA is usable, the devices seen and the thread count. */
export function runtimeInfo(): RuntimeInfo {
  return native().versions();
}

/**
 * Sets libtorch's intra-op thread count for the whole process.
 * @param n - integer in 1..1024
 * @throws RangeError for other values
 */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > 1024) throw new RangeError(`setNumThreads: n must be an integer in 1..1024, got ${n}`);
  native().setNumThreads(n);
}

/**
 * Tunes the C library's allocator of the whole process for decoding throughput (glibc only): blocks up to
 * 32 MiB come from the heap instead of fresh memory maps, and up to 256 MiB of freed heap per arena is kept
 * for reuse instead of being returned at once. libtorch allocates its activations anew on every model call;
 * with glibc's defaults each such block is mapped and page-faulted in again, which measured about 20% of
 * CPU decoding time. The cost is a process that holds on to more memory. The neuroswipe CLI calls this for
 * its decoding commands; library users opt in.
 * @returns whether the settings were applied (false on other C libraries)
 */
export function tuneHeapForThroughput(): boolean {
  return native().tuneHeapForThroughput();
}

/** The default thread count: the machine's available parallelism. */
export function defaultThreadCount(): number {
  return availableParallelism();
}
