// The TieReferee of one swipe in flight: the seed's loop's arithmetic, run on demand (search/tie_referee.h).
#pragma once

#include <torch/script.h>

#include <map>
#include <memory>
#include <vector>

#include "engine/round_runner.h"
#include "model/script_model.h"
#include "search/logits_processor.h"
#include "search/tie_referee.h"
#include "vocab/vocab_trie.h"

namespace neuroswipe {

/**
 * Computes log-probabilities exactly as the reference mode does for one swipe: the swipe encoded alone without a
 * padding mask, each prefix through `decode` whole (its last position), then ProcessedLogProbs.
 * The encoding happens on the first near tie only; every prefix's row is kept for the rest of the search.
 */
class SeedTieReferee : public TieReferee {
 public:
  /** `traj` `[S, F]` and `keys` `[S]` or `[S, K]` are the swipe's own rows (CPU); `trie` may be null. */
  SeedTieReferee(const ScriptModel& model, const std::vector<std::unique_ptr<LogitsProcessor>>& processors,
                 VocabScoring scoring, const VocabTrie* trie, torch::Tensor traj, torch::Tensor keys, int32_t n_classes,
                 DecodeStats& stats);

  const float* LogProbs(const std::vector<int32_t>& tokens, size_t length) override;
  void CountDecision() override { ++stats_.tie_decisions; }

 private:
  const ScriptModel& model_;
  const std::vector<std::unique_ptr<LogitsProcessor>>& processors_;
  VocabScoring scoring_;
  const VocabTrie* trie_;
  torch::Tensor traj_, keys_;
  int32_t n_classes_;
  DecodeStats& stats_;
  torch::Tensor memory_;  // [S, 1, D] once a tie needed it
  std::map<std::vector<int32_t>, std::vector<float>> rows_;
};

}  // namespace neuroswipe
