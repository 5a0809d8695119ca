#include "vocab/vocab_trie.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <string>

namespace neuroswipe {

VocabTrie::VocabTrie(const std::vector<int32_t>& ids, const std::vector<int32_t>& offsets, int32_t eos) : eos_(eos) {
  if (eos < 0 || eos >= 64) throw std::invalid_argument("eos id must be in 0..63");
  if (offsets.empty() || offsets.front() != 0 || static_cast<size_t>(offsets.back()) != ids.size()) {
    throw std::invalid_argument("word offsets do not match the token ids");
  }
  const size_t n_words = offsets.size() - 1;
  for (size_t w = 0; w < n_words; ++w) {
    if (offsets[w + 1] < offsets[w]) throw std::invalid_argument("word offsets must not decrease");
  }
  for (size_t i = 0; i < ids.size(); ++i) {
    if (ids[i] < 0 || ids[i] >= 64 || ids[i] == eos) {
      throw std::invalid_argument("token id " + std::to_string(ids[i]) + " at position " + std::to_string(i) +
                                  " is not a letter id below 64");
    }
  }
  // Sort words lexicographically by ids; then every node's children appear in token order and a
  // breadth-first layout can be produced level by level from the sorted list.
  std::vector<int32_t> order(n_words);
  std::iota(order.begin(), order.end(), 0);
  auto word_less = [&](int32_t a, int32_t b) {
    return std::lexicographical_compare(ids.begin() + offsets[a], ids.begin() + offsets[a + 1],
                                        ids.begin() + offsets[b], ids.begin() + offsets[b + 1]);
  };
  std::sort(order.begin(), order.end(), word_less);
  words_ = n_words;

  // Level-by-level construction. A "group" is a run of sorted words sharing the node's prefix.
  struct Group {
    size_t begin, end;  // into `order`
  };
  std::vector<Group> level{{0, n_words}};
  mask_.clear();
  first_child_.clear();
  size_t depth = 0;
  while (!level.empty()) {
    const int32_t next_first = static_cast<int32_t>(mask_.size() + level.size());
    std::vector<Group> next;
    int32_t child_cursor = next_first;
    for (const Group& g : level) {
      uint64_t mask = 0;
      first_child_.push_back(child_cursor);
      size_t i = g.begin;
      while (i < g.end) {
        const int32_t w = order[i];
        const size_t len = static_cast<size_t>(offsets[w + 1] - offsets[w]);
        if (len == depth) {  // the word ends here
          mask |= uint64_t{1} << eos_;
          ++i;
          continue;
        }
        const int32_t t = ids[static_cast<size_t>(offsets[w]) + depth];
        size_t j = i + 1;
        while (j < g.end) {
          const int32_t w2 = order[j];
          if (static_cast<size_t>(offsets[w2 + 1] - offsets[w2]) <= depth ||
              ids[static_cast<size_t>(offsets[w2]) + depth] != t)
            break;
          ++j;
        }
        mask |= uint64_t{1} << t;
        next.push_back({i, j});
        ++child_cursor;
        i = j;
      }
      mask_.push_back(mask);
    }
    level.swap(next);
    ++depth;
  }
  mask_.shrink_to_fit();
  first_child_.shrink_to_fit();
  // Children always follow their parent in the breadth-first layout: one pass from the last node back.
  longest_.assign(mask_.size(), 0);
  for (size_t n = mask_.size(); n-- > 0;) {
    const int children = __builtin_popcountll(mask_[n] & ~(uint64_t{1} << eos_));
    for (int c = 0; c < children; ++c) {
      const size_t child = static_cast<size_t>(first_child_[n] + c);
      longest_[n] = std::max(longest_[n], longest_[child] + 1);
    }
  }
}

int32_t VocabTrie::child(int32_t n, int32_t t) const {
  if (n < 0 || t < 0 || t >= 64 || t == eos_) return kNoNode;
  const uint64_t m = mask_[static_cast<size_t>(n)];
  if (!(m >> t & 1)) return kNoNode;
  const uint64_t below = m & ((uint64_t{1} << t) - 1) & ~(uint64_t{1} << eos_);
  return first_child_[static_cast<size_t>(n)] + __builtin_popcountll(below);
}

}  // namespace neuroswipe
