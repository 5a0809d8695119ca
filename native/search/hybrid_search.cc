// The hybrid search: a level-synchronous beam over the vocabulary for the first `hybrid_steps` steps, then
// exact scoring of every vocabulary word under the prefixes the beam kept. Words the beam finished within
// those steps are kept with the exact phase's; the best `top_n` are returned. With 0 steps it is exact
// scoring; with at least max_steps it is beam-sync restricted to vocabulary words.
#include <algorithm>
#include <limits>
#include <memory>

#include "common/invariant.h"
#include "search/exact_vocab_search.h"
#include "search/search_common.h"

namespace neuroswipe {
namespace {

class HybridSearch : public SearchStrategy {
 public:
  HybridSearch(const SearchOptions& o, const ModelLimits& limits, const VocabTrie& trie)
      : o_(o), limits_(limits), trie_(trie), certificate_(o, limits, &trie) {
    Hypothesis start;
    start.tokens = {limits.sos};
    start.node = 0;
    live_.push_back(std::move(start));
    MaybeStartExact();
  }

  void Requests(std::vector<const Hypothesis*>& out) override {
    if (exact_) {
      exact_->Requests(out);
      return;
    }
    for (const auto& h : live_) out.push_back(&h);
  }

  void Consume(const StepRow* rows, size_t n) override {
    if (exact_) {
      exact_->Consume(rows, n);
      return;
    }
    std::vector<Hypothesis> expansions;
    for (size_t i = 0; i < n && i < live_.size(); ++i) {
      const Hypothesis& parent = live_[i];
      uint64_t taken = 0;
      for (int j = 0; j < rows[i].k; ++j) {
        const float v = rows[i].top_values[j];
        if (v == -std::numeric_limits<float>::infinity()) continue;
        const auto token = static_cast<int32_t>(rows[i].top_ids[j]);
        taken |= uint64_t{1} << token;
        expansions.push_back(Extend(parent, token,
                                    NextScore(parent.score, parent.tokens.size(), o_.normalization_factor, v), &trie_,
                                    rows[i].child_kv));
      }
      certificate_.Unexplored(parent, rows[i].log_probs, taken);
    }
    const size_t keep = std::min(expansions.size(), static_cast<size_t>(o_.beam_size));
    std::partial_sort(expansions.begin(), expansions.begin() + static_cast<std::ptrdiff_t>(keep), expansions.end(),
                      HypothesisLess());
    for (size_t i = keep; i < expansions.size(); ++i) certificate_.Dropped(expansions[i]);
    live_.clear();
    for (size_t i = 0; i < keep; ++i) {
      Hypothesis& h = expansions[i];
      if (h.tokens.back() == limits_.eos) {
        found_.push_back(Candidate{h.score, std::vector<int32_t>(h.tokens.begin() + 1, h.tokens.end() - 1)});
      } else if (static_cast<int>(h.tokens.size()) - 1 < o_.max_steps) {
        live_.push_back(std::move(h));  // (a prefix of max_steps letters can no longer end in a word)
      }
    }
    ++steps_;
    MaybeStartExact();
  }

  bool Done() const override { return exact_ && exact_->Done(); }

  std::vector<Candidate> TakeResults() override {
    std::vector<Candidate> results = exact_ ? exact_->TakeResults() : std::vector<Candidate>{};
    certified_top_ = certificate_.CertifiedTop(results);
    return results;
  }

  /** The exact phase scored every word under the kept prefixes; the beam phase's drops bound the rest. */
  int32_t CertifiedTop() const override { return certified_top_; }

 private:
  /** After hybrid_steps beam steps (or once the beam is empty), the exact phase takes the kept prefixes. */
  void MaybeStartExact() {
    if (exact_ || (steps_ < o_.hybrid_steps && !live_.empty())) return;
    exact_ = std::make_unique<ExactVocabSearch>(o_, limits_, trie_, std::move(live_));
    for (Candidate& c : found_) exact_->Offer(c.score, std::move(c.tokens));
    found_.clear();
    live_.clear();
  }

  SearchOptions o_;
  ModelLimits limits_;
  const VocabTrie& trie_;
  std::vector<Hypothesis> live_;
  std::vector<Candidate> found_;  // words the beam phase finished
  int steps_ = 0;
  std::unique_ptr<ExactVocabSearch> exact_;  // the exact phase, once started
  Certificate certificate_;
  int32_t certified_top_ = -1;
};

}  // namespace

std::unique_ptr<SearchStrategy> MakeHybridSearch(const SearchOptions& o, const ModelLimits& limits,
                                                 const VocabTrie* trie) {
  NEUROSWIPE_ASSERT(trie != nullptr, "the hybrid search needs a vocabulary trie");
  return std::make_unique<HybridSearch>(o, limits, *trie);
}

}  // namespace neuroswipe
