// ScoreRound: a round's model call and its log-probabilities; the rows the searches take from it.
#include "engine/round_scorer.h"

#include <string>

#include "common/native_error.h"
#include "model/shape_string.h"

namespace neuroswipe {

ScoredRound ScoreRound(RoundRunner& runner, const std::vector<std::unique_ptr<LogitsProcessor>>& processors,
                       VocabScoring scoring, int32_t n_classes, const Round& round,
                       const std::vector<const Hypothesis*>& prefixes, int k, DecodeStats& stats, PhaseTimer& timer) {
  ScoredRound out;
  const int64_t r = static_cast<int64_t>(prefixes.size());
  torch::Tensor logits = runner.Logits(round, out.child_kv, stats);
  timer.Next(StepPhase::kScore);
  ++stats.decode_calls;
  stats.decode_rows += r;
  stats.chain_rows += r - static_cast<int64_t>(round.prefixes.size());
  if (logits.dim() != 2 || logits.size(0) != r || logits.size(1) != n_classes) {
    throw UserError("the decoder returned logits of shape " + ShapeString(logits) + ", expected [" + std::to_string(r) +
                    ", " + std::to_string(n_classes) + "] (n_classes)");
  }
  torch::Tensor lp = ProcessedLogProbs(logits.to(torch::kFloat32), prefixes, processors, scoring);
  out.log_probs = lp.to(torch::kCPU).contiguous();
  if (k > 0) {
    auto top = torch::topk(lp, k, 1);
    out.top_values = std::get<0>(top).to(torch::kCPU).contiguous();
    out.top_ids = std::get<1>(top).to(torch::kCPU).contiguous();
  }
  return out;
}

std::vector<StepRow> ScoredRound::Rows(size_t count, int32_t n_classes, int k) const {
  const float* lp = log_probs.data_ptr<float>();
  const float* tv = k > 0 ? top_values.data_ptr<float>() : nullptr;
  const int64_t* ti = k > 0 ? top_ids.data_ptr<int64_t>() : nullptr;
  std::vector<StepRow> rows(count);
  for (size_t r = 0; r < rows.size(); ++r) {
    rows[r] = StepRow{lp + r * n_classes, tv ? tv + r * k : nullptr, ti ? ti + r * k : nullptr, k,
                      r < child_kv.size() ? child_kv[r] : nullptr};
  }
  return rows;
}

}  // namespace neuroswipe
