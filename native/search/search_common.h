// Pieces shared by the searches: the seed's score update, hypothesis ordering and extension.
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

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

/** Candidate order: score, then the tokens lexicographically (as HypothesisLess). */
struct CandidateLess {
  bool operator()(const Candidate& a, const Candidate& b) const {
    if (a.score < b.score) return true;
    if (b.score < a.score) return false;
    return a.tokens < b.tokens;
  }
};

/**
 * The lowest score of any word through a prefix of `len` tokens and cost `cost` (= score · len^nf) whose trie
 * node has `longest` letters below it (−1: only `<eos>` may follow, as after the prefix's own `<eos>`): every
 * step adds −log p ≥ 0 to the cost, and with nf ≥ 0 the longest word divides it most (docs/SEARCH.md,
 * "Certificate"). The one bound of the certificate and of the exact search's branch and bound.
 */
inline double PrefixBound(double cost, double len, double longest, double nf) {
  return cost / std::pow(len + longest + 1.0, nf);
}

/** PrefixBound of a hypothesis not ended by `<eos>`. */
inline double PrefixBound(const Hypothesis& h, const VocabTrie& trie, double nf) {
  const double len = static_cast<double>(h.tokens.size());
  return PrefixBound(h.score * std::pow(len, nf), len, trie.longest(h.node), nf);
}

/**
 * The exactness certificate of a search over a vocabulary (docs/SEARCH.md, "Certificate"): the smallest lower
 * bound on the score of any vocabulary word the search did not finish. Every step adds −log p ≥ 0 to a prefix's
 * cost C = score · len^nf, so a word through a prefix of `len` tokens whose trie node has `longest` letters below
 * it scores at least C / (len + longest + 1)^nf (nf ≥ 0). The finished words scoring below that bound are
 * then exactly the vocabulary's best, in order. Off (never certifies) without a trie or when the trie has a
 * word the search could not finish within max_steps.
 */
class Certificate {
 public:
  Certificate(const SearchOptions& o, const ModelLimits& limits, const VocabTrie* trie)
      : trie_(trie), nf_(o.normalization_factor), eos_(limits.eos), n_classes_(limits.n_classes),
        on_(trie != nullptr && trie->longest(0) + 1 <= o.max_steps) {}

  bool on() const { return on_; }

  /** A prefix the search dropped (or a finished word it dropped: its own score). */
  void Dropped(const Hypothesis& h) {
    if (!on_) return;
    if (h.tokens.back() == eos_) {
      Lower(h.score);
      return;
    }
    Lower(PrefixBound(h, *trie_, nf_));
  }

  /**
   * After a row of `parent` was read: every allowed continuation with a finite log-probability that the search
   * did not take (bit t of `taken` set when token t became a hypothesis or a finished word).
   */
  void Unexplored(const Hypothesis& parent, const float* log_probs, uint64_t taken) {
    if (!on_) return;
    uint64_t bits = trie_->allowed(parent.node) & ~taken;
    const double len = static_cast<double>(parent.tokens.size());
    const double cost = parent.score * std::pow(len, nf_);
    while (bits != 0) {
      const auto t = static_cast<int32_t>(__builtin_ctzll(bits));
      bits &= bits - 1;
      if (t >= n_classes_ || log_probs[t] == -std::numeric_limits<float>::infinity()) continue;
      const double child = cost - static_cast<double>(log_probs[t]);
      const double longest = t == eos_ ? -1.0 : static_cast<double>(trie_->longest(trie_->child(parent.node, t)));
      Lower(PrefixBound(child, len + 1.0, longest, nf_));
    }
  }

  /**
   * How many of `finals`, best first, are provably the vocabulary's best words in order: those scoring below the
   * bound, less a relative 1e-6 for rounding; −1 when off.
   */
  int32_t CertifiedTop(std::vector<Candidate> finals) const;

 private:
  void Lower(double b) { bound_ = std::min(bound_, b); }

  const VocabTrie* trie_;
  double nf_;
  int32_t eos_;
  int32_t n_classes_;
  bool on_;
  double bound_ = std::numeric_limits<double>::infinity();
};

inline int32_t Certificate::CertifiedTop(std::vector<Candidate> finals) const {
  if (!on_) return -1;
  std::sort(finals.begin(), finals.end(), CandidateLess());
  const double limit = std::isinf(bound_) ? bound_ : bound_ - 1e-6 * std::max(1.0, std::abs(bound_));
  int32_t k = 0;
  for (const Candidate& c : finals) {
    if (!(c.score < limit)) break;
    ++k;
  }
  return k;
}

/** The seed's returned text tokens: drop `<sos>` and the last token, whatever it is. */
inline Candidate ToCandidate(double score, const std::vector<int32_t>& tokens) {
  Candidate c{score, {}};
  if (tokens.size() > 2) c.tokens.assign(tokens.begin() + 1, tokens.end() - 1);
  return c;
}

}  // namespace neuroswipe
