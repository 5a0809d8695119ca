// Exact vocabulary scoring as a search, also the second phase of the hybrid search.
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <vector>

#include "search/search_strategy.h"

namespace neuroswipe {

/**
 * Finds the best `top_n` words of the trie under the given start prefixes (every word when 0), returned best
 * first, with the beams' length-normalised score (docs/SEED.md §6.4: −Σ log p / len^nf, `<sos>` and `<eos>`
 * counted in len, computed incrementally in the same order as the beams). A prefix shared by many words is run
 * through the decoder once and its cache is shared by its children; each round asks for up to
 * kExactRowsPerRound prefixes, those the trie forces (one allowed token) first and alone, so that the driver may
 * answer them without the model.
 *
 * Branch and bound (top_n > 0, nf ≥ 0): every step adds −log p ≥ 0 to a prefix's cost C = score · len^nf, so
 * no word below a prefix of `len` tokens, whose trie node has `longest` letters below it, scores under
 * C / (len + longest + 1)^nf (docs/SEARCH.md, "Certificate"). Once top_n words are found, a prefix whose bound
 * is above the worst of them is never expanded; the walk is depth first, each round's best-scoring child first,
 * so that good words, and with them the bound, are found early. The result is
 * the same as scoring every word (up to a relative 1e-9 kept for rounding), at a fraction of the rows.
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

  /**
   * Offers a word found elsewhere (a beam's, with its score; tokens after `<sos>`, without `<eos>`) to the best
   * top_n, before the search runs; the search keeps it once if it finds it again.
   */
  void Offer(double score, std::vector<int32_t> word);

 private:
  void Push(Hypothesis&& h);
  /** Keeps a finished word among the best top_n. */
  void Keep(double score, std::vector<int32_t> word);
  /** The score a word must beat to enter the best top_n (with a rounding slack); infinity until top_n are found. */
  double Incumbent() const;
  /** Whether no word below `h` can enter the best top_n (PrefixBound against Incumbent). */
  bool Pruned(const Hypothesis& h) const;

  SearchOptions o_;
  ModelLimits limits_;
  const VocabTrie& trie_;
  bool prune_;                              // branch and bound on (top_n > 0; nf >= 0 is validated)
  std::set<std::vector<int32_t>> offered_;  // the words given to Offer
  std::vector<Hypothesis> open_;            // prefixes still to expand (a stack: depth first)
  std::vector<Hypothesis> children_;        // the children of the last Consume, before they are pushed
  std::vector<Hypothesis> forced_;          // prefixes whose node allows one token
  std::vector<Hypothesis> asked_;           // the prefixes of the last Requests, in order
  std::vector<Candidate> best_;             // a max-heap of the best words while searching (all words when top_n is 0)
  int32_t certified_top_ = -1;
};

}  // namespace neuroswipe
