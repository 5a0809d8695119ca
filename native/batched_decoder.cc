#include "batched_decoder.h"

#include <algorithm>
#include <chrono>
#include <deque>
#include <limits>
#include <numeric>
#include <optional>

#include "native_error.h"

namespace neuroswipe {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) { return std::chrono::duration<double>(Clock::now() - since).count(); }

/** An encoded swipe waiting for a slot. */
struct Encoded {
  int64_t swipe;
  int64_t length;
  torch::Tensor memory;  // [S, D], or its cross-attention keys/values [L, 2, S, D], on the model's device
};

class Driver {
 public:
  Driver(const ScriptModel& model, const VocabTrie* trie, const DecodingOptions& o, const SwipeInputs& in)
      : model_(model), trie_(trie), o_(o), in_(in), device_(model.device()) {
    const size_t n = in.lengths.size();
    offsets_.resize(n + 1, 0);
    for (size_t i = 0; i < n; ++i) offsets_[i + 1] = offsets_[i] + in.lengths[i];
    pending_.resize(n);
    std::iota(pending_.begin(), pending_.end(), 0);
    if (!o.reference) {
      // Longest first: swipes of similar length share rounds, so little memory padding is attended to.
      std::stable_sort(pending_.begin(), pending_.end(), [&](int64_t a, int64_t b) { return in.lengths[a] > in.lengths[b]; });
    }
    slots_ = o.reference ? 1 : o.batch_size;
    incremental_ = !o.reference && o.incremental && model.has_incremental();
    seq_dim_ = incremental_ ? 2 : 0;
    batch_dim_ = incremental_ ? 3 : 1;
    out_.stats.incremental = incremental_;
    out_.candidates.resize(n);
  }

  DecodeOutput Run() {
    const auto start = Clock::now();
    std::vector<std::unique_ptr<SearchStrategy>> search(static_cast<size_t>(slots_));
    std::vector<int64_t> slot_swipe(static_cast<size_t>(slots_), -1);
    std::vector<int64_t> slot_len(static_cast<size_t>(slots_), 0);
    const int k = TopKFor(o_);
    while (true) {
      for (int s = 0; s < slots_; ++s) {
        if (search[s]) continue;
        std::optional<Encoded> next = NextEncoded();
        if (!next) break;
        Place(s, *next);
        slot_swipe[s] = next->swipe;
        slot_len[s] = next->length;
        search[s] = MakeSearchStrategy(o_, trie_);
      }
      // Gather this round's prefixes.
      std::vector<const Hypothesis*> prefixes;
      std::vector<int64_t> row_slot;
      std::vector<std::pair<int, size_t>> per_slot;  // (slot, number of rows)
      for (int s = 0; s < slots_; ++s) {
        if (!search[s]) continue;
        const size_t before = prefixes.size();
        search[s]->Requests(prefixes);
        for (size_t r = before; r < prefixes.size(); ++r) row_slot.push_back(s);
        per_slot.emplace_back(s, prefixes.size() - before);
      }
      if (prefixes.empty()) break;
      torch::Tensor log_probs, top_values, top_ids;
      Score(prefixes, row_slot, slot_len, k, log_probs, top_values, top_ids);
      const float* lp = log_probs.data_ptr<float>();
      const float* tv = k > 0 ? top_values.data_ptr<float>() : nullptr;
      const int64_t* ti = k > 0 ? top_ids.data_ptr<int64_t>() : nullptr;
      std::vector<StepRow> rows(prefixes.size());
      for (size_t r = 0; r < rows.size(); ++r) {
        rows[r] = StepRow{lp + r * o_.n_classes, tv ? tv + r * k : nullptr, ti ? ti + r * k : nullptr, k,
                          r < child_kv_.size() ? child_kv_[r] : nullptr};
      }
      size_t cursor = 0;
      for (const auto& [s, count] : per_slot) {
        search[s]->Consume(rows.data() + cursor, count);
        cursor += count;
        if (search[s]->Done()) {
          out_.candidates[static_cast<size_t>(slot_swipe[s])] = search[s]->TakeResults();
          search[s].reset();
        }
      }
    }
    out_.stats.total_seconds = Seconds(start);
    return std::move(out_);
  }

 private:
  /** The next encoded swipe, encoding a batch of pending swipes when none is ready. */
  std::optional<Encoded> NextEncoded() {
    if (ready_.empty() && next_pending_ < pending_.size()) EncodeBatch();
    if (ready_.empty()) return std::nullopt;
    Encoded e = std::move(ready_.front());
    ready_.pop_front();
    return e;
  }

  void EncodeBatch() {
    const size_t b = std::min(static_cast<size_t>(slots_), pending_.size() - next_pending_);
    std::vector<int64_t> ids(pending_.begin() + static_cast<std::ptrdiff_t>(next_pending_),
                             pending_.begin() + static_cast<std::ptrdiff_t>(next_pending_ + b));
    next_pending_ += b;
    int64_t s_max = 0, s_min = std::numeric_limits<int64_t>::max();
    for (int64_t i : ids) {
      s_max = std::max(s_max, in_.lengths[i]);
      s_min = std::min(s_min, in_.lengths[i]);
    }
    const int64_t f = in_.traj.size(1);
    const bool key_ids = in_.keys.dim() == 1;
    torch::Tensor traj = torch::zeros({s_max, static_cast<int64_t>(b), f}, torch::kFloat32);
    torch::Tensor keys = key_ids ? torch::zeros({s_max, static_cast<int64_t>(b)}, torch::kInt64)
                                 : torch::zeros({s_max, static_cast<int64_t>(b), in_.keys.size(1)}, torch::kFloat32);
    torch::Tensor mask = torch::zeros({static_cast<int64_t>(b), s_max}, torch::kBool);
    for (size_t j = 0; j < b; ++j) {
      const int64_t i = ids[j], len = in_.lengths[i], off = offsets_[i];
      traj.narrow(0, 0, len).select(1, static_cast<int64_t>(j)).copy_(in_.traj.narrow(0, off, len));
      keys.narrow(0, 0, len).select(1, static_cast<int64_t>(j)).copy_(in_.keys.narrow(0, off, len));
      if (len < s_max) mask.select(0, static_cast<int64_t>(j)).narrow(0, len, s_max - len).fill_(true);
    }
    std::optional<torch::Tensor> m;
    if (s_min != s_max) m = mask.to(device_);
    const auto t0 = Clock::now();
    torch::Tensor memory = model_.Encode(traj.to(device_), keys.to(device_), m);
    out_.stats.model_seconds += Seconds(t0);
    ++out_.stats.encode_calls;
    if (memory.dim() != 3 || memory.size(0) != s_max || memory.size(1) != static_cast<int64_t>(b)) {
      throw UserError("encode returned a tensor of shape " + ShapeString(memory) + ", expected [S, B, D]");
    }
    if (incremental_) {
      const auto t1 = Clock::now();
      torch::Tensor kv = model_.MemoryKv(memory);  // [L, 2, S, B, D]
      out_.stats.model_seconds += Seconds(t1);
      if (kv.dim() != 5 || kv.size(1) != 2 || kv.size(2) != s_max || kv.size(3) != static_cast<int64_t>(b)) {
        throw UserError("memory_kv returned a tensor of shape " + ShapeString(kv) + ", expected [L, 2, S, B, D]");
      }
      for (size_t j = 0; j < b; ++j) {
        const int64_t len = in_.lengths[ids[j]];
        ready_.push_back({ids[j], len, kv.select(3, static_cast<int64_t>(j)).narrow(2, 0, len)});
      }
      return;
    }
    for (size_t j = 0; j < b; ++j) {
      const int64_t len = in_.lengths[ids[j]];
      ready_.push_back({ids[j], len, memory.select(1, static_cast<int64_t>(j)).narrow(0, 0, len)});
    }
  }

  /**
   * One incremental step for every prefix: its last token against the cache of the others. Fills
   * child_kv_ with the cache each prefix's children start from. Returns logits [R, C].
   */
  torch::Tensor Step(const std::vector<const Hypothesis*>& prefixes, const torch::Tensor& mem_kv,
                     const std::optional<torch::Tensor>& mask) {
    const int64_t r = static_cast<int64_t>(prefixes.size());
    const int64_t layers = mem_kv.size(0), d = mem_kv.size(4);
    int64_t t_max = 0;
    torch::Tensor last = torch::empty({r}, torch::kInt64);
    torch::Tensor self_len = torch::empty({r}, torch::kInt64);
    for (int64_t i = 0; i < r; ++i) {
      const int64_t n = static_cast<int64_t>(prefixes[i]->tokens.size()) - 1;
      last[i] = prefixes[i]->tokens.back();
      self_len[i] = n;
      t_max = std::max(t_max, n);
    }
    torch::Tensor self_kv = torch::zeros({layers, 2, t_max, r, d}, mem_kv.options());
    for (int64_t i = 0; i < r; ++i) {
      const KvCache& kv = prefixes[i]->kv;
      if (kv && kv->size(2) > 0) self_kv.select(3, i).narrow(2, 0, kv->size(2)).copy_(*kv);
    }
    auto [logits, new_kv] = model_.DecodeStep(last.to(device_), self_kv, self_len.to(device_), mem_kv, mask);
    if (new_kv.dim() != 4 || new_kv.size(0) != layers || new_kv.size(1) != 2 || new_kv.size(2) != r) {
      throw UserError("decode_step returned new_kv of shape " + ShapeString(new_kv) + ", expected [L, 2, B, D]");
    }
    child_kv_.resize(static_cast<size_t>(r));
    for (int64_t i = 0; i < r; ++i) {
      torch::Tensor column = new_kv.select(2, i).unsqueeze(2);  // [L, 2, 1, D]
      const KvCache& kv = prefixes[i]->kv;
      torch::Tensor child = (kv && kv->size(2) > 0) ? torch::cat({*kv, column}, 2) : column.clone();
      child_kv_[static_cast<size_t>(i)] = std::make_shared<const at::Tensor>(std::move(child));
    }
    return logits;
  }

  static std::string ShapeString(const torch::Tensor& t) {
    std::string s = "[";
    for (int64_t i = 0; i < t.dim(); ++i) s += (i ? ", " : "") + std::to_string(t.size(i));
    return s + "]";
  }

  /**
   * Copies a swipe's memory (or memory keys/values) into slot `s` of the slot tensor, growing the
   * sequence axis when the swipe is longer than any before.
   */
  void Place(int s, const Encoded& e) {
    const int64_t len = e.length;
    if (!slot_memory_.defined() || slot_memory_.size(seq_dim_) < len) {
      std::vector<int64_t> sizes = e.memory.unsqueeze(batch_dim_).sizes().vec();
      sizes[static_cast<size_t>(batch_dim_)] = slots_;
      torch::Tensor grown = torch::zeros(sizes, e.memory.options());
      if (slot_memory_.defined()) grown.narrow(seq_dim_, 0, slot_memory_.size(seq_dim_)).copy_(slot_memory_);
      slot_memory_ = grown;
    }
    slot_memory_.select(batch_dim_, s).narrow(seq_dim_, 0, len).copy_(e.memory);
  }

  /** One model call for all prefixes; masked log-probabilities and their top-k, on the host. */
  void Score(const std::vector<const Hypothesis*>& prefixes, const std::vector<int64_t>& row_slot,
             const std::vector<int64_t>& slot_len, int k, torch::Tensor& log_probs, torch::Tensor& top_values,
             torch::Tensor& top_ids) {
    const int64_t r = static_cast<int64_t>(prefixes.size());
    int64_t t_max = 0, s_act = 0, s_min = std::numeric_limits<int64_t>::max();
    for (int64_t i = 0; i < r; ++i) {
      t_max = std::max<int64_t>(t_max, static_cast<int64_t>(prefixes[i]->tokens.size()));
      s_act = std::max(s_act, slot_len[row_slot[i]]);
      s_min = std::min(s_min, slot_len[row_slot[i]]);
    }
    if (t_max > o_.max_token_len) throw UserError("a prefix is longer than the decoder's positional table");
    torch::Tensor tokens = torch::full({t_max, r}, o_.pad, torch::kInt64);
    torch::Tensor lengths = torch::empty({r}, torch::kInt64);
    auto tok = tokens.accessor<int64_t, 2>();
    for (int64_t i = 0; i < r; ++i) {
      const auto& t = prefixes[i]->tokens;
      for (size_t p = 0; p < t.size(); ++p) tok[static_cast<int64_t>(p)][i] = t[p];
      lengths[i] = static_cast<int64_t>(t.size());
    }
    torch::Tensor slots = torch::tensor(row_slot, torch::kInt64).to(device_);
    torch::Tensor memory = slot_memory_.index_select(batch_dim_, slots).narrow(seq_dim_, 0, s_act);
    std::optional<torch::Tensor> mask;
    if (s_min != s_act) {
      torch::Tensor m = torch::zeros({r, s_act}, torch::kBool);
      for (int64_t i = 0; i < r; ++i) {
        const int64_t len = slot_len[row_slot[i]];
        if (len < s_act) m.select(0, i).narrow(0, len, s_act - len).fill_(true);
      }
      mask = m.to(device_);
    }
    const auto t0 = Clock::now();
    torch::Tensor logits;
    child_kv_.clear();
    if (incremental_) {
      logits = Step(prefixes, memory, mask);
    } else if (o_.reference) {
      // The seed's call: the whole prefix through `decode`, then the last position.
      logits = model_.Decode(tokens.to(device_), memory, mask).select(0, t_max - 1);
    } else {
      logits = model_.DecodeLast(tokens.to(device_), lengths.to(device_), memory, mask);
    }
    out_.stats.model_seconds += Seconds(t0);
    ++out_.stats.decode_calls;
    out_.stats.decode_rows += r;
    if (logits.dim() != 2 || logits.size(0) != r || logits.size(1) != o_.n_classes) {
      throw UserError("decode returned logits of shape " + ShapeString(logits) + ", expected [" + std::to_string(r) + ", " +
                      std::to_string(o_.n_classes) + "] (n_classes)");
    }
    logits = logits.to(torch::kFloat32);
    if (trie_) {
      torch::Tensor allowed = torch::zeros({r, o_.n_classes}, torch::kBool);
      auto a = allowed.accessor<bool, 2>();
      for (int64_t i = 0; i < r; ++i) {
        const uint64_t bits = trie_->allowed(prefixes[i]->node);
        for (int32_t c = 0; c < o_.n_classes; ++c) a[i][c] = (bits >> c) & 1;
      }
      logits = logits.masked_fill(allowed.to(device_).logical_not(), -std::numeric_limits<float>::infinity());
    }
    torch::Tensor lp = torch::log_softmax(logits, 1);
    log_probs = lp.to(torch::kCPU).contiguous();
    if (k > 0) {
      auto top = torch::topk(lp, k, 1);
      top_values = std::get<0>(top).to(torch::kCPU).contiguous();
      top_ids = std::get<1>(top).to(torch::kCPU).contiguous();
    }
  }

  const ScriptModel& model_;
  const VocabTrie* trie_;
  const DecodingOptions& o_;
  const SwipeInputs& in_;
  c10::Device device_;
  std::vector<int64_t> offsets_;
  std::vector<int64_t> pending_;
  size_t next_pending_ = 0;
  std::deque<Encoded> ready_;
  int slots_;
  torch::Tensor slot_memory_;  // [S_cap, slots, D], or [L, 2, S_cap, slots, D] when incremental
  bool incremental_ = false;
  int64_t seq_dim_ = 0;
  int64_t batch_dim_ = 1;
  std::vector<KvCache> child_kv_;  // per row of the last round (incremental decoding)
  DecodeOutput out_;
};

}  // namespace

DecodeOutput DecodeSwipes(const ScriptModel& model, const VocabTrie* trie, const DecodingOptions& options,
                          const SwipeInputs& inputs) {
  ValidateDecodingOptions(options);
  c10::InferenceMode guard;
  return Driver(model, trie, options, inputs).Run();
}

}  // namespace neuroswipe
