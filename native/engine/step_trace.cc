// TraceRound: a round's rows into the swipes' step traces.
#include "engine/step_trace.h"

namespace neuroswipe {

void TraceRound(const Round& round, const std::vector<const Hypothesis*>& prefixes, const float* log_probs,
                int32_t n_classes, const std::vector<int64_t>& slot_swipe, std::vector<StepTrace>& traces) {
  const size_t c = static_cast<size_t>(n_classes);
  std::vector<int64_t> slots = round.row_slot;
  for (size_t i = 0; i < round.ahead.size(); ++i) slots.insert(slots.end(), round.ahead[i].size(), round.row_slot[i]);
  for (size_t r = 0; r < prefixes.size(); ++r) {
    StepTrace& t = traces[static_cast<size_t>(slot_swipe[static_cast<size_t>(slots[r])])];
    const auto& tokens = prefixes[r]->tokens;
    t.tokens.insert(t.tokens.end(), tokens.begin(), tokens.end());
    t.offsets.push_back(static_cast<int32_t>(t.tokens.size()));
    t.log_probs.insert(t.log_probs.end(), log_probs + r * c, log_probs + (r + 1) * c);
  }
}

}  // namespace neuroswipe
