// Near ties in the seed's searches, decided by the seed's own arithmetic.
//
// The engine's steps (built-in, TorchScript decode_step, batched full prefixes) compute the seed's function up
// to float32 rounding, a few 1e-6 of a score. The seed's best-first beam and greedy searches compare scores and
// log-probabilities directly, so where two sides of a decision are closer than that rounding, which side wins
// depends on the arithmetic, not on the model: the seed's own loop returns different lists for one swipe on
// CPUs whose BLAS kernels differ (docs/SEED.md §6.7). A referee recomputes the values on both sides of
// such a decision exactly as the seed's loop does (the swipe encoded alone, the whole prefix through `decode`,
// the logits processors, log_softmax), so the engine decides every near tie as the seed's loop does on the same
// machine.
#pragma once

#include <cstdint>
#include <vector>

#include "search/search_strategy.h"

namespace neuroswipe {

/**
 * Score gaps at or below this are decided by the referee. Measured on random-initialised and trained models with
 * both OpenBLAS kernel families (AVX2, AVX-512), an engine path's score of a hypothesis is within 4.7e-6 of the
 * seed's loop's (docs/SEED.md §6.7); two such errors stay below this.
 */
constexpr double kSeedTieScoreMargin = 1e-5;
/** Log-probability gaps at or below this are decided by the referee (one row's entries differ by up to 1.4e-5). */
constexpr double kSeedTieLogProbMargin = 3e-5;

/** The seed's arithmetic for one swipe's near ties. */
class TieReferee {
 public:
  virtual ~TieReferee() = default;

  /**
   * The log-probabilities (n_classes values; masked tokens −inf) the seed's loop computes after the first
   * `length` tokens of `tokens` (which start with `<sos>`). Valid until the next call.
   */
  virtual const float* LogProbs(const std::vector<int32_t>& tokens, size_t length) = 0;

  /** Counts one decision re-decided (for DecodeStats::tie_decisions). */
  virtual void CountDecision() = 0;

  /** `h`'s score as the seed's loop accumulates it: NextScore over the seed's log-probabilities of each token. */
  double SeedScore(const Hypothesis& h, double normalization_factor);

  /**
   * Rescores, by SeedScore, every hypothesis of `hyps` that is not seed-scored yet and whose score lies in
   * [low, high]; marks them seed-scored. Returns how many it rescored.
   */
  size_t Rescore(std::vector<Hypothesis>& hyps, double low, double high, double normalization_factor);
};

/**
 * The `k` best tokens of a log-probability row, descending by value, lower id first among equal values
 * (`ids`, `values` of size k).
 */
void TopKOfRow(const float* log_probs, int32_t n_classes, int k, std::vector<int64_t>& ids, std::vector<float>& values);

}  // namespace neuroswipe
