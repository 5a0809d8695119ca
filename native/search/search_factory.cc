// The one place that maps a generator to its search.
#include "search/search_strategy.h"

namespace neuroswipe {

std::unique_ptr<SearchStrategy> MakeGreedySearch(const SearchOptions& o, const ModelLimits& limits,
                                                 const VocabTrie* trie);
std::unique_ptr<SearchStrategy> MakeBestFirstBeamSearch(const SearchOptions& o, const ModelLimits& limits,
                                                        const VocabTrie* trie);
std::unique_ptr<SearchStrategy> MakeSyncBeamSearch(const SearchOptions& o, const ModelLimits& limits,
                                                   const VocabTrie* trie);

int TopKFor(const SearchOptions& o) { return o.generator == Generator::kGreedy ? 0 : o.beam_size; }

std::unique_ptr<SearchStrategy> MakeSearchStrategy(const SearchOptions& o, const ModelLimits& limits,
                                                   const VocabTrie* trie) {
  switch (o.generator) {
    case Generator::kGreedy:
      return MakeGreedySearch(o, limits, trie);
    case Generator::kBeam:
      return MakeBestFirstBeamSearch(o, limits, trie);
    case Generator::kBeamSync:
      return MakeSyncBeamSearch(o, limits, trie);
  }
  return nullptr;
}

}  // namespace neuroswipe
