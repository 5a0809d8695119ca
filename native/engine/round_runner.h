// How one round of prefixes is turned into next-token logits: by re-running the decoder on the whole
// prefix (any model), or by one cached step (models with memory_kv/decode_step).
#pragma once

#include <torch/script.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/decode_stats.h"
#include "model/script_model.h"
#include "model/shape_string.h"
#include "search/decoding_options.h"
#include "search/search_strategy.h"

namespace neuroswipe {

/**
 * The prefixes of one round. Row r belongs to slot `row_slot[r]` and is that slot's `row_in_slot[r]`-th.
 * `ahead`, when not empty (runners that SupportsChains), holds per row the tokens its trie forces next: the
 * runner also scores prefix + ahead[r][0..j] for every j in the same call, as extra rows after the R requested
 * ones (row r's chain in order, then row r+1's).
 */
struct Round {
  std::vector<const Hypothesis*> prefixes;
  std::vector<int64_t> row_slot;
  std::vector<int64_t> row_in_slot;
  std::vector<std::vector<int32_t>> ahead;
};

/** Per-slot model state for the swipes in flight, and the model call of a round. */
class RoundRunner {
 public:
  virtual ~RoundRunner() = default;
  /** Splits an encoder output [S,B,D] into what Place takes, one item per swipe of length lengths[b]. */
  virtual std::vector<torch::Tensor> Prepare(const torch::Tensor& memory, const std::vector<int64_t>& lengths,
                                             DecodeStats& stats) = 0;
  /** Puts a prepared swipe of `length` points into `slot`. */
  virtual void Place(int slot, const torch::Tensor& item, int64_t length) = 0;
  /**
   * Logits [R + A, C] of the next token after each prefix of the round, then after each chain prefix of
   * `round.ahead` (A of them, in order). Fills `child_kv` (one entry per row, the cache the row's children
   * start from) when caches are used, else leaves it empty.
   */
  virtual torch::Tensor Logits(const Round& round, std::vector<KvCache>& child_kv, DecodeStats& stats) = 0;

  /**
   * Whether Logits accepts prefixes whose cache lacks trailing tokens (caches made by Defer): only then may the
   * driver answer forced steps without the model.
   */
  virtual bool SupportsDeferred() const { return false; }
  /**
   * The cache the child of `prefix` starts from when `prefix`'s step was answered without the model: the
   * prefix's cache plus its last token, whose keys/values are computed when a descendant next needs them.
   */
  virtual KvCache Defer(const Hypothesis& prefix) { return nullptr; }
  /**
   * Whether Logits scores the chains of Round::ahead: several consecutive positions of one prefix in one model
   * call (the built-in CPU step, full-prefix `decode`; not `decode_step`, whose contract is one position per row).
   */
  virtual bool SupportsChains() const { return false; }
};

/** Whole-prefix decoding with `decode` (reference mode) or `decode_last`; memory gathered per round. */
std::unique_ptr<RoundRunner> MakeFullPrefixRunner(const ScriptModel& model, const DecodingOptions& o, int slots);

/**
 * Cached decoding with `decode_step`: slot s owns rows s·width … s·width+width−1 of fixed-size model
 * batches, so no per-round gather of the memory is needed.
 */
std::unique_ptr<RoundRunner> MakeIncrementalRunner(const ScriptModel& model, const DecodingOptions& o, int slots,
                                                   int width);

/**
 * Cached decoding with the built-in CPU decoder step (models that export `step_weights`): each row attends
 * over exactly its own prefix and swipe, so neither padding nor masks are computed.
 */
std::unique_ptr<RoundRunner> MakeCpuStepRunner(const ScriptModel& model, const DecodingOptions& o, int slots);

/**
 * memory_kv of an encoded batch of `batch` swipes, checked to be `[L, 2, B, H, S, Dh]`; the call's time and
 * projected positions go into `stats`.
 */
torch::Tensor ProjectMemory(const ScriptModel& model, const torch::Tensor& memory, int64_t batch, DecodeStats& stats);

}  // namespace neuroswipe
