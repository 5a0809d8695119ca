// The official DTW baseline (see dtw_baseline.h).
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
//  * The heap operations of heapq (_siftdown/_siftup) are replayed exactly, with words compared by
//    their code-point rank, so that ties come out in the seed's order.
#include "baseline/dtw_baseline.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <limits>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

namespace neuroswipe {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

struct Entry {
  double neg;  // -dtw
  uint32_t rank;
  int32_t word;
};

inline bool Less(const Entry& a, const Entry& b) {
  if (a.neg != b.neg) return a.neg < b.neg;
  return a.rank < b.rank;
}

// Python heapq's bounded selection of the k smallest distances.
class TopK {
 public:
  explicit TopK(uint32_t k) : k_(k) { heap_.reserve(k); }

  bool Full() const { return heap_.size() >= k_; }
  double Worst() const { return -heap_[0].neg; }

  void Offer(double dtw, uint32_t rank, int32_t word) {
    if (heap_.size() < k_) {
      heap_.push_back({-dtw, rank, word});
      SiftDown(0, heap_.size() - 1);
    } else if (k_ > 0 && dtw < -heap_[0].neg) {
      heap_[0] = {-dtw, rank, word};
      SiftUp(0);
    }
  }

  // Ascending distance, stable over the heap's array order.
  std::vector<Entry> Result() const {
    std::vector<Entry> out = heap_;
    std::stable_sort(out.begin(), out.end(), [](const Entry& a, const Entry& b) { return -a.neg < -b.neg; });
    return out;
  }

 private:
  void SiftDown(size_t startpos, size_t pos) {
    Entry item = heap_[pos];
    while (pos > startpos) {
      size_t parentpos = (pos - 1) >> 1;
      if (Less(item, heap_[parentpos])) {
        heap_[pos] = heap_[parentpos];
        pos = parentpos;
        continue;
      }
      break;
    }
    heap_[pos] = item;
  }

  void SiftUp(size_t pos) {
    size_t endpos = heap_.size();
    size_t startpos = pos;
    Entry item = heap_[pos];
    size_t childpos = 2 * pos + 1;
    while (childpos < endpos) {
      size_t rightpos = childpos + 1;
      if (rightpos < endpos && !Less(heap_[childpos], heap_[rightpos])) childpos = rightpos;
      heap_[pos] = heap_[childpos];
      pos = childpos;
      childpos = 2 * pos + 1;
    }
    heap_[pos] = item;
    SiftDown(startpos, pos);
  }

  uint32_t k_;
  std::vector<Entry> heap_;
};

// Per-thread scratch space and the work for one swipe.
class Solver {
 public:
  explicit Solver(const DtwBaselineInput& in) : in_(in) {}

  uint64_t Solve(size_t c, int32_t* words_out, double* dists_out) {
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

    TopK top(in_.k);
    const uint64_t cells = in_.prune ? SolvePruned(g, m, begin, end, top) : SolveFull(g, m, begin, end, top);
    const std::vector<Entry> best = top.Result();
    for (uint32_t s = 0; s < in_.k; ++s) {
      words_out[s] = s < best.size() ? best[s].word : -1;
      dists_out[s] = s < best.size() ? -best[s].neg : std::numeric_limits<double>::quiet_NaN();
    }
    return cells;
  }

 private:
  // Every candidate's full matrix, as the seed computes it.
  uint64_t SolveFull(const DtwGrid& g, size_t m, uint32_t begin, uint32_t end, TopK& top) {
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
  uint64_t SolvePruned(const DtwGrid& g, size_t m, uint32_t begin, uint32_t end, TopK& top) {
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

  // The smallest double b with sqrt(b) >= t.
  static double SquaredBound(double t) {
    double b = t * t;
    while (b > 0 && std::sqrt(std::nextafter(b, 0.0)) >= t) b = std::nextafter(b, 0.0);
    while (std::sqrt(b) < t) b = std::nextafter(b, kInf);
    return b;
  }

  void EnsureRows(size_t nrows, size_t stride) {
    if (rows_.size() < nrows * stride) rows_.resize(nrows * stride);
  }

  const DtwBaselineInput& in_;
  std::vector<double> cost_;
  std::vector<double> rows_;
  std::vector<size_t> lo_, hi_;
};

void Check(bool ok, const std::string& message) {
  if (!ok) throw std::invalid_argument("dtwBaseline: " + message);
}

}  // namespace

void ValidateDtwBaselineInput(const DtwBaselineInput& in) {
  const size_t nwords = in.word_rank.size();
  for (size_t gi = 0; gi < in.grids.size(); ++gi) {
    const DtwGrid& g = in.grids[gi];
    const std::string p = "grids[" + std::to_string(gi) + "].";
    const size_t nk = g.cx.size();
    Check(nk < 65536, p + "cx: too many keys");
    Check(g.cy.size() == nk && g.left.size() == nk && g.right.size() == nk && g.top.size() == nk &&
              g.bottom.size() == nk && g.range_begin.size() == nk && g.range_end.size() == nk,
          p + "left/right/top/bottom/cx/cy/rangeBegin/rangeEnd: must all have one entry per key");
    for (size_t k = 0; k < nk; ++k) {
      Check(g.range_begin[k] <= g.range_end[k] && g.range_end[k] <= nwords,
            p + "rangeBegin/rangeEnd[" + std::to_string(k) + "]: bad word range");
    }
    Check(g.fallback_begin <= g.fallback_end && g.fallback_end <= nwords,
          p + "fallbackBegin/fallbackEnd: bad word range");
    Check(g.word_offsets.size() == nwords + 1, p + "wordOffsets: must have one entry per word plus one");
    Check(g.word_offsets[0] == 0 && g.word_offsets[nwords] == g.word_keys.size(),
          p + "wordOffsets: must start at 0 and end at wordKeys.length");
    for (size_t w = 0; w < nwords; ++w)
      Check(g.word_offsets[w] <= g.word_offsets[w + 1], p + "wordOffsets: must not decrease");
    for (uint16_t key : g.word_keys) Check(key < nk, p + "wordKeys: key index out of range");
  }
  const size_t ncurves = in.curve_grid.size();
  Check(in.curve_offsets.size() == ncurves + 1, "curveOffsets: must have one entry per swipe plus one");
  Check(in.curve_offsets[0] == 0 && in.curve_offsets[ncurves] == in.xs.size(),
        "curveOffsets: must start at 0 and end at xs.length");
  Check(in.xs.size() == in.ys.size(), "xs/ys: must have the same length");
  for (size_t c = 0; c < ncurves; ++c) {
    Check(in.curve_offsets[c] < in.curve_offsets[c + 1], "curveOffsets: swipe " + std::to_string(c) + " has no point");
    Check(in.curve_grid[c] < in.grids.size(), "curveGrid[" + std::to_string(c) + "]: grid index out of range");
  }
  Check(in.k > 0 && in.k <= 1024, "k: must be between 1 and 1024");
  Check(in.threads >= 1 && in.threads <= 1024, "threads: must be between 1 and 1024");
}

DtwBaselineOutput RunDtwBaseline(const DtwBaselineInput& in) {
  ValidateDtwBaselineInput(in);
  const size_t ncurves = in.curve_grid.size();
  DtwBaselineOutput out;
  out.words.assign(ncurves * in.k, -1);
  out.dists.assign(ncurves * in.k, 0.0);
  std::atomic<size_t> next{0};
  std::atomic<uint64_t> cells{0};
  std::mutex error_mutex;
  std::exception_ptr error;
  auto work = [&]() {
    try {
      Solver solver(in);
      uint64_t local = 0;
      for (size_t c = next.fetch_add(1); c < ncurves; c = next.fetch_add(1)) {
        local += solver.Solve(c, out.words.data() + c * in.k, out.dists.data() + c * in.k);
      }
      cells.fetch_add(local);
    } catch (...) {
      std::lock_guard<std::mutex> lock(error_mutex);
      if (!error) error = std::current_exception();
      next.store(ncurves);
    }
  };
  const size_t nthreads = std::min<size_t>(in.threads, std::max<size_t>(ncurves, 1));
  if (nthreads <= 1) {
    work();
  } else {
    std::vector<std::thread> pool;
    pool.reserve(nthreads - 1);
    for (size_t t = 1; t < nthreads; ++t) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
  }
  if (error) std::rethrow_exception(error);
  out.cells = cells.load();
  return out;
}

}  // namespace neuroswipe
