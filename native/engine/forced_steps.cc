// ForcedStepAnswerer: the exact rows of forced steps.
#include "engine/forced_steps.h"

#include <limits>
#include <optional>

namespace neuroswipe {

bool ForcedStepAnswerer::Answer(const LogitsProcessor& processor, RoundRunner& runner, SearchStrategy& search,
                                const std::vector<const Hypothesis*>& prefixes, size_t from, int k,
                                DecodeStats& stats) {
  const size_t count = prefixes.size() - from;
  std::vector<int32_t> tokens(count);
  for (size_t i = 0; i < count; ++i) {
    const std::optional<int32_t> forced = processor.ForcedToken(*prefixes[from + i]);
    if (!forced) return false;
    tokens[i] = *forced;
  }
  const float minus_inf = -std::numeric_limits<float>::infinity();
  const size_t c = static_cast<size_t>(n_classes_);
  lp_.assign(count * c, minus_inf);
  top_values_.assign(count * static_cast<size_t>(k), minus_inf);
  top_ids_.resize(count * static_cast<size_t>(k));
  std::vector<StepRow> rows(count);
  for (size_t i = 0; i < count; ++i) {
    const int32_t t = tokens[i];
    lp_[i * c + static_cast<size_t>(t)] = 0.0f;
    int64_t* ids = top_ids_.data() + i * static_cast<size_t>(k);
    // The one finite value first, then -inf entries (every search skips those) with the other ids in order.
    if (k > 0) {
      ids[0] = t;
      top_values_[i * static_cast<size_t>(k)] = 0.0f;
    }
    for (int j = 1, next = 0; j < k; ++j, ++next) {
      if (next == t) ++next;
      ids[j] = next;
    }
    rows[i] = StepRow{lp_.data() + i * c, k > 0 ? top_values_.data() + i * static_cast<size_t>(k) : nullptr,
                      k > 0 ? ids : nullptr, k, runner.Defer(*prefixes[from + i])};
  }
  search.Consume(rows.data(), count);
  stats.forced_steps += static_cast<int64_t>(count);
  return true;
}

}  // namespace neuroswipe
