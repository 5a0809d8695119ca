#include "binding/runtime_info_binding.h"

#include <ATen/Parallel.h>
#include <torch/cuda.h>
#include <torch/script.h>
#include <torch/version.h>

#include <string>

#include "engine/step_profile.h"
#include "model/device_memory.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace neuroswipe {
namespace {

/**
 * { libtorch, torchSource, torchLibraryDir, torchLibraryDirBuilt, cudaBuild, cudaVersionBuilt, cudaRuntime,
 *   cudaAllocator, cudaAvailable, cudaDeviceCount, threads, interopThreads }
 */
Napi::Value Versions(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object out = Napi::Object::New(env);
  out.Set("libtorch", std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) + "." +
                          std::to_string(TORCH_VERSION_PATCH));
  out.Set("torchSource", NEUROSWIPE_TORCH_SOURCE);
  out.Set("torchLibraryDir", LoadedTorchLibraryDirectory());
  out.Set("torchLibraryDirBuilt", NEUROSWIPE_TORCH_LIBDIR);
  // A CUDA build links libtorch_cuda (CMake's NEUROSWIPE_TORCH_CUDA); that it is loaded is checked here.
  out.Set("cudaBuild", NEUROSWIPE_TORCH_CUDA == 1 && TorchCudaLoaded());
  out.Set("cudaVersionBuilt", NEUROSWIPE_TORCH_CUDA_VERSION);
  const CudaRuntimeInfo runtime = QueryCudaRuntime();
  if (runtime.found) {
    Napi::Object rt = Napi::Object::New(env);
    rt.Set("library", runtime.library);
    rt.Set("version", runtime.version > 0
                          ? std::to_string(runtime.version / 1000) + "." + std::to_string((runtime.version % 1000) / 10)
                          : std::string());
    rt.Set("memGetInfo", runtime.mem_get_info_found);
    out.Set("cudaRuntime", rt);
  } else {
    out.Set("cudaRuntime", env.Null());
  }
  out.Set("cudaAllocator", CudaAllocatorReachable());
  bool cuda = false;
  double devices = 0;
  try {
    cuda = torch::cuda::is_available();
    devices = cuda ? static_cast<double>(torch::cuda::device_count()) : 0;
  } catch (const std::exception&) {
    cuda = false;  // a CUDA build on a machine whose driver cannot be initialised: no GPU visible
  }
  out.Set("cudaAvailable", cuda);
  out.Set("cudaDeviceCount", devices);
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

/** enableStepProfile(on): turns the phase timer of decode runs on or off (engine/step_profile.h); resets it. */
Napi::Value EnableStepProfileJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsBoolean()) throw Napi::TypeError::New(env, "enableStepProfile(on: boolean)");
  EnableStepProfile(info[0].As<Napi::Boolean>().Value());
  return env.Undefined();
}

/** takeStepProfile(): { seconds: { <phase>: s }, stepCalls, stepRows } since the last call; resets them. */
Napi::Value TakeStepProfileJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const StepProfile p = TakeStepProfile();
  Napi::Object seconds = Napi::Object::New(env);
  for (size_t i = 0; i < p.seconds.size(); ++i) seconds.Set(kStepPhaseNames[i], p.seconds[i]);
  Napi::Object out = Napi::Object::New(env);
  out.Set("seconds", seconds);
  out.Set("stepCalls", static_cast<double>(p.step_calls));
  out.Set("stepRows", static_cast<double>(p.step_rows));
  return out;
}

}  // namespace

void InitRuntimeInfo(Napi::Env env, Napi::Object exports) {
  exports.Set("versions", Napi::Function::New(env, Versions, "versions"));
  exports.Set("setNumThreads", Napi::Function::New(env, SetNumThreads, "setNumThreads"));
  exports.Set("getNumThreads", Napi::Function::New(env, GetNumThreads, "getNumThreads"));
  exports.Set("tuneHeapForThroughput", Napi::Function::New(env, TuneHeapForThroughput, "tuneHeapForThroughput"));
  exports.Set("enableStepProfile", Napi::Function::New(env, EnableStepProfileJs, "enableStepProfile"));
  exports.Set("takeStepProfile", Napi::Function::New(env, TakeStepProfileJs, "takeStepProfile"));
}

}  // namespace neuroswipe
