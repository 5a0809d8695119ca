// The one place that maps a generator to its search.
#include <algorithm>

#include "search/search_strategy.h"

namespace neuroswipe {

std::unique_ptr<SearchStrategy> MakeGreedySearch(const SearchOptions& o, const ModelLimits& limits,
                                                 const VocabTrie* trie);
std::unique_ptr<SearchStrategy> MakeBestFirstBeamSearch(const SearchOptions& o, const ModelLimits& limits,
                                                        const VocabTrie* trie);
std::unique_ptr<SearchStrategy> MakeSyncBeamSearch(const SearchOptions& o, const ModelLimits& limits,
                                                   const VocabTrie* trie);

std::unique_ptr<SearchStrategy> MakeExactVocabSearch(const SearchOptions& o, const ModelLimits& limits,
                                                     const VocabTrie* trie);
std::unique_ptr<SearchStrategy> MakeHybridSearch(const SearchOptions& o, const ModelLimits& limits,
                                                 const VocabTrie* trie);
std::unique_ptr<SearchStrategy> MakeCertifyingSearch(const SearchOptions& o, const ModelLimits& limits,
                                                     const VocabTrie* trie);

/** Whether a beam proves its first words (SearchOptions::certify_top). */
static bool Certifies(const SearchOptions& o) {
  return o.certify_top > 0 && (o.generator == Generator::kBeam || o.generator == Generator::kBeamSync);
}

int TopKFor(const SearchOptions& o) {
  return o.generator == Generator::kGreedy || o.generator == Generator::kExact ? 0 : o.beam_size;
}

int RequestsPerRound(const SearchOptions& o) {
  switch (o.generator) {
    case Generator::kBeamSync:
      return Certifies(o) ? std::max(o.beam_size, kExactRowsPerRound) : o.beam_size;
    case Generator::kExact:
      return kExactRowsPerRound;
    case Generator::kHybrid:
      return std::max(o.beam_size, kExactRowsPerRound);
    default:
      return Certifies(o) ? kExactRowsPerRound : 1;
  }
}

std::unique_ptr<SearchStrategy> MakeSearchStrategy(const SearchOptions& o, const ModelLimits& limits,
                                                   const VocabTrie* trie) {
  if (Certifies(o)) return MakeCertifyingSearch(o, limits, trie);
  switch (o.generator) {
    case Generator::kGreedy:
      return MakeGreedySearch(o, limits, trie);
    case Generator::kBeam:
      return MakeBestFirstBeamSearch(o, limits, trie);
    case Generator::kBeamSync:
      return MakeSyncBeamSearch(o, limits, trie);
    case Generator::kExact:
      return MakeExactVocabSearch(o, limits, trie);
    case Generator::kHybrid:
      return MakeHybridSearch(o, limits, trie);
  }
  return nullptr;
}

}  // namespace neuroswipe
