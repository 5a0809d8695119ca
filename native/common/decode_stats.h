// The work counters of one decode run, declared once. The lists below generate DecodeStats' fields and their
// conversion to JS (binding/decode_result.cc). lib/decode/stats.ts names the same counters in the same order
// (DECODE_COUNTERS, DECODE_WORK_FIELDS); test/native/options.test.ts checks that both sides agree.
#pragma once

#include <cstdint>

/**
 * X(type, field, jsName) for every counter JS receives at the top of `stats`. A bool is a flag (JS boolean);
 * the others are JS numbers.
 */
#define NEUROSWIPE_DECODE_COUNTERS(X)                                                                           \
  X(int64_t, encode_calls, encodeCalls)                                                                         \
  X(int64_t, decode_calls, decodeCalls)                                                                         \
  X(int64_t, decode_rows, decodeRows)                                                                           \
  X(double, model_seconds, modelSeconds)                                                                        \
  /** Of model_seconds: encoding swipes (encode, and memory_kv when caches are used). */                        \
  X(double, encode_seconds, encodeSeconds)                                                                      \
  X(double, total_seconds, totalSeconds)                                                                        \
  /** Whether key/value caches were used (the model has memory_kv/decode_step and it was allowed). */           \
  X(bool, incremental, incremental)                                                                             \
  /** Whether the steps ran in the built-in CPU decoder step rather than the model's decode_step. */            \
  X(bool, native_step, nativeStep)                                                                              \
  /**                                                                                                           \
   * Expansions answered without the model: the prefix's vocabulary node allowed exactly one token, whose       \
   * log-probability is then exactly 0 whatever the logits (see EngineOptions::skip_forced).                    \
   */                                                                                                           \
  X(int64_t, forced_steps, forcedSteps)                                                                         \
  /**                                                                                                           \
   * Rows scored ahead in forced chains (included in decode_rows): under model vocabulary scoring, the prefixes \
   * a requested prefix's trie forces next, scored in the same model call (see Round::ahead).                   \
   */                                                                                                           \
  X(int64_t, chain_rows, chainRows)                                                                             \
  /** Expansions answered by such a row, scored earlier, instead of by a new model call. */                     \
  X(int64_t, chain_steps, chainSteps)                                                                           \
  /** Near ties of the seed's searches decided by the seed's arithmetic (EngineOptions::seed_ties). */          \
  X(int64_t, tie_decisions, tieDecisions)                                                                       \
  /** Full-prefix `decode` calls those decisions made (one per prefix; encode calls are in encode_calls). */    \
  X(int64_t, tie_decode_calls, tieDecodeCalls)                                                                  \
  /** Times the batch was halved because a model call ran out of memory (in-flight swipes restarted). */        \
  X(int64_t, oom_splits, oomSplits)                                                                             \
  /** Swipes whose search was started again after such a split (in flight, or encoded and waiting). */          \
  X(int64_t, oom_restarts, oomRestarts)                                                                         \
  /** The batch size (slots) the run ended with: the requested one unless memory ran out. */                    \
  X(int64_t, final_batch_size, finalBatchSize)

/**
 * X(field, jsName) for the work actually computed (padding included), for FLOP estimates: `stats.work`. Every
 * work counter is a double (a JS number).
 */
#define NEUROSWIPE_DECODE_WORK(X)                                   \
  /** Σ S·B over encoder calls. */                                \
  X(encoded_positions, encodedPositions)                            \
  /** Σ S²·B (self-attention score pairs in the encoder). */     \
  X(encoder_pairs, encoderPairs)                                    \
  /** Decoder positions run through every layer. */                 \
  X(query_positions, queryPositions)                                \
  /** Memory positions whose cross-attention K/V were projected. */ \
  X(projected_memory, projectedMemory)                              \
  /** Decoder self-attention score pairs. */                        \
  X(self_pairs, selfPairs)                                          \
  /** Decoder cross-attention score pairs. */                       \
  X(cross_pairs, crossPairs)                                        \
  /** Rows through the output projection. */                        \
  X(output_rows, outputRows)

namespace neuroswipe {

/** Work counters of one decode run (fields from the two lists above, each starting at zero / false). */
struct DecodeStats {
#define NEUROSWIPE_DECODE_COUNTER_FIELD(type, field, js_name) type field{};
  NEUROSWIPE_DECODE_COUNTERS(NEUROSWIPE_DECODE_COUNTER_FIELD)
#undef NEUROSWIPE_DECODE_COUNTER_FIELD
#define NEUROSWIPE_DECODE_WORK_FIELD(field, js_name) double field{};
  NEUROSWIPE_DECODE_WORK(NEUROSWIPE_DECODE_WORK_FIELD)
#undef NEUROSWIPE_DECODE_WORK_FIELD
};

}  // namespace neuroswipe
