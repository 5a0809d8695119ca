// CUDA device memory without CUDA headers in the CPU build: free/total from the CUDA runtime the process
// already loaded, and (in CUDA builds whose allocator header compiles) libtorch's caching allocator.
#pragma once

#include <c10/core/Device.h>

#include <cstdint>
#include <optional>

namespace neuroswipe {

/** Bytes of a device's memory as the CUDA driver reports them. */
struct DeviceMemoryInfo {
  uint64_t free_bytes = 0;
  uint64_t total_bytes = 0;
};

/**
 * Free and total memory of `device` from the CUDA runtime's cudaMemGetInfo, looked up with dlsym in the
 * CUDA libraries this process already loaded (libtorch_cuda and its dependencies; neuroswipe links no CUDA
 * library itself). Empty for a CPU device, or when no CUDA runtime is loaded or the call fails. The free
 * figure does not count blocks that libtorch's caching allocator holds but does not use.
 */
std::optional<DeviceMemoryInfo> QueryDeviceMemory(const c10::Device& device);

/**
 * Whether this build reaches libtorch's CUDA caching allocator: a CUDA libtorch whose allocator header
 * compiled when the addon was configured (CMake defines NEUROSWIPE_CUDA_ALLOCATOR).
 */
bool CudaAllocatorReachable();

/**
 * Hands the CUDA caching allocator's unused blocks back to the driver (emptyCache) when `device` is CUDA
 * and CudaAllocatorReachable(). Returns whether it did; a no-op on the CPU.
 */
bool ReleaseCachedDeviceMemory(const c10::Device& device);

/**
 * Caps what the caching allocator may hold on `device` at `fraction` of its total memory (libtorch's
 * setMemoryFraction, the C++ side of torch.cuda.set_per_process_memory_fraction); allocations beyond it fail
 * with "CUDA out of memory". Process-wide and lasting. Returns false (and does nothing) for a CPU device or
 * when !CudaAllocatorReachable().
 */
bool LimitDeviceMemory(const c10::Device& device, double fraction);

}  // namespace neuroswipe
