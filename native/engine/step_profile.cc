#include "engine/step_profile.h"

#include <time.h>

namespace neuroswipe {
namespace step_profile_detail {

std::atomic<bool> enabled{false};

namespace {
std::array<std::atomic<int64_t>, static_cast<int>(StepPhase::kCount)> nanos{};
std::atomic<int64_t> calls{0};
std::atomic<int64_t> rows_total{0};

void Reset() {
  for (auto& n : nanos) n.store(0, std::memory_order_relaxed);
  calls.store(0, std::memory_order_relaxed);
  rows_total.store(0, std::memory_order_relaxed);
}
}  // namespace

void Add(StepPhase phase, int64_t nanoseconds) {
  nanos[static_cast<size_t>(phase)].fetch_add(nanoseconds, std::memory_order_relaxed);
}

void CountStep(int64_t rows) {
  calls.fetch_add(1, std::memory_order_relaxed);
  rows_total.fetch_add(rows, std::memory_order_relaxed);
}

int64_t ThreadNanos() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

}  // namespace step_profile_detail

void EnableStepProfile(bool on) {
  step_profile_detail::Reset();
  step_profile_detail::enabled.store(on, std::memory_order_relaxed);
}

StepProfile TakeStepProfile() {
  StepProfile p;
  for (size_t i = 0; i < p.seconds.size(); ++i) {
    p.seconds[i] = static_cast<double>(step_profile_detail::nanos[i].exchange(0, std::memory_order_relaxed)) * 1e-9;
  }
  p.step_calls = step_profile_detail::calls.exchange(0, std::memory_order_relaxed);
  p.step_rows = step_profile_detail::rows_total.exchange(0, std::memory_order_relaxed);
  return p;
}

}  // namespace neuroswipe
