// The seed's best-first beam search (docs/SEED.md §6.4): one hypothesis, the globally best partial, is
// expanded per round; finals are collected whenever <eos> appears; runs until no partial is left.
#include <algorithm>
#include <limits>

#include "search/search_common.h"
#include "search/tie_referee.h"

namespace neuroswipe {
namespace {

class BestFirstBeamSearch : public SearchStrategy {
 public:
  BestFirstBeamSearch(const SearchOptions& o, const ModelLimits& limits, const VocabTrie* trie)
      : o_(o), limits_(limits), trie_(trie), certificate_(o, limits, trie) {
    Hypothesis start;
    start.score = 0.0;
    start.tokens = {limits.sos};
    start.node = trie ? 0 : VocabTrie::kNoNode;
    partial_.push_back(std::move(start));
  }

  void Requests(std::vector<const Hypothesis*>& out) override {
    if (partial_.empty()) return;
    const bool refereed = referee_ && RefereeSelection();
    std::pop_heap(partial_.begin(), partial_.end(), HypothesisGreater());
    current_ = std::move(partial_.back());
    partial_.pop_back();
    // A refereed decision no longer depends on the engine's rounding: its gap is not a margin of the engine's.
    if (o_.margins && !refereed && !partial_.empty())
      KeepSmaller(margins_.select, partial_.front().score - current_.score);
    out.push_back(&current_);
  }

  void Consume(const StepRow* rows, size_t n) override {
    if (n != 1) return;
    StepRow row = rows[0];
    const bool refereed = referee_ && RefereeTopK(row);
    const size_t len = current_.tokens.size();
    if (o_.margins && !refereed) KeepSmaller(margins_.top_k, TopKMargin(row, limits_.n_classes));
    uint64_t taken = 0;
    for (int j = 0; j < row.k; ++j) {
      const float v = row.top_values[j];
      if (v == -std::numeric_limits<float>::infinity()) continue;
      if (static_cast<double>(v) <= o_.token_log_prob_floor) continue;  // pruning threshold (off: -inf)
      const auto token = static_cast<int32_t>(row.top_ids[j]);
      const double score = NextScore(current_.score, len, o_.normalization_factor, v);
      if (score > o_.score_ceiling) continue;  // pruning threshold (off: +inf)
      taken |= uint64_t{1} << token;
      Hypothesis h = Extend(current_, token, score, trie_, row.child_kv);
      if (token == limits_.eos || static_cast<int>(h.tokens.size()) - 1 >= o_.max_steps) {
        final_.push_back(ToCandidate(h.score, h.tokens));
      } else {
        partial_.push_back(std::move(h));
        std::push_heap(partial_.begin(), partial_.end(), HypothesisGreater());
      }
    }
    certificate_.Unexplored(current_, row.log_probs, taken);
    if (partial_.size() > static_cast<size_t>(o_.beam_size)) {
      std::sort(partial_.begin(), partial_.end(), HypothesisLess());
      const size_t beam = static_cast<size_t>(o_.beam_size);
      bool cut_refereed = false;
      if (referee_ && partial_[beam].score - partial_[beam - 1].score <= kSeedTieScoreMargin) {
        // The cut falls in a near tie: the partials around it get the seed's scores, and are cut by those.
        if (referee_->Rescore(partial_, partial_[beam - 1].score - kSeedTieScoreMargin,
                              partial_[beam].score + kSeedTieScoreMargin, o_.normalization_factor) > 0) {
          std::sort(partial_.begin(), partial_.end(), HypothesisLess());
        }
        referee_->CountDecision();
        cut_refereed = true;
      }
      if (o_.margins && !cut_refereed) KeepSmaller(margins_.prune, partial_[beam].score - partial_[beam - 1].score);
      for (size_t i = beam; i < partial_.size(); ++i) certificate_.Dropped(partial_[i]);
      partial_.resize(static_cast<size_t>(o_.beam_size));
      std::make_heap(partial_.begin(), partial_.end(), HypothesisGreater());
    }
  }

  bool Done() const override { return partial_.empty(); }

  /**
   * Before a pop: when the runner-up's score is within the tie margin of the best one, the partials in that
   * window get the seed's scores and the heap is rebuilt, so the pop takes the one the seed's loop takes.
   */
  bool RefereeSelection() {
    if (partial_.size() < 2) return false;
    const double best = partial_.front().score;
    double second = partial_[1].score;
    if (partial_.size() > 2) second = std::min(second, partial_[2].score);
    if (second - best > kSeedTieScoreMargin) return false;
    if (referee_->Rescore(partial_, best, best + kSeedTieScoreMargin, o_.normalization_factor) > 0) {
      std::make_heap(partial_.begin(), partial_.end(), HypothesisGreater());
    }
    referee_->CountDecision();
    return true;
  }

  /** When the top-k cut of the row falls in a near tie, the row is replaced by the seed's log-probabilities. */
  bool RefereeTopK(StepRow& row) {
    if (TopKMargin(row, limits_.n_classes) > kSeedTieLogProbMargin) return false;
    const float* lp = referee_->LogProbs(current_.tokens, current_.tokens.size());
    TopKOfRow(lp, limits_.n_classes, row.k, top_ids_, top_values_);
    row.log_probs = lp;
    row.top_ids = top_ids_.data();
    row.top_values = top_values_.data();
    row.k = static_cast<int>(top_ids_.size());
    referee_->CountDecision();
    return true;
  }

  std::vector<Candidate> TakeResults() override {
    certified_top_ = certificate_.CertifiedTop(final_);
    return std::move(final_);
  }

  int32_t CertifiedTop() const override { return certified_top_; }

 private:
  SearchOptions o_;
  ModelLimits limits_;
  const VocabTrie* trie_;
  std::vector<Hypothesis> partial_;  // min-heap under HypothesisLess
  Hypothesis current_;
  std::vector<Candidate> final_;
  Certificate certificate_;
  int32_t certified_top_ = -1;
  std::vector<int64_t> top_ids_;  // a refereed row's top k
  std::vector<float> top_values_;
};

}  // namespace

std::unique_ptr<SearchStrategy> MakeBestFirstBeamSearch(const SearchOptions& o, const ModelLimits& limits,
                                                        const VocabTrie* trie) {
  return std::make_unique<BestFirstBeamSearch>(o, limits, trie);
}

}  // namespace neuroswipe
