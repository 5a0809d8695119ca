/**
 * CUDA device memory as the native addon sees it: free/total bytes, and a cap on what libtorch's caching
 * allocator may hold.
 */
import { native, type NativeDeviceMemory } from '../native.js';

/** Free and total bytes of a device. */
export type DeviceMemory = NativeDeviceMemory;

/**
 * Free and total memory of a CUDA device (`cuda` or `cuda:N`) as the CUDA runtime reports them; null for
 * the CPU or when the runtime cannot be asked. Memory that libtorch's caching allocator holds unused
 * counts as taken.
 * @throws Error when the device string is invalid or names a device that is not there
 */
export function deviceMemory(device: string): DeviceMemory | null {
  return native().deviceMemory(device);
}

/**
 * Caps the memory libtorch's CUDA caching allocator may hold on `device` at `fraction` of the device's
 * total, for the whole process and for good (what `torch.cuda.set_per_process_memory_fraction` does in
 * Python). Allocations beyond it fail as "CUDA out of memory", which the decoder answers by splitting its
 * batch. For sharing a GPU between processes, and for testing that split.
 * @returns false when nothing was capped: a CPU device, or an addon built against a libtorch whose CUDA
 *   allocator header did not compile (then only the free-memory query works)
 * @throws RangeError when `fraction` is not in (0, 1]; Error for an invalid device
 */
export function limitDeviceMemory(device: string, fraction: number): boolean {
  if (typeof fraction !== 'number' || !(fraction > 0 && fraction <= 1)) {
    throw new RangeError(`limitDeviceMemory: fraction must be in (0, 1], got ${String(fraction)}`);
  }
  return native().limitDeviceMemory(device, fraction);
}
