// Rounds by full-prefix recomputation: the seed's way (reference mode) or `decode_last` on right-padded
// prefixes of many swipes at once; `decode` on every position when a round scores forced chains.
#include <algorithm>
#include <chrono>
#include <limits>

#include "common/native_error.h"
#include "engine/host_staging.h"
#include "engine/round_runner.h"

namespace neuroswipe {

namespace {

using Clock = std::chrono::steady_clock;

class FullPrefixRunner : public RoundRunner {
 public:
  FullPrefixRunner(const ScriptModel& model, const DecodingOptions& o, int slots)
      : model_(model), o_(o), slots_(slots), slot_len_(static_cast<size_t>(slots), 0) {}

  // Whole prefixes are re-run every time: nothing is cached, so nothing is ever missing.
  bool SupportsDeferred() const override { return true; }
  // `decode` gives every position's logits: a chain is read off the positions after its prefix.
  bool SupportsChains() const override { return !o_.engine.reference; }

  std::vector<torch::Tensor> Prepare(const torch::Tensor& memory, const std::vector<int64_t>& lengths,
                                     DecodeStats&) override {
    std::vector<torch::Tensor> items;
    for (size_t j = 0; j < lengths.size(); ++j)
      items.push_back(memory.select(1, static_cast<int64_t>(j)).narrow(0, 0, lengths[j]));
    return items;
  }

  void Place(int slot, const torch::Tensor& item, int64_t length) override {
    if (!memory_.defined() || memory_.size(0) < length) {
      torch::Tensor grown = torch::zeros({length, slots_, item.size(1)}, item.options());
      if (memory_.defined()) grown.narrow(0, 0, memory_.size(0)).copy_(memory_);
      memory_ = grown;
    }
    memory_.select(1, slot).narrow(0, 0, length).copy_(item);
    slot_len_[static_cast<size_t>(slot)] = length;
  }

  torch::Tensor Logits(const Round& round, std::vector<KvCache>&, DecodeStats& stats) override {
    const auto dev = model_.device();
    const int64_t r = static_cast<int64_t>(round.prefixes.size());
    int64_t t_max = 0, s_act = 0, s_min = std::numeric_limits<int64_t>::max(), extra = 0;
    for (int64_t i = 0; i < r; ++i) {
      const int64_t len = slot_len_[static_cast<size_t>(round.row_slot[i])];
      const int64_t chain = i < static_cast<int64_t>(round.ahead.size())
                                ? static_cast<int64_t>(round.ahead[static_cast<size_t>(i)].size())
                                : 0;
      extra += chain;
      t_max = std::max<int64_t>(t_max, static_cast<int64_t>(round.prefixes[i]->tokens.size()) + chain);
      s_act = std::max(s_act, len);
      s_min = std::min(s_min, len);
    }
    if (t_max > o_.limits.max_token_len) throw UserError("a prefix is longer than the decoder's positional table");
    torch::Tensor tokens = torch::full({t_max, r}, o_.limits.pad, HostOptions(dev, torch::kInt64));
    torch::Tensor lengths = torch::empty({r}, HostOptions(dev, torch::kInt64));
    auto tok = tokens.accessor<int64_t, 2>();
    for (int64_t i = 0; i < r; ++i) {
      const auto& t = round.prefixes[i]->tokens;
      for (size_t p = 0; p < t.size(); ++p) tok[static_cast<int64_t>(p)][i] = t[p];
      if (extra > 0) {
        const auto& chain = round.ahead[static_cast<size_t>(i)];
        for (size_t j = 0; j < chain.size(); ++j) tok[static_cast<int64_t>(t.size() + j)][i] = chain[j];
      }
      lengths[i] = static_cast<int64_t>(t.size());
    }
    torch::Tensor memory = memory_.index_select(1, ToDevice(HostInt64(round.row_slot, dev), dev)).narrow(0, 0, s_act);
    std::optional<torch::Tensor> mask;
    if (s_min != s_act) {
      torch::Tensor m = torch::zeros({r, s_act}, HostOptions(dev, torch::kBool));
      for (int64_t i = 0; i < r; ++i) {
        const int64_t len = slot_len_[static_cast<size_t>(round.row_slot[i])];
        if (len < s_act) m.select(0, i).narrow(0, len, s_act - len).fill_(true);
      }
      mask = ToDevice(m, dev);
    }
    const auto t0 = Clock::now();
    torch::Tensor logits;
    if (o_.engine.reference) {
      // The seed's call: the whole prefix through `decode`, then the last position.
      logits = model_.Decode(ToDevice(tokens, dev), memory, mask).select(0, t_max - 1);
    } else if (extra > 0) {
      // Forced chains: every position through `decode` (causal: a row's later positions and padding do not
      // change its earlier ones), then each row's last prefix position and its chain's, in Round::ahead's order.
      std::vector<int64_t> pick(static_cast<size_t>(r + extra));
      size_t next = static_cast<size_t>(r);
      for (int64_t i = 0; i < r; ++i) {
        const int64_t last = static_cast<int64_t>(round.prefixes[i]->tokens.size()) - 1;
        pick[static_cast<size_t>(i)] = last * r + i;
        const auto chain = static_cast<int64_t>(round.ahead[static_cast<size_t>(i)].size());
        for (int64_t j = 1; j <= chain; ++j) pick[next++] = (last + j) * r + i;
      }
      torch::Tensor all = model_.Decode(ToDevice(tokens, dev), memory, mask);  // [T, R, C]
      logits = all.reshape({t_max * r, all.size(2)}).index_select(0, ToDevice(HostInt64(pick, dev), dev));
    } else {
      logits = model_.DecodeLast(ToDevice(tokens, dev), ToDevice(lengths, dev), memory, mask);
    }
    stats.model_seconds += std::chrono::duration<double>(Clock::now() - t0).count();
    const double rt = static_cast<double>(r) * static_cast<double>(t_max);
    stats.query_positions += rt;
    stats.projected_memory += static_cast<double>(r) * static_cast<double>(s_act);
    stats.self_pairs += rt * static_cast<double>(t_max);
    stats.cross_pairs += rt * static_cast<double>(s_act);
    stats.output_rows += o_.engine.reference || extra > 0 ? rt : static_cast<double>(r);
    return logits;
  }

 private:
  const ScriptModel& model_;
  const DecodingOptions& o_;
  int slots_;
  std::vector<int64_t> slot_len_;
  torch::Tensor memory_;  // [S_cap, slots, D]
};

}  // namespace

std::unique_ptr<RoundRunner> MakeFullPrefixRunner(const ScriptModel& model, const DecodingOptions& o, int slots) {
  return std::make_unique<FullPrefixRunner>(model, o, slots);
}

}  // namespace neuroswipe
