// Rounds by the built-in CPU decoder step: memory_kv once per swipe (TorchScript), then every step in
// CpuDecoderStep, each row reading its own prefix cache and its own swipe's memory keys/values.
#include <chrono>
#include <cstring>

#include "cpu_decoder_step.h"
#include "native_error.h"
#include "round_runner.h"

namespace neuroswipe {
namespace {

using Clock = std::chrono::steady_clock;

class CpuStepRunner : public RoundRunner {
 public:
  CpuStepRunner(const ScriptModel& model, const DecodingOptions& o, int slots)
      : model_(model), o_(o), slot_memory_(static_cast<size_t>(slots)), slot_len_(static_cast<size_t>(slots), 0) {}

  std::vector<torch::Tensor> Prepare(const torch::Tensor& memory, const std::vector<int64_t>& lengths,
                                     DecodeStats& stats) override {
    const auto t0 = Clock::now();
    torch::Tensor kv = model_.MemoryKv(memory);  // [L, 2, B, H, S, Dh]
    stats.model_seconds += std::chrono::duration<double>(Clock::now() - t0).count();
    stats.projected_memory += static_cast<double>(memory.size(0)) * static_cast<double>(memory.size(1));
    const int64_t b = static_cast<int64_t>(lengths.size());
    const DecoderStepWeights& w = *model_.step_weights();
    if (kv.dim() != 6 || kv.size(1) != 2 || kv.size(2) != b || kv.size(4) != memory.size(0) ||
        kv.size(0) != static_cast<int64_t>(w.layers.size()) || kv.size(3) * kv.size(5) != w.d_model) {
      throw UserError("memory_kv returned a tensor of shape " + ShapeString(kv) + ", expected [L, 2, B, H, S, Dh] with L = " +
                      std::to_string(w.layers.size()) + " step-weight layers and H·Dh = " + std::to_string(w.d_model));
    }
    if (!step_) step_ = std::make_unique<CpuDecoderStep>(w, kv.size(3));
    kv = kv.to(torch::kFloat32);
    std::vector<torch::Tensor> items;
    for (int64_t j = 0; j < b; ++j) {
      items.push_back(kv.select(2, j).narrow(3, 0, lengths[static_cast<size_t>(j)]).contiguous());  // [L, 2, H, S, Dh]
    }
    return items;
  }

  void Place(int slot, const torch::Tensor& item, int64_t length) override {
    slot_memory_[static_cast<size_t>(slot)] = item;
    slot_len_[static_cast<size_t>(slot)] = length;
  }

  torch::Tensor Logits(const Round& round, std::vector<KvCache>& child_kv, DecodeStats& stats) override {
    const size_t r = round.prefixes.size();
    const int64_t layers = step_->layers(), heads = step_->heads(), dh = step_->head_dim();
    const int64_t blocks = layers * 2 * heads;
    std::vector<CpuStepRow> rows(r);
    std::vector<torch::Tensor> children(r);
    double self_pairs = 0, cross_pairs = 0;
    for (size_t i = 0; i < r; ++i) {
      const Hypothesis& h = *round.prefixes[i];
      const int64_t n = static_cast<int64_t>(h.tokens.size()) - 1;
      if (n + 1 > o_.max_token_len || n >= step_->max_positions()) {
        throw UserError("a prefix is longer than the decoder's positional table");
      }
      if (n > 0 && (!h.kv || h.kv->size(3) != n)) throw UserError("internal: a prefix without its key/value cache");
      // The child's cache: the parent's prefix in each [n, Dh] block, then room for the new token.
      torch::Tensor child = torch::empty({layers, 2, heads, n + 1, dh}, torch::kFloat32);
      float* dst = child.data_ptr<float>();
      if (n > 0) {
        const float* src = h.kv->data_ptr<float>();
        for (int64_t blk = 0; blk < blocks; ++blk) {
          std::memcpy(dst + blk * (n + 1) * dh, src + blk * n * dh, static_cast<size_t>(n * dh) * sizeof(float));
        }
      }
      const size_t slot = static_cast<size_t>(round.row_slot[i]);
      rows[i] = CpuStepRow{h.tokens.back(), n, dst, slot_memory_[slot].data_ptr<float>(), slot_len_[slot]};
      children[i] = std::move(child);
      self_pairs += static_cast<double>(n + 1);
      cross_pairs += static_cast<double>(slot_len_[slot]);
    }
    const auto t0 = Clock::now();
    torch::Tensor logits = WithContext("decoder step", [&] { return step_->Run(rows); });
    stats.model_seconds += std::chrono::duration<double>(Clock::now() - t0).count();
    stats.query_positions += static_cast<double>(r);
    stats.self_pairs += self_pairs;
    stats.cross_pairs += cross_pairs;
    stats.output_rows += static_cast<double>(r);
    child_kv.resize(r);
    for (size_t i = 0; i < r; ++i) child_kv[i] = std::make_shared<const at::Tensor>(std::move(children[i]));
    return logits;
  }

 private:
  const ScriptModel& model_;
  const DecodingOptions& o_;
  std::unique_ptr<CpuDecoderStep> step_;
  std::vector<torch::Tensor> slot_memory_;  // per slot: [L, 2, H, S, Dh] contiguous float32
  std::vector<int64_t> slot_len_;
};

}  // namespace

std::unique_ptr<RoundRunner> MakeCpuStepRunner(const ScriptModel& model, const DecodingOptions& o, int slots) {
  if (!model.step_weights()) throw UserError("the model has no step weights for the built-in CPU decoder step");
  return std::make_unique<CpuStepRunner>(model, o, slots);
}

}  // namespace neuroswipe
