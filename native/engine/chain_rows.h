// Forced chains scored ahead (model vocabulary scoring): the prefixes a requested prefix's trie forces next
// (one allowed letter, then the next, …) are scored in the same model call, and their rows are kept per slot
// until the slot's search requests those prefixes.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "engine/round_runner.h"
#include "engine/round_scorer.h"
#include "search/decoding_options.h"
#include "search/search_strategy.h"
#include "vocab/vocab_trie.h"

namespace neuroswipe {

/** A row scored ahead in a forced chain, kept until its prefix is requested. */
struct AheadRow {
  std::vector<float> log_probs, top_values;
  std::vector<int64_t> top_ids;
  KvCache child_kv;
};

/** The chain rows of one decode's slots. `trie` (may be null when no chain is ever scored) and `o` outlive it. */
class ChainRows {
 public:
  ChainRows(const VocabTrie* trie, const DecodingOptions& o) : trie_(trie), o_(o) {}

  /** Forgets every kept row; `slots` slots from now on. */
  void Reset(int slots);
  /** Forgets the rows kept for `slot` (its swipe finished). */
  void Clear(int slot) { ahead_[static_cast<size_t>(slot)].clear(); }
  /** The row kept for the prefix `tokens` of `slot`, taken out; none when it was not scored ahead. */
  std::optional<AheadRow> Take(int slot, const std::vector<int32_t>& tokens);

  /**
   * The tokens the trie forces after `h` (one allowed letter, then the next, …), up to the longest prefix a
   * search may still request: the chain scored with `h` in one model call. Stops before `<eos>`.
   */
  std::vector<int32_t> ChainOf(const Hypothesis& h) const;
  /** The chain prefixes of a round (Round::ahead), in the order of their rows after the requested ones. */
  std::vector<Hypothesis> Prefixes(const Round& round) const;
  /** Keeps each chain row of the round, scored with top-k `k`, for its slot (rows after the requested ones). */
  void Keep(const Round& round, const ScoredRound& scored, int k);

 private:
  const VocabTrie* trie_;
  const DecodingOptions& o_;
  // Per slot: chain rows scored ahead, by prefix tokens; dropped when the swipe finishes.
  std::vector<std::map<std::vector<int32_t>, AheadRow>> ahead_;
};

}  // namespace neuroswipe
