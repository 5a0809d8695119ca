// The swipes of one decode on their way to a search slot: queued in rank order, encoded a batch at a time,
// then handed out one by one. After an out-of-memory split the unfinished ones go back to the front.
#pragma once

#include <torch/script.h>

#include <deque>
#include <vector>

#include "common/decode_stats.h"
#include "engine/driver.h"
#include "engine/round_runner.h"
#include "model/script_model.h"

namespace neuroswipe {

/** An encoded swipe waiting for a slot. */
struct EncodedSwipe {
  int64_t swipe;
  int64_t length;
  torch::Tensor item;  // what the round runner keeps per swipe, on the model's device
};

/** The queue of one DecodeSwipes call; `in` must outlive it. */
class SwipeQueue {
 public:
  /**
   * Every swipe of `in`, longest first (stably) so that swipes of similar length share rounds and little
   * memory padding is attended to; in input order when `reference`. Encoded for a model on `device`.
   */
  SwipeQueue(const SwipeInputs& in, bool reference, c10::Device device);

  /** Where swipe `swipe`'s points start in the inputs' concatenated tensors. */
  int64_t offset(int64_t swipe) const { return offsets_[static_cast<size_t>(swipe)]; }
  /** Whether swipes wait to be encoded. */
  bool has_queued() const { return !pending_.empty(); }
  /** Whether an encoded swipe waits for a slot. */
  bool has_ready() const { return !ready_.empty(); }
  /** The next encoded swipe. It stays here until Pop, so a failure before it holds its slot loses nothing. */
  const EncodedSwipe& front() const { return ready_.front(); }
  void Pop() { ready_.pop_front(); }

  /**
   * Encodes the next batch of queued swipes (at most `slots`) with `model` and prepares them with `runner`.
   * On the CPU a batch ends before the first queued swipe shorter than kMinEncodeFill of its first (longest,
   * in the queue's order): the encoder's cost grows with the padded length, so a batch of mixed lengths (a
   * server's batch in arrival order) is encoded in several calls of similar lengths rather than padded to its
   * longest swipe. The calls' time and work go into `stats`.
   */
  void EncodeBatch(int slots, const ScriptModel& model, RoundRunner& runner, DecodeStats& stats);

  /**
   * The swipes taken from the queue and not finished: `in_slots` (those held by searches), the encoded ones
   * waiting and the batch being encoded; in queue order, each once.
   */
  std::vector<int64_t> Unfinished(std::vector<int64_t> in_slots) const;
  /** Drops the encoded swipes and puts `swipes` (from Unfinished) back at the front of the queue. */
  void Requeue(const std::vector<int64_t>& swipes);

 private:
  /** Least length, relative to a CPU encoder batch's longest swipe, of the swipes encoded with it. */
  static constexpr double kMinEncodeFill = 0.8;

  const SwipeInputs& in_;
  c10::Device device_;
  std::vector<int64_t> offsets_;
  std::vector<int64_t> rank_;      // per swipe: its place in the initial queue order
  std::deque<int64_t> pending_;    // swipes not taken yet, in rank order
  std::vector<int64_t> encoding_;  // the batch being encoded (taken from pending_, not yet in ready_)
  std::deque<EncodedSwipe> ready_;
};

}  // namespace neuroswipe
