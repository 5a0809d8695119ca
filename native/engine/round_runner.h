// How one round of prefixes is turned into next-token logits: by re-running the decoder on the whole
// prefix (any model), or by one cached step (models with memory_kv/decode_step).
#pragma once

#include <torch/script.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/script_model.h"
#include "model/shape_string.h"
#include "search/decoding_options.h"
#include "search/search_strategy.h"

namespace neuroswipe {

/** Work counters of one decode run. */
struct DecodeStats {
  int64_t encode_calls = 0;
  int64_t decode_calls = 0;
  int64_t decode_rows = 0;
  double model_seconds = 0.0;
  /** Of model_seconds: encoding swipes (encode, and memory_kv when caches are used). */
  double encode_seconds = 0.0;
  double total_seconds = 0.0;
  /** Whether key/value caches were used (the model has memory_kv/decode_step and it was allowed). */
  bool incremental = false;
  /** Whether the steps ran in the built-in CPU decoder step rather than the model's decode_step. */
  bool native_step = false;
  /**
   * Expansions answered without the model: the prefix's vocabulary node allowed exactly one token, whose
   * log-probability is then exactly 0 whatever the logits (see EngineOptions::skip_forced).
   */
  int64_t forced_steps = 0;
  /**
   * Rows scored ahead in forced chains (included in decode_rows): under model vocabulary scoring, the prefixes
   * a requested prefix's trie forces next, scored in the same model call (see Round::ahead).
   */
  int64_t chain_rows = 0;
  /** Expansions answered by such a row, scored earlier, instead of by a new model call. */
  int64_t chain_steps = 0;
  /** Near ties of the seed's searches decided by the seed's arithmetic (EngineOptions::seed_ties). */
  int64_t tie_decisions = 0;
  /** Full-prefix `decode` calls those decisions made (one per prefix; encode calls are in encode_calls). */
  int64_t tie_decode_calls = 0;
  /** Times the batch was halved because a model call ran out of memory (in-flight swipes restarted). */
  int64_t oom_splits = 0;
  /** Swipes whose search was started again after such a split (in flight, or encoded and waiting). */
  int64_t oom_restarts = 0;
  /** The batch size (slots) the run ended with: the requested one unless memory ran out. */
  int64_t final_batch_size = 0;
  // Work actually computed (padding included), for FLOP estimates:
  double encoded_positions = 0;  // Σ S·B over encoder calls
  double encoder_pairs = 0;      // Σ S²·B (self-attention score pairs in the encoder)
  double query_positions = 0;    // decoder positions run through every layer
  double projected_memory = 0;   // memory positions whose cross-attention K/V were projected
  double self_pairs = 0;         // decoder self-attention score pairs
  double cross_pairs = 0;        // decoder cross-attention score pairs
  double output_rows = 0;        // rows through the output projection
};

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
