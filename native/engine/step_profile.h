// An opt-in timer of where a decode run's time goes, phase by phase (the benchmark's step profile). Off by
// default: a phase timer then costs one relaxed atomic load and a branch. On, each timed phase adds the CPU
// time its thread spent in it (so that other processes on a busy machine do not count) to a process-wide
// total (all threads together), read and reset by TakeStepProfile.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

namespace neuroswipe {

/** The timed phases. The built-in step's phases are parts of kRunner; kMask is a part of kScore. */
enum class StepPhase : int {
  kSelfAttention = 0,  // built-in step: QKV projection, attention over the prefix, output projection, norm
  kCrossAttention,     // built-in step: query projection, attention over the swipe's memory, projection, norm
  kFeedForward,        // built-in step: both linear layers, ReLU, norm
  kOutput,             // built-in step: token + position embedding, final norm, output projection
  kRunner,             // a round's whole model call (RoundRunner::Logits), its cache bookkeeping included
  kScore,              // logits processors, log-softmax and top-k of a round
  kMask,               // the vocabulary mask (inside kScore)
  kSearch,             // the searches: requests, consuming a round's rows, steps answered without the model
  kEncode,             // encoding swipes (encode, memory_kv) and placing them in slots
  kCount
};

inline constexpr std::array<const char*, static_cast<int>(StepPhase::kCount)> kStepPhaseNames = {
    "selfAttention", "crossAttention", "feedForward", "output", "runner", "score", "mask", "search", "encode"};

/** Totals since the last TakeStepProfile: seconds per phase, and the built-in step's calls and rows. */
struct StepProfile {
  std::array<double, static_cast<int>(StepPhase::kCount)> seconds{};
  int64_t step_calls = 0;
  int64_t step_rows = 0;
};

namespace step_profile_detail {
extern std::atomic<bool> enabled;
void Add(StepPhase phase, int64_t nanoseconds);
void CountStep(int64_t rows);
/** The calling thread's CPU time in nanoseconds. */
int64_t ThreadNanos();
}  // namespace step_profile_detail

/** Turns the profile on or off; either way the totals start again from zero. */
void EnableStepProfile(bool on);
/** Whether the profile is on. */
inline bool StepProfileEnabled() { return step_profile_detail::enabled.load(std::memory_order_relaxed); }
/** The totals so far; resets them. */
StepProfile TakeStepProfile();

/** Adds the thread's CPU time from construction (or the last Next) to destruction to one phase, when on. */
class PhaseTimer {
 public:
  explicit PhaseTimer(StepPhase phase) : phase_(phase), on_(StepProfileEnabled()) {
    if (on_) start_ = step_profile_detail::ThreadNanos();
  }
  PhaseTimer(const PhaseTimer&) = delete;
  PhaseTimer& operator=(const PhaseTimer&) = delete;
  ~PhaseTimer() { Stop(); }

  /** Ends the current phase and starts timing `phase`. */
  void Next(StepPhase phase) {
    Stop();
    phase_ = phase;
    if (on_) start_ = step_profile_detail::ThreadNanos();
  }

 private:
  void Stop() {
    if (on_) step_profile_detail::Add(phase_, step_profile_detail::ThreadNanos() - start_);
  }

  StepPhase phase_;
  bool on_;
  int64_t start_ = 0;
};

}  // namespace neuroswipe
