// A beam over the vocabulary that proves its first words: when the beam's certificate does not cover its
// `certify_top` best words, a branch-and-bound exact search (exact_vocab_search.h) starts from the words the beam
// finished and finds the vocabulary's true best `certify_top`, which then head the beam's list. With
// `certify_rows` the proof stops after expanding that many prefixes: the best words it found so far head the
// list, and only what the beam's own certificate proved counts as certified.
#include <algorithm>
#include <cstddef>
#include <cstdint>
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
      if (!OverBudget()) exact_->Requests(out);
    } else {
      beam_->Requests(out);
    }
  }

  void Consume(const StepRow* rows, size_t n) override {
    if (exact_) {
      exact_->Consume(rows, n);
      proof_rows_ += static_cast<int64_t>(n);
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

  bool Done() const override { return beam_->Done() && (!exact_ || exact_->Done() || OverBudget()); }

  std::vector<Candidate> TakeResults() override {
    if (!exact_) return std::move(finals_);
    const bool proven = exact_->Done();
    std::vector<Candidate> best = exact_->TakeResults();
    // A proof cut short by certify_rows: its best words so far lead, proven only as far as the beam's
    // certificate went (those words cannot be beaten, so they head this list too).
    certified_top_ = proven ? exact_->CertifiedTop() : std::min(certified_top_, static_cast<int32_t>(best.size()));
    // The proof's words (a beam's word among them keeps the beam's score), then the beam's others.
    const auto lead = static_cast<std::ptrdiff_t>(best.size());
    for (Candidate& c : finals_) {
      const bool seen =
          std::any_of(best.begin(), best.begin() + lead, [&](const Candidate& b) { return b.tokens == c.tokens; });
      if (!seen) best.push_back(std::move(c));
    }
    return best;
  }

  int32_t CertifiedTop() const override { return certified_top_; }

  void SetTieReferee(TieReferee* referee) override { beam_->SetTieReferee(referee); }

 private:
  /** Whether the proof has expanded its certify_rows prefixes (never with 0, no limit). */
  bool OverBudget() const { return o_.certify_rows > 0 && proof_rows_ >= o_.certify_rows; }

  SearchOptions o_;
  ModelLimits limits_;
  const VocabTrie& trie_;
  std::unique_ptr<SearchStrategy> beam_;
  std::unique_ptr<ExactVocabSearch> exact_;  // once the beam is done and its first words are not proven
  std::vector<Candidate> finals_;
  int32_t certified_top_ = -1;
  int64_t proof_rows_ = 0;  // prefixes the proof has expanded
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
