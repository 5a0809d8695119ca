// The generation vocabulary as a trie over token ids (docs/SEED.md §6.2).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace neuroswipe {

/**
 * Nodes are prefixes `<sos> c1 … ci`; node 0 is `<sos>` alone. Each node has a 64-bit mask of the tokens
 * allowed next (a letter that continues some word, or `<eos>` where a word ends). Children are stored in
 * flat arrays, ordered by token id, so the child for token `t` is `first_child[n] + popcount(mask below t)`.
 * Immutable once built; shared read-only by any number of concurrent searches.
 */
class VocabTrie {
 public:
  static constexpr int32_t kNoNode = -1;

  /**
   * Builds from words given as token ids without `<sos>`/`<eos>`: word `w` is
   * `ids[offsets[w] .. offsets[w+1])`. `eos` is the end token's id; every id must be < 64 and != eos.
   * Throws std::invalid_argument on bad ids.
   */
  VocabTrie(const std::vector<int32_t>& ids, const std::vector<int32_t>& offsets, int32_t eos);

  /** Tokens allowed after node `n` (bit t = token t). */
  uint64_t allowed(int32_t n) const { return mask_[static_cast<size_t>(n)]; }

  /** The node reached from `n` by token `t`, or kNoNode (also for `<eos>`). */
  int32_t child(int32_t n, int32_t t) const;

  /**
   * Letters of the longest word below node `n` after its prefix (0 when only `<eos>` follows): every word through
   * `n` ends within this many letters, which bounds a prefix's length-normalised score (docs/SEARCH.md,
   * "Certificate").
   */
  int32_t longest(int32_t n) const { return longest_[static_cast<size_t>(n)]; }

  size_t node_count() const { return mask_.size(); }
  size_t word_count() const { return words_; }
  size_t memory_bytes() const {
    return mask_.capacity() * sizeof(uint64_t) + first_child_.capacity() * sizeof(int32_t) +
           longest_.capacity() * sizeof(int32_t);
  }

 private:
  std::vector<uint64_t> mask_;
  std::vector<int32_t> first_child_;
  std::vector<int32_t> longest_;
  int32_t eos_;
  size_t words_ = 0;
};

}  // namespace neuroswipe
