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
  torch::Tensor item;  // what the round runner keeps per swipe, on the model's device
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
    const bool incremental = !o.reference && o.incremental && model.has_incremental();
    out_.stats.incremental = incremental;
    const int width = o.generator == Generator::kBeamSync ? o.beam_size : 1;
    const bool native_step = incremental && o.native_step && model.step_weights() != nullptr;
    out_.stats.native_step = native_step;
    if (native_step) {
      runner_ = MakeCpuStepRunner(model, o, slots_);
    } else {
      runner_ = incremental ? MakeIncrementalRunner(model, o, slots_, width) : MakeFullPrefixRunner(model, o, slots_);
    }
    out_.candidates.resize(n);
    skip_forced_ = trie_ != nullptr && o.skip_forced && !o.reference && runner_->SupportsDeferred();
  }

  DecodeOutput Run() {
    const auto start = Clock::now();
    std::vector<std::unique_ptr<SearchStrategy>> search(static_cast<size_t>(slots_));
    std::vector<int64_t> slot_swipe(static_cast<size_t>(slots_), -1);
    const int k = TopKFor(o_);
    while (true) {
      for (int s = 0; s < slots_; ++s) {
        if (search[s]) continue;
        std::optional<Encoded> next = NextEncoded();
        if (!next) break;
        runner_->Place(s, next->item, next->length);
        slot_swipe[s] = next->swipe;
        search[s] = MakeSearchStrategy(o_, trie_);
      }
      Round round;
      std::vector<std::pair<int, size_t>> per_slot;  // (slot, number of rows)
      bool active = false;
      for (int s = 0; s < slots_; ++s) {
        while (search[s]) {
          active = true;
          const size_t before = round.prefixes.size();
          search[s]->Requests(round.prefixes);
          const size_t count = round.prefixes.size() - before;
          if (count > 0 && skip_forced_ && AnswerForced(*search[s], round.prefixes, before, k)) {
            round.prefixes.resize(before);
            if (search[s]->Done()) {
              out_.candidates[static_cast<size_t>(slot_swipe[s])] = search[s]->TakeResults();
              search[s].reset();
            }
            continue;  // the search's next request, in this same round
          }
          for (size_t r = before; r < round.prefixes.size(); ++r) {
            round.row_slot.push_back(s);
            round.row_in_slot.push_back(static_cast<int64_t>(r - before));
          }
          per_slot.emplace_back(s, count);
          break;
        }
      }
      if (!active) break;
      if (round.prefixes.empty()) continue;  // every request was answered without the model: refill the slots
      std::vector<KvCache> child_kv;
      torch::Tensor log_probs, top_values, top_ids;
      Score(round, child_kv, k, log_probs, top_values, top_ids);
      const float* lp = log_probs.data_ptr<float>();
      const float* tv = k > 0 ? top_values.data_ptr<float>() : nullptr;
      const int64_t* ti = k > 0 ? top_ids.data_ptr<int64_t>() : nullptr;
      std::vector<StepRow> rows(round.prefixes.size());
      for (size_t r = 0; r < rows.size(); ++r) {
        rows[r] = StepRow{lp + r * o_.n_classes, tv ? tv + r * k : nullptr, ti ? ti + r * k : nullptr, k,
                          r < child_kv.size() ? child_kv[r] : nullptr};
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
    std::vector<int64_t> lengths;
    int64_t s_max = 0, s_min = std::numeric_limits<int64_t>::max();
    for (int64_t i : ids) {
      lengths.push_back(in_.lengths[i]);
      s_max = std::max(s_max, in_.lengths[i]);
      s_min = std::min(s_min, in_.lengths[i]);
    }
    const int64_t f = in_.traj.size(1), bb = static_cast<int64_t>(b);
    const bool key_ids = in_.keys.dim() == 1;
    torch::Tensor traj = torch::zeros({s_max, bb, f}, torch::kFloat32);
    torch::Tensor keys = key_ids ? torch::zeros({s_max, bb}, torch::kInt64) : torch::zeros({s_max, bb, in_.keys.size(1)}, torch::kFloat32);
    torch::Tensor mask = torch::zeros({bb, s_max}, torch::kBool);
    for (int64_t j = 0; j < bb; ++j) {
      const int64_t i = ids[static_cast<size_t>(j)], len = in_.lengths[i], off = offsets_[i];
      traj.narrow(0, 0, len).select(1, j).copy_(in_.traj.narrow(0, off, len));
      keys.narrow(0, 0, len).select(1, j).copy_(in_.keys.narrow(0, off, len));
      if (len < s_max) mask.select(0, j).narrow(0, len, s_max - len).fill_(true);
    }
    std::optional<torch::Tensor> m;
    if (s_min != s_max) m = mask.to(device_);
    const auto t0 = Clock::now();
    torch::Tensor memory = model_.Encode(traj.to(device_), keys.to(device_), m);
    out_.stats.model_seconds += Seconds(t0);
    out_.stats.encode_seconds += Seconds(t0);
    ++out_.stats.encode_calls;
    out_.stats.encoded_positions += static_cast<double>(s_max * bb);
    out_.stats.encoder_pairs += static_cast<double>(s_max * s_max * bb);
    if (memory.dim() != 3 || memory.size(0) != s_max || memory.size(1) != bb) {
      throw UserError("encode returned a tensor of shape " + ShapeString(memory) + ", expected [S, B, D]");
    }
    std::vector<torch::Tensor> items = runner_->Prepare(memory, lengths, out_.stats);
    for (size_t j = 0; j < b; ++j) ready_.push_back({ids[j], lengths[j], items[j]});
  }

  /**
   * When every prefix a search requested (from `from` on) sits on a vocabulary node that allows exactly one
   * token, answers them without the model: masked log_softmax is exactly 0 for that token and -inf for every
   * other whatever the (finite) logits, so the search takes the same step with the same score. The children's
   * caches are deferred: the runner computes the skipped keys/values when a descendant needs them.
   */
  bool AnswerForced(SearchStrategy& search, const std::vector<const Hypothesis*>& prefixes, size_t from, int k) {
    const size_t count = prefixes.size() - from;
    std::vector<int32_t> tokens(count);
    for (size_t i = 0; i < count; ++i) {
      const uint64_t bits = trie_->allowed(prefixes[from + i]->node);
      if (bits == 0 || (bits & (bits - 1)) != 0) return false;
      tokens[i] = __builtin_ctzll(bits);
    }
    const float minus_inf = -std::numeric_limits<float>::infinity();
    const size_t c = static_cast<size_t>(o_.n_classes);
    forced_lp_.assign(count * c, minus_inf);
    forced_top_values_.assign(count * static_cast<size_t>(k), minus_inf);
    forced_top_ids_.resize(count * static_cast<size_t>(k));
    std::vector<StepRow> rows(count);
    for (size_t i = 0; i < count; ++i) {
      const int32_t t = tokens[i];
      forced_lp_[i * c + static_cast<size_t>(t)] = 0.0f;
      int64_t* ids = forced_top_ids_.data() + i * static_cast<size_t>(k);
      // torch.topk order: the one finite value first, then the -inf entries by index.
      for (int j = 0, next = 0; j < k; ++j) {
        if (j == 0) {
          ids[0] = t;
          forced_top_values_[i * static_cast<size_t>(k)] = 0.0f;
          continue;
        }
        if (next == t) ++next;
        ids[j] = next++;
      }
      rows[i] = StepRow{forced_lp_.data() + i * c, k > 0 ? forced_top_values_.data() + i * static_cast<size_t>(k) : nullptr,
                        k > 0 ? ids : nullptr, k, runner_->Defer(*prefixes[from + i])};
    }
    search.Consume(rows.data(), count);
    out_.stats.forced_steps += static_cast<int64_t>(count);
    return true;
  }

  /** One model call for the round; masked log-probabilities and their top-k, on the host. */
  void Score(const Round& round, std::vector<KvCache>& child_kv, int k, torch::Tensor& log_probs,
             torch::Tensor& top_values, torch::Tensor& top_ids) {
    const int64_t r = static_cast<int64_t>(round.prefixes.size());
    torch::Tensor logits = runner_->Logits(round, child_kv, out_.stats);
    ++out_.stats.decode_calls;
    out_.stats.decode_rows += r;
    if (logits.dim() != 2 || logits.size(0) != r || logits.size(1) != o_.n_classes) {
      throw UserError("the decoder returned logits of shape " + ShapeString(logits) + ", expected [" + std::to_string(r) +
                      ", " + std::to_string(o_.n_classes) + "] (n_classes)");
    }
    logits = logits.to(torch::kFloat32);
    if (trie_) {
      torch::Tensor allowed = torch::zeros({r, o_.n_classes}, torch::kBool);
      auto a = allowed.accessor<bool, 2>();
      for (int64_t i = 0; i < r; ++i) {
        const uint64_t bits = trie_->allowed(round.prefixes[static_cast<size_t>(i)]->node);
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
  std::unique_ptr<RoundRunner> runner_;
  bool skip_forced_ = false;
  std::vector<float> forced_lp_, forced_top_values_;
  std::vector<int64_t> forced_top_ids_;
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
