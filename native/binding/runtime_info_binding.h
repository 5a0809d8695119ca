// Process-wide facts about libtorch: version, CUDA, threads.
#pragma once

#include <napi.h>

namespace neuroswipe {

/** Registers `versions()`, `setNumThreads(n)` and `getNumThreads()` on `exports`. */
void InitRuntimeInfo(Napi::Env env, Napi::Object exports);

}  // namespace neuroswipe
