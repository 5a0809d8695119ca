// The DTW baseline for JS, run off the event loop.
#pragma once

#include <napi.h>

namespace neuroswipe {

/** Registers `dtwBaseline(input): Promise<{ words, dists, cells }>` (see baseline/dtw_baseline.h). */
void InitDtwBaseline(Napi::Env env, Napi::Object exports);

}  // namespace neuroswipe
