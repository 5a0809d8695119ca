// The step trace (EngineOptions::trace_steps): per swipe, every row the model scored for it, in order, with
// its log-probabilities after the logits processors. For tests and tools that compare two engines step by step.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/round_runner.h"
#include "search/search_strategy.h"

namespace neuroswipe {

/** The rows the model scored for one swipe, in the order they were scored. */
struct StepTrace {
  std::vector<int32_t> tokens;      // the prefixes, concatenated
  std::vector<int32_t> offsets{0};  // prefix r is tokens[offsets[r] .. offsets[r+1])
  std::vector<float> log_probs;     // n_classes per prefix (after the logits processors)
};

/**
 * Appends each row of a scored round (`prefixes`: the requested ones, then the chains'; `log_probs`, n_classes
 * per row) to its swipe's trace: row r's slot is the round's, its swipe `slot_swipe[slot]`.
 */
void TraceRound(const Round& round, const std::vector<const Hypothesis*>& prefixes, const float* log_probs,
                int32_t n_classes, const std::vector<int64_t>& slot_swipe, std::vector<StepTrace>& traces);

}  // namespace neuroswipe
