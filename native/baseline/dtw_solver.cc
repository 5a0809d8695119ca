// DtwSolver (see dtw_solver.h).
//
// Exactness. The seed computes, for every candidate word, the full accumulated-cost matrix
//   C[i][j] = ||a_i - b_j||^2 + min(C[i-1][j], C[i][j-1], C[i-1][j-1])
// in double precision and keeps the 4 smallest sqrt(C[n-1][m-1]) in a Python heapq of (-dtw, word),
// replacing the worst only on a strictly smaller value. Here the word's polyline runs along the rows
// and the swipe along the columns; the matrix is the transpose of the seed's and every cell holds the
// same double (the local cost and the three-way minimum are symmetric), so the result is identical.
//  * Prefix sharing: row r depends only on the first r + 1 polyline points, so consecutive words (in
//    the vocabulary's sorted order) reuse the rows of their common polyline prefix. The cells are
//    computed by the same operations in the same order as without sharing.
//  * Pruning: costs are >= 0 and rounding is monotone, so values never decrease along a path. Once k
//    candidates are held, with B the smallest double whose sqrt is >= the worst kept distance, a cell
//    >= B cannot lie on the path of a strictly better word: such cells are dropped (live windows per
//    row, see SolvePruned), and a row without a live cell ends the word and every later word sharing
//    that prefix, which the seed would not have let into the heap either.
//  * The heap operations of heapq are replayed exactly (baseline/heapq_top_k.h).
#include "baseline/dtw_solver.h"

#include <algorithm>
#include <cmath>
#include <limits>

#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

namespace neuroswipe {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

}  // namespace

uint64_t DtwSolver::Solve(size_t c, int32_t* words_out, double* dists_out) {
  const DtwGrid& g = in_.grids[in_.curve_grid[c]];
  const uint32_t p0 = in_.curve_offsets[c];
  const size_t m = in_.curve_offsets[c + 1] - p0;
  const int32_t* xs = in_.xs.data() + p0;
  const int32_t* ys = in_.ys.data() + p0;
  const size_t nkeys = g.cx.size();

  // Local costs, per key and swipe point: dx*dx + dy*dy in double.
  cost_.resize(nkeys * m);
  for (size_t key = 0; key < nkeys; ++key) {
    for (size_t j = 0; j < m; ++j) {
      const double dx = static_cast<double>(xs[j]) - g.cx[key];
      const double dy = static_cast<double>(ys[j]) - g.cy[key];
      cost_[key * m + j] = dx * dx + dy * dy;
    }
  }

  // Candidate range from the first hitbox (key order) containing the first point.
  uint32_t begin = g.fallback_begin, end = g.fallback_end;
  for (size_t key = 0; key < nkeys; ++key) {
    if (g.left[key] <= xs[0] && xs[0] < g.right[key] && g.top[key] <= ys[0] && ys[0] < g.bottom[key]) {
      begin = g.range_begin[key];
      end = g.range_end[key];
      break;
    }
  }

  HeapqTopK top(in_.k);
  const uint64_t cells = in_.prune ? SolvePruned(g, m, begin, end, top) : SolveFull(g, m, begin, end, top);
  const std::vector<TopKEntry> best = top.Result();
  for (uint32_t s = 0; s < in_.k; ++s) {
    words_out[s] = s < best.size() ? best[s].word : -1;
    dists_out[s] = s < best.size() ? -best[s].neg : std::numeric_limits<double>::quiet_NaN();
  }
  return cells;
}

uint64_t DtwSolver::SolveFull(const DtwGrid& g, size_t m, uint32_t begin, uint32_t end, HeapqTopK& top) {
  const size_t stride = m + 1;
  EnsureRows(2, stride);
  uint64_t cells = 0;
  for (uint32_t w = begin; w < end; ++w) {
    const uint16_t* keys = g.word_keys.data() + g.word_offsets[w];
    const size_t len = g.word_offsets[w + 1] - g.word_offsets[w];
    if (len == 0) continue;  // no letter on this keyboard: no polyline
    double* prev = rows_.data();
    double* cur = rows_.data() + stride;
    prev[0] = 0.0;
    std::fill(prev + 1, prev + stride, kInf);
    for (size_t r = 0; r < len; ++r) {
      const double* cost = cost_.data() + static_cast<size_t>(keys[r]) * m;
      cur[0] = kInf;
      for (size_t j = 0; j < m; ++j) cur[j + 1] = cost[j] + std::min(std::min(prev[j + 1], cur[j]), prev[j]);
      std::swap(prev, cur);
    }
    cells += len * m;
    top.Offer(std::sqrt(prev[m]), in_.word_rank[w], static_cast<int32_t>(w));
  }
  return cells;
}

// Prefix sharing, row pruning and cell pruning (see the top of this file).
//
// Cell pruning: let B be the smallest double with sqrt(B) >= the worst kept distance (B = inf while
// fewer than k are held). A cell whose value is >= B is "dead" and may be replaced by +inf. Stored
// values are then >= the true ones, and equal to them wherever the true value is < B (the cell's best
// predecessor is itself < B, hence exact). B only decreases, so stored rows stay valid. A word whose
// last cell is dead is not strictly better than the worst kept one, as in the seed; a row with no live
// cell kills the whole prefix. Each stored row keeps its live window [lo, hi) with +inf sentinels at
// lo - 1 and hi; column 0 is the boundary (0 in row 0, +inf below).
uint64_t DtwSolver::SolvePruned(const DtwGrid& g, size_t m, uint32_t begin, uint32_t end, HeapqTopK& top) {
  const size_t stride = m + 2;
  EnsureRows(1, stride);
  lo_.assign(1, 0);
  hi_.assign(1, 1);
  rows_[0] = 0.0;
  rows_[1] = kInf;
  double bound = kInf;
  uint64_t cells = 0;
  size_t stack_word = 0;  // the word whose polyline prefix the valid rows belong to
  size_t valid = 0;       // rows 1..valid are valid
  size_t pruned_at = 0;   // when > 0: row pruned_at has no live cell
  for (uint32_t w = begin; w < end; ++w) {
    const uint16_t* keys = g.word_keys.data() + g.word_offsets[w];
    const size_t len = g.word_offsets[w + 1] - g.word_offsets[w];
    if (len == 0) continue;  // no letter on this keyboard: no polyline
    const uint16_t* skeys = g.word_keys.data() + g.word_offsets[stack_word];
    const size_t lim = std::min(valid, len);
    size_t common = 0;
    while (common < lim && keys[common] == skeys[common]) ++common;
    if (pruned_at > 0 && common >= pruned_at) continue;
    pruned_at = 0;
    EnsureRows(len + 1, stride);
    if (lo_.size() < len + 1) {
      lo_.resize(len + 1);
      hi_.resize(len + 1);
    }
    stack_word = w;
    bool dead = false;
    for (size_t r = common; r < len && !dead; ++r) {
      const double* prev = rows_.data() + r * stride;
      double* cur = rows_.data() + (r + 1) * stride;
      const double* cost = cost_.data() + static_cast<size_t>(keys[r]) * m - 1;  // cost[k]: column k
      const size_t plo = lo_[r], phi = hi_[r];
      const size_t s = std::max<size_t>(plo, 1);
      cur[s - 1] = kInf;
      size_t nlo = 0, nhi = 0;
      size_t k = s;
      const size_t p1end = std::min(phi, m);
      for (; k <= p1end; ++k) {
        const double v = cost[k] + std::min(std::min(prev[k], cur[k - 1]), prev[k - 1]);
        cur[k] = v;
        if (v < bound) {
          if (nhi == 0) nlo = k;
          nhi = k + 1;
        }
      }
      for (; k <= m; ++k) {  // beyond the previous row's window only the left neighbour is live
        const double v = cost[k] + cur[k - 1];
        cur[k] = v;
        if (!(v < bound)) {
          ++k;
          break;
        }
        if (nhi == 0) nlo = k;
        nhi = k + 1;
      }
      cells += k - s;
      if (nhi == 0) {
        valid = r + 1;
        pruned_at = r + 1;
        dead = true;
        break;
      }
      cur[nlo - 1] = kInf;
      cur[nhi] = kInf;
      lo_[r + 1] = nlo;
      hi_[r + 1] = nhi;
    }
    if (dead) continue;
    valid = len;
    if (hi_[len] != m + 1) continue;  // the last cell is dead: not strictly better
    top.Offer(std::sqrt(rows_[len * stride + m]), in_.word_rank[w], static_cast<int32_t>(w));
    if (top.Full()) bound = SquaredBound(top.Worst());
  }
  return cells;
}

double DtwSolver::SquaredBound(double t) {
  double b = t * t;
  while (b > 0 && std::sqrt(std::nextafter(b, 0.0)) >= t) b = std::nextafter(b, 0.0);
  while (std::sqrt(b) < t) b = std::nextafter(b, kInf);
  return b;
}

}  // namespace neuroswipe
