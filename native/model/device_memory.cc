#include "model/device_memory.h"

#include <c10/core/DeviceGuard.h>
#include <dlfcn.h>

#include <torch/cuda.h>

#include <filesystem>
#include <mutex>
#include <string>
#include <system_error>
#include <vector>

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
// cudaError_t cudaRuntimeGetVersion(int* version); 1000 * major + 10 * minor. Needs no GPU and no driver.
using RuntimeGetVersionFn = int (*)(int*);

/** Sonames of the CUDA runtime: CUDA 13 and 12 wheels and toolkits, then CUDA 11, then an unversioned link. */
constexpr const char* kRuntimeSonames[] = {"libcudart.so.13", "libcudart.so.12", "libcudart.so.11.0", "libcudart.so"};

/** `symbol` in the library `path` (a soname or a full path) if that library is already loaded, else null. */
void* SymbolInLoaded(const char* path, const char* symbol) {
  void* handle = dlopen(path, RTLD_LAZY | RTLD_NOLOAD);
  if (!handle) return nullptr;
  // dlsym on a handle searches the library and its dependencies.
  void* sym = dlsym(handle, symbol);
  dlclose(handle);  // drops only the reference RTLD_NOLOAD added; the library stays loaded
  return sym;
}

/** Whether `name` looks like a CUDA runtime library: libcudart.so[.N…] or a bundled libcudart-<hash>.so[.N…]. */
bool IsRuntimeFileName(const std::string& name) {
  if (name.rfind("libcudart", 0) != 0) return false;
  if (name.find("_static") != std::string::npos) return false;
  return name.find(".so") != std::string::npos;
}

/** Directories next to the loaded libtorch where a CUDA runtime may lie: its own lib/ (older wheels bundle
 * libcudart-<hash>.so.N there) and pip's nvidia wheels (site-packages/nvidia/{cu13,cuda_runtime}/lib). */
std::vector<std::filesystem::path> RuntimeDirectories() {
  std::vector<std::filesystem::path> dirs;
  const std::string torch_dir = LoadedTorchLibraryDirectory();
  if (torch_dir.empty()) return dirs;
  const std::filesystem::path lib(torch_dir);
  dirs.push_back(lib);
  const std::filesystem::path nvidia = lib.parent_path().parent_path() / "nvidia";
  std::error_code ec;
  if (std::filesystem::is_directory(nvidia, ec)) {
    for (const auto& entry : std::filesystem::directory_iterator(nvidia, ec)) {
      const std::filesystem::path sub = entry.path() / "lib";
      if (std::filesystem::is_directory(sub, ec)) dirs.push_back(sub);
    }
  }
  return dirs;
}

/**
 * A symbol of the CUDA runtime already in the process, or null; never loads a library. In order: the CUDA
 * runtime's sonames for CUDA 13, 12 and 11; libtorch_cuda and libc10_cuda, whose dependencies include the
 * runtime under whatever name it was linked (a hashed bundled name too); any libcudart* file next to the
 * loaded libtorch or in pip's nvidia wheel directories; the global scope.
 */
void* FindRuntimeSymbol(const char* symbol) {
  for (const char* name : kRuntimeSonames) {
    if (void* sym = SymbolInLoaded(name, symbol)) return sym;
  }
  for (const char* name : {"libtorch_cuda.so", "libc10_cuda.so"}) {
    if (void* sym = SymbolInLoaded(name, symbol)) return sym;
  }
  for (const auto& dir : RuntimeDirectories()) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
      if (!IsRuntimeFileName(entry.path().filename().string())) continue;
      if (void* sym = SymbolInLoaded(entry.path().c_str(), symbol)) return sym;
    }
  }
  return dlsym(RTLD_DEFAULT, symbol);
}

MemGetInfoFn FindMemGetInfo() { return reinterpret_cast<MemGetInfoFn>(FindRuntimeSymbol("cudaMemGetInfo")); }

/** The file a loaded symbol lives in, or "". */
std::string FileOf(const void* address) {
  Dl_info info{};
  if (address == nullptr || dladdr(address, &info) == 0 || info.dli_fname == nullptr) return "";
  std::error_code ec;
  const std::filesystem::path real = std::filesystem::canonical(info.dli_fname, ec);
  return ec ? std::string(info.dli_fname) : real.string();
}

}  // namespace

std::string LoadedTorchLibraryDirectory() {
  // torch::cuda::is_available is defined in libtorch_cpu (CPU and CUDA builds alike).
  const std::string file = FileOf(reinterpret_cast<const void*>(&torch::cuda::is_available));
  if (file.empty()) return "";
  return std::filesystem::path(file).parent_path().string();
}

bool TorchCudaLoaded() {
  void* handle = dlopen("libtorch_cuda.so", RTLD_LAZY | RTLD_NOLOAD);
  if (!handle) return false;
  dlclose(handle);
  return true;
}

CudaRuntimeInfo QueryCudaRuntime() {
  CudaRuntimeInfo out;
  auto get_version = reinterpret_cast<RuntimeGetVersionFn>(FindRuntimeSymbol("cudaRuntimeGetVersion"));
  if (!get_version) return out;
  out.found = true;
  out.library = FileOf(reinterpret_cast<const void*>(get_version));
  int version = 0;
  if (get_version(&version) == 0) out.version = version;
  out.mem_get_info_found = FindMemGetInfo() != nullptr;
  return out;
}

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
