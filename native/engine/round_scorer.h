// Scoring one round: the model call through the round runner, then the logits processors; the
// log-probabilities and their top-k come back on the host, for the requested rows and then the chain rows.
#pragma once

#include <torch/script.h>

#include <memory>
#include <vector>

#include "common/decode_stats.h"
#include "engine/round_runner.h"
#include "engine/step_profile.h"
#include "search/logits_processor.h"

namespace neuroswipe {

/** A scored round, row r for prefix r: on the host, contiguous. */
struct ScoredRound {
  std::vector<KvCache> child_kv;  // the rows' caches (empty when caches are not used)
  torch::Tensor log_probs;        // [R, n_classes] float32
  torch::Tensor top_values;       // [R, k] float32 (undefined when k is 0)
  torch::Tensor top_ids;          // [R, k] int64 (undefined when k is 0)

  /** The first `count` rows (the requested prefixes') as the searches take them; `k` as in ScoreRound. */
  std::vector<StepRow> Rows(size_t count, int32_t n_classes, int k) const;
};

/**
 * One model call for `round` (RoundRunner::Logits), then `processors` under `scoring`. `prefixes` are the
 * round's requested prefixes followed by its chain prefixes (ChainRows::Prefixes). Checks the logits' shape
 * (a UserError otherwise), counts the call in `stats`, and moves `timer` to kScore once the model is done.
 */
ScoredRound ScoreRound(RoundRunner& runner, const std::vector<std::unique_ptr<LogitsProcessor>>& processors,
                       VocabScoring scoring, int32_t n_classes, const Round& round,
                       const std::vector<const Hypothesis*>& prefixes, int k, DecodeStats& stats, PhaseTimer& timer);

}  // namespace neuroswipe
