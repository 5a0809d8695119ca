// CUDA device memory without CUDA headers in the CPU build: free/total from the CUDA runtime the process
// already loaded, and (in CUDA builds whose allocator header compiles) libtorch's caching allocator.
#pragma once

#include <c10/core/Device.h>

#include <cstdint>
#include <optional>
#include <string>

namespace neuroswipe {

/** Bytes of a device's memory as the CUDA driver reports them. */
struct DeviceMemoryInfo {
  uint64_t free_bytes = 0;
  uint64_t total_bytes = 0;
};

/** The CUDA runtime libtorch loaded, as found by the lookup the memory queries use. */
struct CudaRuntimeInfo {
  /** Whether a CUDA runtime is in the process (its cudaRuntimeGetVersion was found). */
  bool found = false;
  /** Whether its cudaMemGetInfo was found as well. */
  bool mem_get_info_found = false;
  /** The file it was loaded from (symlinks resolved), or "". */
  std::string library;
  /** cudaRuntimeGetVersion: 1000 * major + 10 * minor (13000 for CUDA 13.0); 0 when the call failed. */
  int version = 0;
};

/**
 * Looks up the CUDA runtime already loaded into this process (nothing is loaded): by the sonames of CUDA 13,
 * 12 and 11 (libcudart.so.13, .12, .11.0), through libtorch_cuda's and libc10_cuda's dependencies, then
 * libcudart* files next to the loaded libtorch and in pip's nvidia wheel directories. Needs no GPU.
 */
CudaRuntimeInfo QueryCudaRuntime();

/** Directory of the libtorch this process loaded (where libtorch_cpu lies, symlinks resolved), or "". */
std::string LoadedTorchLibraryDirectory();

/** Whether libtorch_cuda is loaded into this process (the addon links it for a CUDA libtorch). */
bool TorchCudaLoaded();

/**
 * Free and total memory of `device` from the CUDA runtime's cudaMemGetInfo, looked up with dlsym in the
 * CUDA libraries this process already loaded (libtorch_cuda and its dependencies; neuroswipe links no CUDA
 * library itself; see QueryCudaRuntime for the lookup). Empty for a CPU device, or when no CUDA runtime is loaded or
 * the call fails. The free figure does not count blocks that libtorch's caching allocator holds but does not use.
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
