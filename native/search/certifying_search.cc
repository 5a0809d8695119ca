// A beam over the vocabulary that proves its first words: when the beam's certificate does not cover its
// `certify_top` best words, a branch-and-bound exact search (exact_vocab_search.h) starts from the words the beam
// finished and finds the vocabulary's true best `certify_top`, which then head the beam's list.
#include <algorithm>
#include <memory>
#include <utility>

#include "common/invariant.h"
#include "search/exact_vocab_search.h"
#include "search/search_common.h"

namespace neuroswipe {

std::unique_ptr<SearchStrategy> MakeBestFirstBeamSearch(const SearchOptions& o, const ModelLimits& limits,
                                                        const VocabTrie* trie);
std::unique_ptr<SearchStrategy> MakeSyncBeamSearch(const SearchOptions& o, const ModelLimits& limits,
                                                   const VocabTrie* trie);

namespace {

class CertifyingSearch : public SearchStrategy {
 public:
  CertifyingSearch(const SearchOptions& o, const ModelLimits& limits, const VocabTrie& trie,
                   std::unique_ptr<SearchStrategy> beam)
      : o_(o), limits_(limits), trie_(trie), beam_(std::move(beam)) {}

  void Requests(std::vector<const Hypothesis*>& out) override {
    if (exact_) {
      exact_->Requests(out);
    } else {
      beam_->Requests(out);
    }
  }

  void Consume(const StepRow* rows, size_t n) override {
    if (exact_) {
      exact_->Consume(rows, n);
      return;
    }
    beam_->Consume(rows, n);
    if (!beam_->Done()) return;
    margins_ = beam_->Margins();
    finals_ = beam_->TakeResults();
    certified_top_ = beam_->CertifiedTop();
    if (certified_top_ >= o_.certify_top) return;
    // The beam's words are offered first: the search only has to look where a better word could be.
    SearchOptions e = o_;
    e.generator = Generator::kExact;
    e.top_n = o_.certify_top;
    exact_ = std::make_unique<ExactVocabSearch>(e, limits_, trie_);
    for (const Candidate& c : finals_) exact_->Offer(c.score, c.tokens);
  }

  bool Done() const override { return beam_->Done() && (!exact_ || exact_->Done()); }

  std::vector<Candidate> TakeResults() override {
    if (!exact_) return std::move(finals_);
    std::vector<Candidate> best = exact_->TakeResults();
    certified_top_ = exact_->CertifiedTop();
    // The proven words (a beam's word among them keeps the beam's score), then the beam's others.
    for (Candidate& c : finals_) {
      const bool seen = std::any_of(best.begin(), best.begin() + certified_top_,
                                    [&](const Candidate& b) { return b.tokens == c.tokens; });
      if (!seen) best.push_back(std::move(c));
    }
    return best;
  }

  int32_t CertifiedTop() const override { return certified_top_; }

  void SetTieReferee(TieReferee* referee) override { beam_->SetTieReferee(referee); }

 private:
  SearchOptions o_;
  ModelLimits limits_;
  const VocabTrie& trie_;
  std::unique_ptr<SearchStrategy> beam_;
  std::unique_ptr<ExactVocabSearch> exact_;  // once the beam is done and its first words are not proven
  std::vector<Candidate> finals_;
  int32_t certified_top_ = -1;
};

}  // namespace

std::unique_ptr<SearchStrategy> MakeCertifyingSearch(const SearchOptions& o, const ModelLimits& limits,
                                                     const VocabTrie* trie) {
  NEUROSWIPE_ASSERT(trie != nullptr, "a certified beam needs a vocabulary trie");
  std::unique_ptr<SearchStrategy> beam =
      o.generator == Generator::kBeam ? MakeBestFirstBeamSearch(o, limits, trie) : MakeSyncBeamSearch(o, limits, trie);
  return std::make_unique<CertifyingSearch>(o, limits, *trie, std::move(beam));
}

}  // namespace neuroswipe
