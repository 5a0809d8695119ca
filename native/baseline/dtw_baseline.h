// The official DTW baseline: for each swipe, the vocabulary words starting with the letter under its
// first point, ranked by the DTW distance between the swipe and the word's key-centre polyline.
// Plain C++17; exact (same numbers and the same tie order as a full computation of every DTW), with
// prefix sharing and lower-bound pruning.
#pragma once

#include <cstdint>
#include <vector>

namespace neuroswipe {

/** One keyboard, prepared by the caller (TypeScript: lib/baseline/native.ts). */
struct DtwGrid {
  /** Per key, in the baseline's key order: hitbox [left, right) x [top, bottom). */
  std::vector<int32_t> left, right, top, bottom;
  /** Per key: its centre (a float32 value widened to double). */
  std::vector<double> cx, cy;
  /** Per key: the candidate words [begin, end) when the first point lies on that key. */
  std::vector<uint32_t> range_begin, range_end;
  /** Candidate words when no key contains the first point. */
  uint32_t fallback_begin = 0, fallback_end = 0;
  /** Per word (size words + 1): offsets into word_keys. */
  std::vector<uint32_t> word_offsets;
  /** The key index of each polyline point of each word (letters without a key are already left out). */
  std::vector<uint16_t> word_keys;
};

/** Everything one run needs; copied out of JavaScript values before the work starts. */
struct DtwBaselineInput {
  std::vector<DtwGrid> grids;
  /** Per word: its rank among the distinct words in code-point order (equal words, equal ranks). */
  std::vector<uint32_t> word_rank;
  /** Per swipe (size swipes + 1): offsets into xs / ys. */
  std::vector<uint32_t> curve_offsets;
  std::vector<int32_t> xs, ys;
  /** Per swipe: index into grids. */
  std::vector<uint32_t> curve_grid;
  /** How many candidates to keep per swipe. */
  uint32_t k = 4;
  /** Use prefix sharing and lower-bound pruning (false: the plain full computation). */
  bool prune = true;
  /** Worker threads over swipes (1 = the calling thread only). */
  uint32_t threads = 1;
};

/** Per swipe, k slots: the word index (-1 when fewer candidates) and its DTW distance (ascending). */
struct DtwBaselineOutput {
  std::vector<int32_t> words;
  std::vector<double> dists;
  /** DTW matrix cells computed, summed over swipes. */
  uint64_t cells = 0;
};

/** Checks sizes, offsets and indices; throws std::invalid_argument naming the bad field. */
void ValidateDtwBaselineInput(const DtwBaselineInput& in);

/** Validates the input and runs the baseline on every swipe. */
DtwBaselineOutput RunDtwBaseline(const DtwBaselineInput& in);

}  // namespace neuroswipe
