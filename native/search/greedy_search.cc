// Greedy decoding (docs/SEED.md §6.3).
#include "search/search_common.h"
#include "search/tie_referee.h"

namespace neuroswipe {
namespace {

class GreedySearch : public SearchStrategy {
 public:
  GreedySearch(const SearchOptions& o, const ModelLimits& limits, const VocabTrie* trie)
      : o_(o), limits_(limits), trie_(trie) {
    current_.tokens = {limits.sos};
    current_.node = trie ? 0 : VocabTrie::kNoNode;
  }

  void Requests(std::vector<const Hypothesis*>& out) override {
    if (!done_) out.push_back(&current_);
  }

  void Consume(const StepRow* rows, size_t n) override {
    if (n != 1) return;
    const float* lp = rows[0].log_probs;
    const double margin = TopKMargin(rows[0], limits_.n_classes);
    if (referee_ && margin <= kSeedTieLogProbMargin) {
      // The argmax is a near tie: the seed's log-probabilities decide it (search/tie_referee.h), and the gap
      // is no margin of the engine's.
      lp = referee_->LogProbs(current_.tokens, current_.tokens.size());
      referee_->CountDecision();
    } else if (o_.margins) {
      KeepSmaller(margins_.top_k, margin);
    }
    int32_t best = 0;  // argmax, first index on ties
    for (int32_t c = 1; c < limits_.n_classes; ++c) {
      if (lp[c] > lp[best]) best = c;
    }
    logp_sum_ += static_cast<double>(lp[best]);
    const int32_t parent_node = current_.node;
    current_.tokens.push_back(best);
    current_.node = trie_ ? trie_->child(parent_node, best) : VocabTrie::kNoNode;
    current_.kv = rows[0].child_kv;
    ++steps_;
    if (best == limits_.eos || steps_ >= o_.max_steps) done_ = true;
  }

  bool Done() const override { return done_; }

  std::vector<Candidate> TakeResults() override { return {ToCandidate(-logp_sum_, current_.tokens)}; }

 private:
  SearchOptions o_;
  ModelLimits limits_;
  const VocabTrie* trie_;
  Hypothesis current_;
  double logp_sum_ = 0.0;
  int steps_ = 0;
  bool done_ = false;
};

}  // namespace

std::unique_ptr<SearchStrategy> MakeGreedySearch(const SearchOptions& o, const ModelLimits& limits,
                                                 const VocabTrie* trie) {
  return std::make_unique<GreedySearch>(o, limits, trie);
}

}  // namespace neuroswipe
