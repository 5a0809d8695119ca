// Pieces shared by the searches: the seed's score update, hypothesis ordering and extension.
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>

#include "search/search_strategy.h"

namespace neuroswipe {

/**
 * The seed's incremental length-normalised score (docs/SEED.md §6.4), in double and in exactly this order:
 * `(s · n^nf − v) / (n + 1)^nf`, where `n` counts `<sos>` and every token of the parent.
 */
inline double NextScore(double parent_score, size_t parent_len, double nf, float log_prob) {
  const double n = static_cast<double>(parent_len);
  return (parent_score * std::pow(n, nf) - static_cast<double>(log_prob)) / std::pow(n + 1.0, nf);
}

/** Python tuple order of `(score, token_list)`: score, then the token lists lexicographically. */
struct HypothesisLess {
  bool operator()(const Hypothesis& a, const Hypothesis& b) const {
    if (a.score < b.score) return true;
    if (b.score < a.score) return false;
    return a.tokens < b.tokens;
  }
};

/** Greater-than of HypothesisLess, for std::*_heap min-heaps. */
struct HypothesisGreater {
  bool operator()(const Hypothesis& a, const Hypothesis& b) const { return HypothesisLess()(b, a); }
};

/** `parent + [token]` with the new score, trie node and (incremental decoding) the children's cache. */
inline Hypothesis Extend(const Hypothesis& parent, int32_t token, double score, const VocabTrie* trie,
                         const KvCache& child_kv) {
  Hypothesis h;
  h.kv = child_kv;
  h.score = score;
  h.tokens.reserve(parent.tokens.size() + 1);
  h.tokens = parent.tokens;
  h.tokens.push_back(token);
  h.node = trie ? trie->child(parent.node, token) : VocabTrie::kNoNode;
  return h;
}

/**
 * The top-k cut's margin of one row: the k-th best log-probability minus the best one outside the top k
 * (infinity when either side is -inf or every class is taken). With k = 0 (greedy) the cut is after the best.
 */
inline double TopKMargin(const StepRow& row, int32_t n_classes) {
  const double inf = std::numeric_limits<double>::infinity();
  const float* lp = row.log_probs;
  float taken, left = -std::numeric_limits<float>::infinity();
  if (row.k == 0) {
    int32_t best = 0;  // as GreedySearch: first index on ties
    for (int32_t c = 1; c < n_classes; ++c) {
      if (lp[c] > lp[best]) best = c;
    }
    taken = lp[best];
    for (int32_t c = 0; c < n_classes; ++c) {
      if (c != best) left = std::max(left, lp[c]);
    }
  } else {
    if (row.k >= n_classes) return inf;
    taken = row.top_values[row.k - 1];
    uint64_t in_top = 0;
    for (int j = 0; j < row.k; ++j) in_top |= uint64_t{1} << row.top_ids[j];
    for (int32_t c = 0; c < n_classes; ++c) {
      if (!((in_top >> c) & 1)) left = std::max(left, lp[c]);
    }
  }
  const float minus_inf = -std::numeric_limits<float>::infinity();
  if (taken == minus_inf || left == minus_inf) return inf;
  return static_cast<double>(taken) - static_cast<double>(left);
}

/** Lowers `margin` to `gap` when `gap` is smaller. */
inline void KeepSmaller(double& margin, double gap) { margin = std::min(margin, gap); }

/** The seed's returned text tokens: drop `<sos>` and the last token, whatever it is. */
inline Candidate ToCandidate(double score, const std::vector<int32_t>& tokens) {
  Candidate c{score, {}};
  if (tokens.size() > 2) c.tokens.assign(tokens.begin() + 1, tokens.end() - 1);
  return c;
}

}  // namespace neuroswipe
