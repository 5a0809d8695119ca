#include "binding/runtime_info_binding.h"

#include <ATen/Parallel.h>
#include <torch/cuda.h>
#include <torch/script.h>
#include <torch/version.h>

#include <string>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace neuroswipe {
namespace {

/** { libtorch, torchSource, cudaAvailable, cudaDeviceCount, threads, interopThreads, parallelInfo } */
Napi::Value Versions(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object out = Napi::Object::New(env);
  out.Set("libtorch", std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) + "." +
                          std::to_string(TORCH_VERSION_PATCH));
  out.Set("torchSource", NEUROSWIPE_TORCH_SOURCE);
  const bool cuda = torch::cuda::is_available();
  out.Set("cudaAvailable", cuda);
  out.Set("cudaDeviceCount", static_cast<double>(cuda ? torch::cuda::device_count() : 0));
  out.Set("threads", at::get_num_threads());
  out.Set("interopThreads", at::get_num_interop_threads());
  return out;
}

Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsNumber()) throw Napi::TypeError::New(env, "setNumThreads(n: number)");
  const double n = info[0].As<Napi::Number>().DoubleValue();
  if (!(n >= 1 && n <= 1024) || n != static_cast<int>(n)) {
    throw Napi::RangeError::New(env, "setNumThreads: n must be an integer in 1..1024, got " + std::to_string(n));
  }
  at::set_num_threads(static_cast<int>(n));
  return env.Undefined();
}

Napi::Value GetNumThreads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), at::get_num_threads());
}

/**
 * glibc's malloc hands large blocks (>= 128 KiB) to mmap and gives freed memory back at once, so libtorch's
 * per-call activations are page-faulted in again on every call. Serving blocks up to 32 MiB from the heap
 * and keeping up to 256 MiB of free heap per arena removes that cost; the process keeps more memory.
 */
Napi::Value TuneHeapForThroughput(const Napi::CallbackInfo& info) {
#if defined(__GLIBC__)
  const bool ok = mallopt(M_MMAP_THRESHOLD, 32 << 20) == 1 && mallopt(M_TRIM_THRESHOLD, 256 << 20) == 1;
  return Napi::Boolean::New(info.Env(), ok);
#else
  return Napi::Boolean::New(info.Env(), false);
#endif
}

}  // namespace

void InitRuntimeInfo(Napi::Env env, Napi::Object exports) {
  exports.Set("versions", Napi::Function::New(env, Versions, "versions"));
  exports.Set("setNumThreads", Napi::Function::New(env, SetNumThreads, "setNumThreads"));
  exports.Set("getNumThreads", Napi::Function::New(env, GetNumThreads, "getNumThreads"));
  exports.Set("tuneHeapForThroughput", Napi::Function::New(env, TuneHeapForThroughput, "tuneHeapForThroughput"));
}

}  // namespace neuroswipe
