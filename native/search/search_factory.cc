// The one place that maps a generator to its search.
#include "search/search_strategy.h"

namespace neuroswipe {

std::unique_ptr<SearchStrategy> MakeGreedySearch(const DecodingOptions& o, const VocabTrie* trie);
std::unique_ptr<SearchStrategy> MakeBestFirstBeamSearch(const DecodingOptions& o, const VocabTrie* trie);
std::unique_ptr<SearchStrategy> MakeSyncBeamSearch(const DecodingOptions& o, const VocabTrie* trie);

int TopKFor(const DecodingOptions& o) { return o.generator == Generator::kGreedy ? 0 : o.beam_size; }

std::unique_ptr<SearchStrategy> MakeSearchStrategy(const DecodingOptions& o, const VocabTrie* trie) {
  switch (o.generator) {
    case Generator::kGreedy:
      return MakeGreedySearch(o, trie);
    case Generator::kBeam:
      return MakeBestFirstBeamSearch(o, trie);
    case Generator::kBeamSync:
      return MakeSyncBeamSearch(o, trie);
  }
  return nullptr;
}

}  // namespace neuroswipe
