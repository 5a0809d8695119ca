// The DTW baseline's work for one swipe: the accumulated-cost matrix of every candidate word, in full as the seed
// computes it, or with prefix sharing and pruning (same numbers, see dtw_solver.cc).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "baseline/dtw_baseline.h"
#include "baseline/heapq_top_k.h"

namespace neuroswipe {

/** The DTW of one swipe against its candidate words; holds per-thread scratch space, so one per thread. */
class DtwSolver {
 public:
  explicit DtwSolver(const DtwBaselineInput& in) : in_(in) {}

  /**
   * Swipe `c`'s best in_.k words (index, -1 when fewer) into `words_out` and their distances (NaN when
   * fewer) into `dists_out`, ascending; returns the matrix cells computed.
   */
  uint64_t Solve(size_t c, int32_t* words_out, double* dists_out);

 private:
  /** Every candidate's full matrix, as the seed computes it. */
  uint64_t SolveFull(const DtwGrid& g, size_t m, uint32_t begin, uint32_t end, HeapqTopK& top);
  /** Prefix sharing, row pruning and cell pruning (see dtw_solver.cc). */
  uint64_t SolvePruned(const DtwGrid& g, size_t m, uint32_t begin, uint32_t end, HeapqTopK& top);
  /** The smallest double b with sqrt(b) >= t. */
  static double SquaredBound(double t);
  void EnsureRows(size_t nrows, size_t stride) {
    if (rows_.size() < nrows * stride) rows_.resize(nrows * stride);
  }

  const DtwBaselineInput& in_;
  std::vector<double> cost_;
  std::vector<double> rows_;
  std::vector<size_t> lo_, hi_;
};

}  // namespace neuroswipe
