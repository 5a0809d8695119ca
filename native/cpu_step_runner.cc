// Rounds by the built-in CPU decoder step: memory_kv once per swipe (TorchScript), then every step in
// CpuDecoderStep. A prefix's cache is a chain of per-token columns: a child links to its parent's chain and
// adds one column, so no prefix is ever copied.
#include <chrono>

#include "cpu_decoder_step.h"
#include "native_error.h"
#include "round_runner.h"

namespace neuroswipe {
namespace {

using Clock = std::chrono::steady_clock;

/** The keys/values of one token (`[L, 2, H, Dh]`) and the chain of the tokens before it. */
struct ColumnCache : PrefixCache {
  ColumnCache(std::shared_ptr<const ColumnCache> p, int64_t size)
      : parent(std::move(p)), length(parent ? parent->length + 1 : 1), column(static_cast<size_t>(size)) {}
  std::shared_ptr<const ColumnCache> parent;
  int64_t length;  // tokens covered, this one included
  std::vector<float> column;
};

class CpuStepRunner : public RoundRunner {
 public:
  CpuStepRunner(const ScriptModel& model, const DecodingOptions& o, int slots)
      : model_(model), o_(o), slot_memory_(static_cast<size_t>(slots)), slot_len_(static_cast<size_t>(slots), 0) {}

  std::vector<torch::Tensor> Prepare(const torch::Tensor& memory, const std::vector<int64_t>& lengths,
                                     DecodeStats& stats) override {
    const auto t0 = Clock::now();
    torch::Tensor kv = model_.MemoryKv(memory);  // [L, 2, B, H, S, Dh]
    stats.model_seconds += std::chrono::duration<double>(Clock::now() - t0).count();
    stats.encode_seconds += std::chrono::duration<double>(Clock::now() - t0).count();
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
    std::vector<torch::Tensor> items;  // views of kv, packed into the slot's buffer by Place
    for (int64_t j = 0; j < b; ++j) items.push_back(kv.select(2, j).narrow(3, 0, lengths[static_cast<size_t>(j)]));
    return items;
  }

  void Place(int slot, const torch::Tensor& item, int64_t length) override {
    std::vector<float>& buffer = slot_memory_[static_cast<size_t>(slot)];
    buffer.resize(static_cast<size_t>(item.numel()));  // slot buffers are reused: no allocation per swipe
    CpuDecoderStep::PackMemory(item, buffer.data());
    slot_len_[static_cast<size_t>(slot)] = length;
  }

  torch::Tensor Logits(const Round& round, std::vector<KvCache>& child_kv, DecodeStats& stats) override {
    const size_t r = round.prefixes.size();
    std::vector<CpuStepRow> rows(r);
    std::vector<std::shared_ptr<ColumnCache>> children(r);
    past_.assign(r * static_cast<size_t>(o_.max_token_len), nullptr);
    double self_pairs = 0, cross_pairs = 0;
    for (size_t i = 0; i < r; ++i) {
      const Hypothesis& h = *round.prefixes[i];
      const int64_t n = static_cast<int64_t>(h.tokens.size()) - 1;
      if (n + 1 > o_.max_token_len || n >= step_->max_positions()) {
        throw UserError("a prefix is longer than the decoder's positional table");
      }
      auto parent = std::static_pointer_cast<const ColumnCache>(h.kv);
      if ((parent ? parent->length : 0) != n) throw UserError("internal: a prefix's key/value cache has the wrong length");
      const float** past = past_.data() + i * static_cast<size_t>(o_.max_token_len);
      int64_t t = n;
      for (const ColumnCache* c = parent.get(); c; c = c->parent.get()) past[--t] = c->column.data();
      children[i] = std::make_shared<ColumnCache>(std::move(parent), step_->column_size());
      const size_t slot = static_cast<size_t>(round.row_slot[i]);
      rows[i] = CpuStepRow{h.tokens.back(), n, past, children[i]->column.data(), slot_memory_[slot].data(),
                           slot_len_[slot]};
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
    child_kv.assign(children.begin(), children.end());
    return logits;
  }

 private:
  const ScriptModel& model_;
  const DecodingOptions& o_;
  std::unique_ptr<CpuDecoderStep> step_;
  std::vector<std::vector<float>> slot_memory_;  // per slot: CpuDecoderStep::PackMemory layout
  std::vector<int64_t> slot_len_;
  std::vector<const float*> past_;  // per row: max_token_len column pointers
};

}  // namespace

std::unique_ptr<RoundRunner> MakeCpuStepRunner(const ScriptModel& model, const DecodingOptions& o, int slots) {
  if (!model.step_weights()) throw UserError("the model has no step weights for the built-in CPU decoder step");
  return std::make_unique<CpuStepRunner>(model, o, slots);
}

}  // namespace neuroswipe
