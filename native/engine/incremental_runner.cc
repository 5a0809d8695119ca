// Rounds by one cached decoder step per prefix (memory_kv once per swipe, decode_step per round).
#include <algorithm>
#include <chrono>

#include "common/native_error.h"
#include "engine/host_staging.h"
#include "engine/round_runner.h"

namespace neuroswipe {
namespace {

using Clock = std::chrono::steady_clock;

/**
 * A prefix's cache: the keys/values of its first m tokens as one tensor `[L, 2, H, m, Dh]` (undefined when
 * m = 0), then `pending` tokens whose keys/values are still to be computed (steps answered without the model).
 */
struct TensorPrefixCache : PrefixCache {
  TensorPrefixCache(at::Tensor t, KvCache base_owner, std::vector<int64_t> pending_tokens)
      : kv(std::move(t)), owner(std::move(base_owner)), pending(std::move(pending_tokens)) {}
  at::Tensor kv;
  /** The cache object `kv` came from (this one when nothing is pending): identity for row_holds_. */
  KvCache owner;
  std::vector<int64_t> pending;
  int64_t computed() const { return kv.defined() ? kv.size(3) : 0; }
};

const TensorPrefixCache* Cache(const KvCache& c) { return static_cast<const TensorPrefixCache*>(c.get()); }

class IncrementalRunner : public RoundRunner {
 public:
  IncrementalRunner(const ScriptModel& model, const DecodingOptions& o, int slots, int width)
      : model_(model), o_(o), slots_(slots), width_(width), rows_(static_cast<int64_t>(slots) * width),
        row_len_(static_cast<size_t>(rows_), 0), row_holds_(static_cast<size_t>(rows_)) {}

  std::vector<torch::Tensor> Prepare(const torch::Tensor& memory, const std::vector<int64_t>& lengths,
                                     DecodeStats& stats) override {
    const int64_t b = static_cast<int64_t>(lengths.size());
    torch::Tensor kv = ProjectMemory(model_, memory, b, stats);
    std::vector<torch::Tensor> items;
    for (int64_t j = 0; j < b; ++j) items.push_back(kv.select(2, j).narrow(3, 0, lengths[static_cast<size_t>(j)]));
    return items;
  }

  void Place(int slot, const torch::Tensor& item, int64_t length) override {
    // item: [L, 2, H, S, Dh]
    if (!mem_kv_.defined() || mem_kv_.size(4) < length) {
      torch::Tensor grown = torch::zeros({item.size(0), 2, rows_, item.size(2), length, item.size(4)}, item.options());
      if (mem_kv_.defined()) grown.narrow(4, 0, mem_kv_.size(4)).copy_(mem_kv_);
      mem_kv_ = grown;
    }
    if (!self_kv_.defined()) {
      self_kv_ =
          torch::zeros({item.size(0), 2, rows_, item.size(2), o_.limits.max_token_len, item.size(4)}, item.options());
    }
    for (int j = 0; j < width_; ++j) {
      const int64_t row = static_cast<int64_t>(slot) * width_ + j;
      mem_kv_.select(2, row).narrow(3, 0, length).copy_(item);
      row_len_[static_cast<size_t>(row)] = length;
      row_holds_[static_cast<size_t>(row)] = nullptr;
    }
  }

  bool SupportsDeferred() const override { return true; }

  KvCache Defer(const Hypothesis& prefix) override {
    const TensorPrefixCache* base = Cache(prefix.kv);
    std::vector<int64_t> pending = base ? base->pending : std::vector<int64_t>{};
    pending.push_back(prefix.tokens.back());
    at::Tensor kv = base ? base->kv : at::Tensor();
    KvCache owner = base ? (base->pending.empty() ? prefix.kv : base->owner) : nullptr;
    return std::make_shared<const TensorPrefixCache>(std::move(kv), std::move(owner), std::move(pending));
  }

  torch::Tensor Logits(const Round& round, std::vector<KvCache>& child_kv, DecodeStats& stats) override {
    const auto dev = model_.device();
    const int64_t r = static_cast<int64_t>(round.prefixes.size());
    // Row i computes its pending tokens (positions m … n−1), then its last token at n; rows are aligned so that
    // every last token runs in the final pass, whose logits are the round's.
    std::vector<int64_t> rows(static_cast<size_t>(r)), first_pos(static_cast<size_t>(r));
    int64_t passes = 1;
    for (int64_t i = 0; i < r; ++i) {
      const int64_t row = round.row_slot[i] * width_ + round.row_in_slot[i];
      rows[static_cast<size_t>(i)] = row;
      const Hypothesis& h = *round.prefixes[i];
      const int64_t n = static_cast<int64_t>(h.tokens.size()) - 1;
      if (n + 1 > o_.limits.max_token_len) throw UserError("a prefix is longer than the decoder's positional table");
      const TensorPrefixCache* c = Cache(h.kv);
      const int64_t m = c ? c->computed() : 0;
      if (m + (c ? static_cast<int64_t>(c->pending.size()) : 0) != n)
        throw UserError("internal: a prefix's cache has the wrong length");
      first_pos[static_cast<size_t>(i)] = m;
      passes = std::max(passes, n - m + 1);
      // The row's cache buffer already holds the computed part when it continues the row's last prefix.
      const KvCache& holder = c && !c->pending.empty() ? c->owner : h.kv;
      if (m > 0 && row_holds_[static_cast<size_t>(row)] != holder) self_kv_.select(2, row).narrow(3, 0, m).copy_(c->kv);
    }
    int64_t s_act = 0, s_min = 0;
    bool first = true;
    for (int64_t row = 0; row < rows_; ++row) {
      const int64_t len = row_len_[static_cast<size_t>(row)];
      if (len == 0) continue;
      s_act = first ? len : std::max(s_act, len);
      s_min = first ? len : std::min(s_min, len);
      first = false;
    }
    std::optional<torch::Tensor> mask;
    if (s_min != s_act) {
      torch::Tensor m = torch::zeros({rows_, s_act}, HostOptions(dev, torch::kBool));
      for (int64_t row = 0; row < rows_; ++row) {
        const int64_t len = row_len_[static_cast<size_t>(row)];
        if (len > 0 && len < s_act) m.select(0, row).narrow(0, len, s_act - len).fill_(true);
      }
      mask = ToDevice(m, dev);
    }
    torch::Tensor logits;
    for (int64_t pass = 0; pass < passes; ++pass) {
      // Every row of the fixed batch is run; rows without a position this pass get <pad> and an empty cache.
      torch::Tensor tokens = torch::full({rows_}, o_.limits.pad, HostOptions(dev, torch::kInt64));
      torch::Tensor self_len = torch::zeros({rows_}, HostOptions(dev, torch::kInt64));
      std::vector<std::pair<int64_t, int64_t>> written;  // (row, position)
      int64_t t_max = 0;
      for (int64_t i = 0; i < r; ++i) {
        const Hypothesis& h = *round.prefixes[i];
        const int64_t n = static_cast<int64_t>(h.tokens.size()) - 1, m = first_pos[static_cast<size_t>(i)];
        const int64_t pos = n - (passes - 1 - pass);  // this row's position in this pass
        if (pos < m) continue;
        const int64_t row = rows[static_cast<size_t>(i)];
        tokens[row] =
            pos == n ? static_cast<int64_t>(h.tokens.back()) : Cache(h.kv)->pending[static_cast<size_t>(pos - m)];
        self_len[row] = pos;
        t_max = std::max(t_max, pos);
        written.emplace_back(row, pos);
      }
      const auto t0 = Clock::now();
      auto [step_logits, new_kv] = model_.DecodeStep(ToDevice(tokens, dev), self_kv_.narrow(4, 0, t_max),
                                                     ToDevice(self_len, dev), mem_kv_.narrow(4, 0, s_act), mask);
      stats.model_seconds += std::chrono::duration<double>(Clock::now() - t0).count();
      const double batch = static_cast<double>(rows_);
      stats.query_positions += batch;
      stats.self_pairs += batch * static_cast<double>(t_max + 1);
      stats.cross_pairs += batch * static_cast<double>(s_act);
      stats.output_rows += batch;
      if (new_kv.dim() != 5 || new_kv.size(1) != 2 || new_kv.size(2) != rows_) {
        throw UserError("decode_step returned new_kv of shape " + ShapeString(new_kv) + ", expected [L, 2, B, H, Dh]");
      }
      for (const auto& [row, pos] : written) {
        if (pos < o_.limits.max_token_len)
          self_kv_.select(2, row).narrow(3, pos, 1).copy_(new_kv.select(2, row).unsqueeze(3));
      }
      logits = step_logits;
    }
    torch::Tensor index = ToDevice(HostInt64(rows, dev), dev);
    child_kv.resize(static_cast<size_t>(r));
    for (int64_t i = 0; i < r; ++i) {
      const int64_t row = rows[static_cast<size_t>(i)];
      const int64_t n = static_cast<int64_t>(round.prefixes[i]->tokens.size()) - 1;
      // The row's buffer now holds the whole prefix and the new token: the child's cache is a copy of it.
      torch::Tensor child = self_kv_.select(2, row).narrow(3, 0, n + 1).clone();
      auto cache = std::make_shared<TensorPrefixCache>(std::move(child), nullptr, std::vector<int64_t>{});
      child_kv[static_cast<size_t>(i)] = cache;
      row_holds_[static_cast<size_t>(row)] = child_kv[static_cast<size_t>(i)];
    }
    return logits.index_select(0, index);
  }

 private:
  const ScriptModel& model_;
  const DecodingOptions& o_;
  int slots_;
  int width_;
  int64_t rows_;
  std::vector<int64_t> row_len_;    // memory length of each row's swipe (0 = never used)
  std::vector<KvCache> row_holds_;  // the cache a row's buffer currently equals (kept alive: identity by pointer)
  torch::Tensor mem_kv_;            // [L, 2, rows, H, S_cap, Dh]
  torch::Tensor self_kv_;           // [L, 2, rows, H, max_token_len, Dh]
};

}  // namespace

std::unique_ptr<RoundRunner> MakeIncrementalRunner(const ScriptModel& model, const DecodingOptions& o, int slots,
                                                   int width) {
  return std::make_unique<IncrementalRunner>(model, o, slots, width);
}

}  // namespace neuroswipe
