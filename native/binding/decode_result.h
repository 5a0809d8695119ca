// A decode's result as JS receives it (see decode_binding.h): laid out flat on the worker thread, then handed
// to JS without a copy.
#pragma once

#include <napi.h>

#include <cstdint>
#include <vector>

#include "common/decode_stats.h"
#include "engine/driver.h"

namespace neuroswipe {

/** A decode's result laid out as JS receives it. */
struct FlatDecodeOutput {
  std::vector<int32_t> counts;
  std::vector<double> scores;
  std::vector<int32_t> offsets;
  std::vector<int32_t> tokens;
  /** With the margins option: per swipe top-k, prune, select (infinity where the search never had that decision). */
  std::vector<double> margins;
  /** Per swipe: how many candidates, best first, are certified the vocabulary's best (−1: no certificate). */
  std::vector<int32_t> certified_top;
  /** With the traceSteps option: per swipe its row count, then the rows' prefixes and log-probabilities. */
  std::vector<int32_t> trace_counts, trace_offsets, trace_tokens;
  std::vector<float> trace_log_probs;
  DecodeStats stats;
};

/** Lays the candidates out flat; runs on the worker thread, so the main thread has nothing to convert. */
FlatDecodeOutput Flatten(DecodeOutput&& out);

/** Wraps the flat result for JS (main thread): the arrays are adopted, only the counters are built here. */
Napi::Object ToJs(Napi::Env env, FlatDecodeOutput& out);

}  // namespace neuroswipe
