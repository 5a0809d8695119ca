// SwipeQueue: queue order, batched encoding, requeueing after an out-of-memory split.
#include "engine/swipe_queue.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <numeric>
#include <optional>

#include "common/native_error.h"
#include "engine/host_staging.h"
#include "model/shape_string.h"

namespace neuroswipe {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) { return std::chrono::duration<double>(Clock::now() - since).count(); }

}  // namespace

SwipeQueue::SwipeQueue(const SwipeInputs& in, bool reference, c10::Device device) : in_(in), device_(device) {
  const size_t n = in.lengths.size();
  offsets_.resize(n + 1, 0);
  for (size_t i = 0; i < n; ++i) offsets_[i + 1] = offsets_[i] + in.lengths[i];
  std::vector<int64_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  if (!reference) {
    std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return in.lengths[a] > in.lengths[b]; });
  }
  pending_.assign(order.begin(), order.end());
  rank_.resize(n);
  for (size_t r = 0; r < n; ++r) rank_[static_cast<size_t>(order[r])] = static_cast<int64_t>(r);
}

void SwipeQueue::EncodeBatch(int slots, const ScriptModel& model, RoundRunner& runner, DecodeStats& stats) {
  size_t b = std::min(static_cast<size_t>(slots), pending_.size());
  if (device_.is_cpu() && b > 1) {
    const double longest = static_cast<double>(in_.lengths[pending_.front()]);
    size_t fill = 1;
    while (fill < b && static_cast<double>(in_.lengths[pending_[fill]]) >= kMinEncodeFill * longest) ++fill;
    b = fill;
  }
  encoding_.assign(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(b));
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(b));
  const std::vector<int64_t>& ids = encoding_;
  std::vector<int64_t> lengths;
  int64_t s_max = 0, s_min = std::numeric_limits<int64_t>::max();
  for (int64_t i : ids) {
    lengths.push_back(in_.lengths[i]);
    s_max = std::max(s_max, in_.lengths[i]);
    s_min = std::min(s_min, in_.lengths[i]);
  }
  const int64_t f = in_.traj.size(1), bb = static_cast<int64_t>(b);
  const bool key_ids = in_.keys.dim() == 1;
  // Built in pinned memory when the model is on CUDA, so the copies below run asynchronously.
  torch::Tensor traj = torch::zeros({s_max, bb, f}, HostOptions(device_, torch::kFloat32));
  torch::Tensor keys = key_ids ? torch::zeros({s_max, bb}, HostOptions(device_, torch::kInt64))
                               : torch::zeros({s_max, bb, in_.keys.size(1)}, HostOptions(device_, torch::kFloat32));
  torch::Tensor mask = torch::zeros({bb, s_max}, HostOptions(device_, torch::kBool));
  for (int64_t j = 0; j < bb; ++j) {
    const int64_t i = ids[static_cast<size_t>(j)], len = in_.lengths[i], off = offsets_[i];
    traj.narrow(0, 0, len).select(1, j).copy_(in_.traj.narrow(0, off, len));
    keys.narrow(0, 0, len).select(1, j).copy_(in_.keys.narrow(0, off, len));
    if (len < s_max) mask.select(0, j).narrow(0, len, s_max - len).fill_(true);
  }
  std::optional<torch::Tensor> m;
  if (s_min != s_max) m = ToDevice(mask, device_);
  const auto t0 = Clock::now();
  torch::Tensor memory = model.Encode(ToDevice(traj, device_), ToDevice(keys, device_), m);
  stats.model_seconds += Seconds(t0);
  stats.encode_seconds += Seconds(t0);
  ++stats.encode_calls;
  stats.encoded_positions += static_cast<double>(s_max * bb);
  stats.encoder_pairs += static_cast<double>(s_max * s_max * bb);
  if (memory.dim() != 3 || memory.size(0) != s_max || memory.size(1) != bb) {
    throw UserError("encode returned a tensor of shape " + ShapeString(memory) + ", expected [S, B, D]");
  }
  std::vector<torch::Tensor> items = runner.Prepare(memory, lengths, stats);
  for (size_t j = 0; j < b; ++j) ready_.push_back({ids[j], lengths[j], items[j]});
  encoding_.clear();
}

std::vector<int64_t> SwipeQueue::Unfinished(std::vector<int64_t> in_slots) const {
  std::vector<int64_t> back = std::move(in_slots);
  for (const EncodedSwipe& e : ready_) back.push_back(e.swipe);
  back.insert(back.end(), encoding_.begin(), encoding_.end());
  std::sort(back.begin(), back.end(),
            [&](int64_t a, int64_t b) { return rank_[static_cast<size_t>(a)] < rank_[static_cast<size_t>(b)]; });
  back.erase(std::unique(back.begin(), back.end()), back.end());
  return back;
}

void SwipeQueue::Requeue(const std::vector<int64_t>& swipes) {
  ready_.clear();
  encoding_.clear();
  pending_.insert(pending_.begin(), swipes.begin(), swipes.end());
}

}  // namespace neuroswipe
