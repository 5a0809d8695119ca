// Process-wide facts about libtorch: version, where it was loaded from, CUDA build and runtime, threads.
#pragma once

#include <napi.h>

namespace neuroswipe {

/** Registers `versions()`, `setNumThreads(n)` and `getNumThreads()` on `exports`. */
void InitRuntimeInfo(Napi::Env env, Napi::Object exports);

}  // namespace neuroswipe
