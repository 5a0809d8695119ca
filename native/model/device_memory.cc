#include "model/device_memory.h"

#include <c10/core/DeviceGuard.h>
#include <dlfcn.h>

#include <mutex>

// NEUROSWIPE_CUDA_ALLOCATOR is defined by CMakeLists.txt only for a CUDA libtorch where a test program
// including the allocator header and calling emptyCache() and setMemoryFraction() compiled.
#if defined(NEUROSWIPE_CUDA_ALLOCATOR) && defined(__has_include)
#if __has_include(<c10/cuda/CUDACachingAllocator.h>)
#include <c10/cuda/CUDACachingAllocator.h>
#define NEUROSWIPE_HAS_CUDA_ALLOCATOR 1
#endif
#endif

namespace neuroswipe {
namespace {

// cudaError_t cudaMemGetInfo(size_t* free, size_t* total); cudaSuccess is 0.
using MemGetInfoFn = int (*)(size_t*, size_t*);

/**
 * cudaMemGetInfo of the CUDA runtime already in the process, or null. dlopen with RTLD_NOLOAD only finds
 * libraries that are loaded; dlsym on such a handle searches the library and its dependencies, so the
 * runtime is found whether it is linked as libcudart.so.12 (pip wheels), a hashed bundled name
 * (libcudart-….so.11.0) or a system libcudart.
 */
MemGetInfoFn FindMemGetInfo() {
  static const char* const kLibraries[] = {
      "libtorch_cuda.so", "libc10_cuda.so", "libcudart.so.12", "libcudart.so.11.0", "libcudart.so",
  };
  for (const char* name : kLibraries) {
    void* handle = dlopen(name, RTLD_LAZY | RTLD_NOLOAD);
    if (!handle) continue;
    void* sym = dlsym(handle, "cudaMemGetInfo");
    dlclose(handle);  // drops only the reference RTLD_NOLOAD added; the library stays loaded
    if (sym) return reinterpret_cast<MemGetInfoFn>(sym);
  }
  return reinterpret_cast<MemGetInfoFn>(dlsym(RTLD_DEFAULT, "cudaMemGetInfo"));
}

}  // namespace

std::optional<DeviceMemoryInfo> QueryDeviceMemory(const c10::Device& device) {
  if (!device.is_cuda()) return std::nullopt;
  static std::once_flag once;
  static MemGetInfoFn mem_get_info = nullptr;
  std::call_once(once, [] { mem_get_info = FindMemGetInfo(); });
  if (!mem_get_info) return std::nullopt;
  // The runtime reports on the calling thread's current device: make it `device` for the call (libtorch's
  // CUDA device guard, registered by libc10_cuda, restores the previous one).
  c10::DeviceGuard guard(device);
  size_t free_bytes = 0, total_bytes = 0;
  if (mem_get_info(&free_bytes, &total_bytes) != 0 || total_bytes == 0) return std::nullopt;
  return DeviceMemoryInfo{free_bytes, total_bytes};
}

bool CudaAllocatorReachable() {
#ifdef NEUROSWIPE_HAS_CUDA_ALLOCATOR
  return true;
#else
  return false;
#endif
}

bool ReleaseCachedDeviceMemory(const c10::Device& device) {
  if (!device.is_cuda()) return false;
#ifdef NEUROSWIPE_HAS_CUDA_ALLOCATOR
  try {
    c10::cuda::CUDACachingAllocator::emptyCache();
    return true;
  } catch (...) {
    return false;  // best effort: the retry with a smaller batch goes on either way
  }
#else
  return false;
#endif
}

bool LimitDeviceMemory(const c10::Device& device, double fraction) {
  if (!device.is_cuda()) return false;
#ifdef NEUROSWIPE_HAS_CUDA_ALLOCATOR
  const c10::DeviceIndex index = device.has_index() ? device.index() : 0;
  c10::cuda::CUDACachingAllocator::setMemoryFraction(fraction, index);
  return true;
#else
  (void)fraction;
  return false;
#endif
}

}  // namespace neuroswipe
