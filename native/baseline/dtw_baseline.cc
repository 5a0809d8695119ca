// The official DTW baseline (see dtw_baseline.h): the input's checks, and the swipes shared out over threads,
// each running a DtwSolver.
#include "baseline/dtw_baseline.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

#include "baseline/dtw_solver.h"

namespace neuroswipe {
namespace {

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
      DtwSolver solver(in);
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
