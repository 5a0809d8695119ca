// Rounds by the built-in CPU decoder step: memory_kv once per swipe (TorchScript), then every step in
// CpuDecoderStep. A prefix's cache is a chain of per-token columns: a child links to its parent's chain and
// adds one column, so no prefix is ever copied. A column may be left pending (Defer) when the driver answered
// a step without the model; the next row that needs it computes it first, position by position. A forced chain
// (Round::ahead) runs in the same step as its prefix's last token, one row per position.
#include <algorithm>
#include <chrono>
#include <cstring>

#include "common/native_error.h"
#include "engine/round_runner.h"
#include "model/cpu_decoder_step.h"

namespace neuroswipe {
namespace {

using Clock = std::chrono::steady_clock;

/** The keys/values of one token (`[L, 2, H, Dh]`) and the chain of the tokens before it. */
struct ColumnCache : PrefixCache {
  ColumnCache(std::shared_ptr<const ColumnCache> p, int64_t size, int64_t token_id, bool ready)
      : parent(std::move(p)), length(parent ? parent->length + 1 : 1), token(token_id),
        column(static_cast<size_t>(size)), computed(ready) {}
  std::shared_ptr<const ColumnCache> parent;
  int64_t length;  // tokens covered, this one included; the token's position is length − 1
  int64_t token;
  // A pending column is filled in by the first row that needs it; the chain is otherwise immutable.
  mutable std::vector<float> column;
  mutable bool computed;
};

/** One position a row computes this round: a pending column of its prefix, or the prefix's last token. */
struct Item {
  int64_t token;
  int64_t position;
  float* column;
  const ColumnCache* pending;  // null for the last token
};

class CpuStepRunner : public RoundRunner {
 public:
  CpuStepRunner(const ScriptModel& model, const DecodingOptions& o, int slots)
      : model_(model), o_(o), slot_memory_(static_cast<size_t>(slots)), slot_len_(static_cast<size_t>(slots), 0) {}

  std::vector<torch::Tensor> Prepare(const torch::Tensor& memory, const std::vector<int64_t>& lengths,
                                     DecodeStats& stats) override {
    const int64_t b = static_cast<int64_t>(lengths.size());
    torch::Tensor kv = ProjectMemory(model_, memory, b, stats);
    const DecoderStepWeights& w = *model_.step_weights();
    if (kv.size(0) != static_cast<int64_t>(w.layers.size()) || kv.size(3) * kv.size(5) != w.d_model) {
      throw UserError("memory_kv returned a tensor of shape " + ShapeString(kv) +
                      ", expected [L, 2, B, H, S, Dh] with L = " + std::to_string(w.layers.size()) +
                      " step-weight layers and H·Dh = " + std::to_string(w.d_model));
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

  bool SupportsDeferred() const override { return true; }

  KvCache Defer(const Hypothesis& prefix) override {
    auto parent = std::static_pointer_cast<const ColumnCache>(prefix.kv);
    return std::make_shared<const ColumnCache>(std::move(parent), step_->column_size(), prefix.tokens.back(), false);
  }

  bool SupportsChains() const override { return true; }

  torch::Tensor Logits(const Round& round, std::vector<KvCache>& child_kv, DecodeStats& stats) override {
    const size_t r = round.prefixes.size();
    size_t extra = 0;
    for (const auto& chain : round.ahead) extra += chain.size();
    // One entry per logits row: the requested rows, then the chain rows (Round::ahead).
    std::vector<std::shared_ptr<ColumnCache>> children(r + extra);
    std::vector<std::vector<Item>> items(r);
    std::vector<std::vector<Item>> chains(r);  // run right after the row's last token, in the same pass
    columns_.resize(r + extra);
    size_t passes = 0, next_row = r;
    double self_pairs = 0, cross_pairs = 0, positions = 0;
    for (size_t i = 0; i < r; ++i) {
      const Hypothesis& h = *round.prefixes[i];
      const int64_t n = static_cast<int64_t>(h.tokens.size()) - 1;
      const size_t chain_len = i < round.ahead.size() ? round.ahead[i].size() : 0;
      const int64_t last = n + static_cast<int64_t>(chain_len);
      if (last + 1 > o_.limits.max_token_len || last >= step_->max_positions()) {
        throw UserError("a prefix is longer than the decoder's positional table");
      }
      auto parent = std::static_pointer_cast<const ColumnCache>(h.kv);
      if ((parent ? parent->length : 0) != n)
        throw UserError("internal: a prefix's key/value cache has the wrong length");
      // Column pointers by position; pending columns (always a suffix of the chain) are computed first.
      std::vector<const float*>& cols = columns_[i];
      cols.assign(static_cast<size_t>(n), nullptr);
      std::vector<Item>& work = items[i];
      for (const ColumnCache* c = parent.get(); c; c = c->parent.get()) {
        cols[static_cast<size_t>(c->length - 1)] = c->column.data();
        if (!c->computed) work.push_back(Item{c->token, c->length - 1, c->column.data(), c});
      }
      std::reverse(work.begin(), work.end());
      children[i] = std::make_shared<ColumnCache>(std::move(parent), step_->column_size(), h.tokens.back(), true);
      work.push_back(Item{h.tokens.back(), n, children[i]->column.data(), nullptr});
      // A forced chain: position n + 1 + j attends over the prefix, its last token and the chain before j, all
      // written earlier in the same step (CpuDecoderStep::Run writes each row's column before its attention).
      size_t prev = i;
      for (size_t j = 0; j < chain_len; ++j, ++next_row) {
        const int64_t token = round.ahead[i][j];
        columns_[next_row] = columns_[prev];
        columns_[next_row].push_back(children[prev]->column.data());
        children[next_row] = std::make_shared<ColumnCache>(children[prev], step_->column_size(), token, true);
        chains[i].push_back(Item{token, n + 1 + static_cast<int64_t>(j), children[next_row]->column.data(), nullptr});
        prev = next_row;
      }
      passes = std::max(passes, work.size());
      const int64_t s = slot_len_[static_cast<size_t>(round.row_slot[i])];
      for (const std::vector<Item>* list : {&work, &chains[i]}) {
        for (const Item& it : *list) {
          self_pairs += static_cast<double>(it.position + 1);
          cross_pairs += static_cast<double>(s);
          positions += 1;
        }
      }
    }
    const auto t0 = Clock::now();
    torch::Tensor logits;
    for (size_t pass = 0; pass < passes; ++pass) {
      // Pass p runs the p-th item of every row that has one; a row's last item (and its chain) gives its logits.
      std::vector<CpuStepRow> rows;
      std::vector<std::pair<size_t, const ColumnCache*>> owner;  // logits row (or the pending column filled)
      size_t chain_row = r;
      for (size_t i = 0; i < r; ++i) {
        const size_t slot = static_cast<size_t>(round.row_slot[i]);
        const bool last = pass + 1 == items[i].size();
        if (pass < items[i].size()) {
          const Item& it = items[i][pass];
          rows.push_back(CpuStepRow{it.token, it.position, columns_[i].data(), it.column, slot_memory_[slot].data(),
                                    slot_len_[slot]});
          owner.emplace_back(i, it.pending);
        }
        for (const Item& it : chains[i]) {
          if (last) {
            rows.push_back(CpuStepRow{it.token, it.position, columns_[chain_row].data(), it.column,
                                      slot_memory_[slot].data(), slot_len_[slot]});
            owner.emplace_back(chain_row, nullptr);
          }
          ++chain_row;
        }
      }
      torch::Tensor out = WithContext("decoder step", [&] { return step_->Run(rows); });
      const int64_t classes = out.size(1);
      if (!logits.defined()) logits = torch::empty({static_cast<int64_t>(r + extra), classes}, out.options());
      const float* src = out.data_ptr<float>();
      float* dst = logits.data_ptr<float>();
      for (size_t j = 0; j < owner.size(); ++j) {
        const auto& [row, pending] = owner[j];
        if (pending) {
          pending->computed = true;
        } else {
          std::memcpy(dst + static_cast<int64_t>(row) * classes, src + static_cast<int64_t>(j) * classes,
                      static_cast<size_t>(classes) * sizeof(float));
        }
      }
    }
    stats.model_seconds += std::chrono::duration<double>(Clock::now() - t0).count();
    stats.query_positions += positions;
    stats.self_pairs += self_pairs;
    stats.cross_pairs += cross_pairs;
    stats.output_rows += positions;
    child_kv.assign(children.begin(), children.end());
    return logits;
  }

 private:
  const ScriptModel& model_;
  const DecodingOptions& o_;
  std::unique_ptr<CpuDecoderStep> step_;
  std::vector<std::vector<float>> slot_memory_;  // per slot: CpuDecoderStep::PackMemory layout
  std::vector<int64_t> slot_len_;
  std::vector<std::vector<const float*>> columns_;  // per logits row of the round: column pointers by position
};

}  // namespace

std::unique_ptr<RoundRunner> MakeCpuStepRunner(const ScriptModel& model, const DecodingOptions& o, int slots) {
  if (!model.step_weights()) throw UserError("the model has no step weights for the built-in CPU decoder step");
  return std::make_unique<CpuStepRunner>(model, o, slots);
}

}  // namespace neuroswipe
