// Decodes many swipes with continuous batching: one model call per round for the prefixes of every
// swipe in flight; a finished swipe leaves its slot and the next swipe takes it.
#pragma once

#include <torch/script.h>

#include <atomic>
#include <memory>
#include <stdexcept>
#include <vector>

#include "engine/round_runner.h"
#include "engine/step_trace.h"
#include "model/script_model.h"
#include "search/decoding_options.h"
#include "search/search_strategy.h"
#include "vocab/vocab_trie.h"

namespace neuroswipe {

/** Swipes to decode, concatenated along the point axis. */
struct SwipeInputs {
  torch::Tensor traj;            // [sum S, F] float32 (CPU)
  torch::Tensor keys;            // [sum S] int64 or [sum S, K] float32 (CPU)
  std::vector<int64_t> lengths;  // per swipe
  /**
   * Exact scoring of a word list per swipe (rescoring): swipe i's words as a trie of their own, scored without a
   * vocabulary mask. Empty = none (the decode's trie, if any, is used). Requires generator exact and no trie.
   */
  std::vector<VocabTrie> word_lists;
  /**
   * Cancellation: when set (from JS, when the call's AbortSignal fires), the search stops before its next
   * round and DecodeSwipes throws DecodeCancelled. Null = not cancellable.
   */
  std::shared_ptr<const std::atomic<bool>> cancel;
};

/** Thrown by DecodeSwipes when SwipeInputs::cancel was set while it ran. */
struct DecodeCancelled : std::runtime_error {
  DecodeCancelled() : std::runtime_error("decode cancelled") {}
};

/** Per swipe, the finished candidates in the seed's collection order. */
struct DecodeOutput {
  std::vector<std::vector<Candidate>> candidates;
  /**
   * Per swipe, how many of its candidates, best first, are provably the vocabulary's best words in order
   * (SearchStrategy::CertifiedTop); −1 where the search gives no certificate.
   */
  std::vector<int32_t> certified_top;
  /** Per swipe, its search's decision margins (only filled when DecodingOptions::margins is set). */
  std::vector<SearchMargins> margins;
  /** Per swipe, the rows the model scored (only filled when EngineOptions::trace_steps is set). */
  std::vector<StepTrace> traces;
  DecodeStats stats;
};

/**
 * Runs the configured search for every swipe. Thread-safe for distinct calls; `trie` may be null.
 *
 * When a model call runs out of memory (CUDA or the CPU allocator), the batch is halved and the swipes
 * that had been taken but not finished are decoded again from scratch, so the results are those of a run
 * that had enough memory; stats.oom_splits counts the splits. Only a batch of one that does not fit
 * throws (a UserError naming the swipe's length).
 */
DecodeOutput DecodeSwipes(const ScriptModel& model, const VocabTrie* trie, const DecodingOptions& options,
                          const SwipeInputs& inputs);

}  // namespace neuroswipe
