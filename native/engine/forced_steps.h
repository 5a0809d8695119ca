// Steps answered without the model: where the vocabulary mask allows exactly one token after a prefix, the
// masked log_softmax is known exactly whatever the logits, so the search can take that step at once.
#pragma once

#include <cstdint>
#include <vector>

#include "common/decode_stats.h"
#include "engine/round_runner.h"
#include "search/logits_processor.h"
#include "search/search_strategy.h"

namespace neuroswipe {

/** Answers forced steps for one decode (EngineOptions::skip_forced); its row buffers are reused. */
class ForcedStepAnswerer {
 public:
  explicit ForcedStepAnswerer(int32_t n_classes) : n_classes_(n_classes) {}

  /**
   * When `processor` forces a token after every prefix `search` requested (from `from` on), as the vocabulary
   * mask does on a node that allows exactly one token, answers them without the model and returns true: the
   * masked log_softmax is exactly 0 for that token and -inf for every other whatever the (finite) logits, so
   * the search takes the same step with the same score. The children's caches are deferred: `runner` computes
   * the skipped keys/values when a descendant needs them. Returns false, answering nothing, otherwise.
   */
  bool Answer(const LogitsProcessor& processor, RoundRunner& runner, SearchStrategy& search,
              const std::vector<const Hypothesis*>& prefixes, size_t from, int k, DecodeStats& stats);

 private:
  int32_t n_classes_;
  std::vector<float> lp_, top_values_;
  std::vector<int64_t> top_ids_;
};

}  // namespace neuroswipe
