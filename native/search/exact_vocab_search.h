// Exact vocabulary scoring as a search, also the second phase of the hybrid search.
#pragma once

#include <memory>
#include <vector>

#include "search/search_strategy.h"

namespace neuroswipe {

/**
 * Scores every word of the trie under the given start prefixes with the beams' length-normalised score
 * (docs/SEED.md §6.4: −Σ log p / len^nf, `<sos>` and `<eos>` counted in len, computed incrementally in the same
 * order as the beams). The trie is walked depth first, so a prefix shared by many words is run through the
 * decoder once and its cache is shared by its children; each round asks for up to kExactRowsPerRound prefixes,
 * those the trie forces (one allowed token) first and alone, so that the driver may answer them without the
 * model. Keeps the best `top_n` words (all when 0), returned best first.
 */
class ExactVocabSearch : public SearchStrategy {
 public:
  /** Starts from `<sos>` alone: every word of the trie. */
  ExactVocabSearch(const SearchOptions& o, const ModelLimits& limits, const VocabTrie& trie);
  /** Starts from `prefixes` (each with its trie node, score and cache): the words of their subtrees. */
  ExactVocabSearch(const SearchOptions& o, const ModelLimits& limits, const VocabTrie& trie,
                   std::vector<Hypothesis> prefixes);

  void Requests(std::vector<const Hypothesis*>& out) override;
  void Consume(const StepRow* rows, size_t n) override;
  bool Done() const override;
  std::vector<Candidate> TakeResults() override;
  /** Every word was scored: all of its results are the vocabulary's best. */
  int32_t CertifiedTop() const override { return certified_top_; }

  /** Offers a finished word (tokens after `<sos>`, without `<eos>`) to the best top_n. */
  void Offer(double score, std::vector<int32_t> word);

 private:
  void Push(Hypothesis&& h);

  SearchOptions o_;
  ModelLimits limits_;
  const VocabTrie& trie_;
  std::vector<Hypothesis> open_;    // prefixes still to expand (a stack: depth first)
  std::vector<Hypothesis> forced_;  // prefixes whose node allows one token
  std::vector<Hypothesis> asked_;   // the prefixes of the last Requests, in order
  std::vector<Candidate> best_;     // a max-heap of the best words while searching (all words when top_n is 0)
  int32_t certified_top_ = -1;
};

}  // namespace neuroswipe
