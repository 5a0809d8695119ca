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

/** The default thread count: the machine's available parallelism. */
export function defaultThreadCount(): number {
  return availableParallelism();
}
