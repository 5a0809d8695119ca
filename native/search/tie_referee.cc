#include "search/tie_referee.h"

#include <algorithm>
#include <numeric>

#include "search/search_common.h"

namespace neuroswipe {

double TieReferee::SeedScore(const Hypothesis& h, double normalization_factor) {
  double score = 0.0;
  for (size_t n = 1; n < h.tokens.size(); ++n) {
    const float v = LogProbs(h.tokens, n)[h.tokens[n]];
    score = NextScore(score, n, normalization_factor, v);
  }
  return score;
}

size_t TieReferee::Rescore(std::vector<Hypothesis>& hyps, double low, double high, double normalization_factor) {
  size_t count = 0;
  for (Hypothesis& h : hyps) {
    if (h.seed_scored || h.score < low || h.score > high) continue;
    h.score = SeedScore(h, normalization_factor);
    h.seed_scored = true;
    ++count;
  }
  return count;
}

void TopKOfRow(const float* log_probs, int32_t n_classes, int k, std::vector<int64_t>& ids,
               std::vector<float>& values) {
  std::vector<int64_t> order(static_cast<size_t>(n_classes));
  std::iota(order.begin(), order.end(), 0);
  const auto kk = static_cast<std::ptrdiff_t>(std::min<int>(k, n_classes));
  std::partial_sort(order.begin(), order.begin() + kk, order.end(), [&](int64_t a, int64_t b) {
    return log_probs[a] > log_probs[b] || (log_probs[a] == log_probs[b] && a < b);
  });
  ids.assign(order.begin(), order.begin() + kk);
  values.resize(ids.size());
  for (size_t j = 0; j < ids.size(); ++j) values[j] = log_probs[ids[j]];
}

}  // namespace neuroswipe
