// A level-synchronous beam search: every live hypothesis is advanced each round; the best `beam_size`
// expansions (by the seed's normalised score) survive; those ending in <eos> or reaching the step limit
// are final. Faster than the seed's best-first search (fewer rounds), results may differ from it.
#include <algorithm>
#include <limits>

#include "search/search_common.h"

namespace neuroswipe {
namespace {

class SyncBeamSearch : public SearchStrategy {
 public:
  SyncBeamSearch(const SearchOptions& o, const ModelLimits& limits, const VocabTrie* trie)
      : o_(o), limits_(limits), trie_(trie), certificate_(o, limits, trie) {
    Hypothesis start;
    start.tokens = {limits.sos};
    start.node = trie ? 0 : VocabTrie::kNoNode;
    live_.push_back(std::move(start));
  }

  void Requests(std::vector<const Hypothesis*>& out) override {
    for (const auto& h : live_) out.push_back(&h);
  }

  void Consume(const StepRow* rows, size_t n) override {
    std::vector<Hypothesis> expansions;
    expansions.reserve(n * static_cast<size_t>(o_.beam_size));
    for (size_t i = 0; i < n && i < live_.size(); ++i) {
      const Hypothesis& parent = live_[i];
      if (o_.margins) KeepSmaller(margins_.top_k, TopKMargin(rows[i], limits_.n_classes));
      uint64_t taken = 0;
      for (int j = 0; j < rows[i].k; ++j) {
        const float v = rows[i].top_values[j];
        if (v == -std::numeric_limits<float>::infinity()) continue;
        if (static_cast<double>(v) <= o_.token_log_prob_floor) continue;  // pruning threshold (off: -inf)
        const auto token = static_cast<int32_t>(rows[i].top_ids[j]);
        const double score = NextScore(parent.score, parent.tokens.size(), o_.normalization_factor, v);
        if (score > o_.score_ceiling) continue;  // pruning threshold (off: +inf)
        taken |= uint64_t{1} << token;
        expansions.push_back(Extend(parent, token, score, trie_, rows[i].child_kv));
      }
      certificate_.Unexplored(parent, rows[i].log_probs, taken);
    }
    const size_t keep = std::min(expansions.size(), static_cast<size_t>(o_.beam_size));
    std::partial_sort(expansions.begin(), expansions.begin() + static_cast<std::ptrdiff_t>(keep), expansions.end(),
                      HypothesisLess());
    if (o_.margins && keep > 0 && expansions.size() > keep) {
      double dropped = std::numeric_limits<double>::infinity();
      for (size_t i = keep; i < expansions.size(); ++i) dropped = std::min(dropped, expansions[i].score);
      KeepSmaller(margins_.prune, dropped - expansions[keep - 1].score);
    }
    for (size_t i = keep; i < expansions.size(); ++i) certificate_.Dropped(expansions[i]);
    live_.clear();
    for (size_t i = 0; i < keep; ++i) {
      Hypothesis& h = expansions[i];
      if (h.tokens.back() == limits_.eos || static_cast<int>(h.tokens.size()) - 1 >= o_.max_steps) {
        final_.push_back(ToCandidate(h.score, h.tokens));
      } else {
        live_.push_back(std::move(h));
      }
    }
  }

  bool Done() const override { return live_.empty(); }

  std::vector<Candidate> TakeResults() override {
    certified_top_ = certificate_.CertifiedTop(final_);
    return std::move(final_);
  }

  int32_t CertifiedTop() const override { return certified_top_; }

 private:
  SearchOptions o_;
  ModelLimits limits_;
  const VocabTrie* trie_;
  std::vector<Hypothesis> live_;
  std::vector<Candidate> final_;
  Certificate certificate_;
  int32_t certified_top_ = -1;
};

}  // namespace

std::unique_ptr<SearchStrategy> MakeSyncBeamSearch(const SearchOptions& o, const ModelLimits& limits,
                                                   const VocabTrie* trie) {
  return std::make_unique<SyncBeamSearch>(o, limits, trie);
}

}  // namespace neuroswipe
