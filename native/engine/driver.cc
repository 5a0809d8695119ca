#include "engine/driver.h"

#include <algorithm>
#include <chrono>
#include <deque>
#include <limits>
#include <map>
#include <numeric>
#include <optional>
#include <stdexcept>
#include <string>

#include "common/native_error.h"
#include "engine/host_staging.h"
#include "engine/seed_tie_referee.h"
#include "engine/step_profile.h"
#include "model/device_memory.h"
#include "model/out_of_memory.h"
#include "search/logits_processor.h"

namespace neuroswipe {
namespace {

using Clock = std::chrono::steady_clock;

/** Least length, relative to a CPU encoder batch's longest swipe, of the swipes encoded with it. */
constexpr double kMinEncodeFill = 0.8;

double Seconds(Clock::time_point since) { return std::chrono::duration<double>(Clock::now() - since).count(); }

/** A row scored ahead in a forced chain, kept until its prefix is requested. */
struct AheadRow {
  std::vector<float> log_probs, top_values;
  std::vector<int64_t> top_ids;
  KvCache child_kv;
};

/** The requests of one search in a round: `count` of them from `first` in the round's sources. */
struct SlotRequests {
  int slot;
  size_t first;
  size_t count;
};

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
    std::vector<int64_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    if (!o.engine.reference) {
      // Longest first: swipes of similar length share rounds, so little memory padding is attended to.
      std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return in.lengths[a] > in.lengths[b]; });
    }
    pending_.assign(order.begin(), order.end());
    rank_.resize(n);
    for (size_t r = 0; r < n; ++r) rank_[static_cast<size_t>(order[r])] = static_cast<int64_t>(r);
    slots_ = o.engine.reference ? 1 : o.engine.batch_size;
    incremental_ = !o.engine.reference && o.engine.incremental && model.has_incremental();
    out_.stats.incremental = incremental_;
    native_step_ = incremental_ && o.engine.native_step && model.step_weights() != nullptr;
    out_.stats.native_step = native_step_;
    MakeRunner();
    out_.candidates.resize(n);
    out_.certified_top.assign(n, -1);
    if (o.search.margins) out_.margins.resize(n);
    if (o.engine.trace_steps) out_.traces.resize(n);
    const Generator g = o.search.generator;
    seed_ties_ = o.engine.seed_ties && !o.engine.reference && in.word_lists.empty() &&
                 (g == Generator::kGreedy || g == Generator::kBeam);
    if (trie_) processors_.push_back(MakeVocabMaskProcessor(*trie_, o.limits.n_classes));
    // A step is answered without the model only when one processor alone decides it (see AnswerForced).
    skip_forced_ = processors_.size() == 1 && o.engine.skip_forced && !o.engine.reference &&
                   o.search.vocab_scoring == VocabScoring::kSeed && runner_->SupportsDeferred();
    // Under model scoring a forced token has its own cost: its chain is scored in the model call of its first row.
    chains_ = processors_.size() == 1 && in.word_lists.empty() && o.engine.skip_forced && !o.engine.reference &&
              o.search.vocab_scoring == VocabScoring::kModel && runner_->SupportsChains();
  }

  DecodeOutput Run() {
    const auto start = Clock::now();
    while (true) {
      std::string oom;
      try {
        RunRounds();
        break;
      } catch (...) {
        if (!CurrentExceptionIsOutOfMemory()) throw;
        oom = CurrentExceptionMessage();
      }
      // Outside the handler: the failed call's tensors are gone once the stack has unwound.
      SplitAfterOutOfMemory(oom);
    }
    out_.stats.final_batch_size = slots_;
    out_.stats.total_seconds = Seconds(start);
    return std::move(out_);
  }

 private:
  void MakeRunner() {
    const int width = RequestsPerRound(o_.search);
    if (native_step_) {
      runner_ = MakeCpuStepRunner(model_, o_, slots_);
    } else {
      runner_ =
          incremental_ ? MakeIncrementalRunner(model_, o_, slots_, width) : MakeFullPrefixRunner(model_, o_, slots_);
    }
    search_.clear();
    search_.resize(static_cast<size_t>(slots_));
    referees_.clear();
    referees_.resize(static_cast<size_t>(slots_));
    ahead_.clear();
    ahead_.resize(static_cast<size_t>(slots_));
    slot_swipe_.assign(static_cast<size_t>(slots_), -1);
  }

  /** Fills free slots and runs rounds until every swipe is decoded. Each swipe's result lands in out_. */
  void RunRounds() {
    const int k = TopKFor(o_.search);
    while (true) {
      // Between rounds (a round is one model call): an abort stops the search within one round.
      if (in_.cancel && in_.cancel->load(std::memory_order_relaxed)) throw DecodeCancelled();
      PhaseTimer timer(StepPhase::kSearch);
      for (int s = 0; s < slots_; ++s) {
        if (search_[s]) continue;
        if (ready_.empty() && !pending_.empty()) {
          timer.Next(StepPhase::kEncode);
          EncodeBatch();
          timer.Next(StepPhase::kSearch);
        }
        if (ready_.empty()) break;
        // The swipe leaves ready_ only once it holds its slot, so a failure in between loses nothing.
        const Encoded& next = ready_.front();
        timer.Next(StepPhase::kEncode);
        runner_->Place(s, next.item, next.length);
        timer.Next(StepPhase::kSearch);
        slot_swipe_[s] = next.swipe;
        const VocabTrie* t = in_.word_lists.empty() ? trie_ : &in_.word_lists[static_cast<size_t>(next.swipe)];
        search_[s] = MakeSearchStrategy(o_.search, o_.limits, t);
        if (seed_ties_) {
          const int64_t off = offsets_[static_cast<size_t>(next.swipe)];
          referees_[s] = std::make_unique<SeedTieReferee>(
              model_, processors_, o_.search.vocab_scoring, t, in_.traj.narrow(0, off, next.length),
              in_.keys.narrow(0, off, next.length), o_.limits.n_classes, out_.stats);
          search_[s]->SetTieReferee(referees_[s].get());
        }
        ready_.pop_front();
      }
      Round round;
      std::vector<SlotRequests> per_slot;
      // Per request of the round: its model row, or −1 − i for answered[i] (a chain row scored earlier).
      std::vector<int64_t> sources;
      std::vector<AheadRow> answered;
      bool active = false;
      for (int s = 0; s < slots_; ++s) {
        while (search_[s]) {
          active = true;
          const size_t before = round.prefixes.size();
          search_[s]->Requests(round.prefixes);
          const size_t count = round.prefixes.size() - before;
          if (count == 0) {
            // A search may find itself done when asked (exact search pruning its last prefixes); one that asks
            // nothing and is not done would never advance.
            if (!search_[s]->Done()) throw std::logic_error("a search asked for no prefix and is not done");
            FinishSlot(s);
            continue;
          }
          if (count > 0 && skip_forced_ && AnswerForced(*search_[s], round.prefixes, before, k)) {
            round.prefixes.resize(before);
            if (search_[s]->Done()) FinishSlot(s);
            continue;  // the search's next request, in this same round
          }
          const size_t first = sources.size(), first_answer = answered.size();
          size_t kept = before;
          for (size_t r = before; r < before + count; ++r) {
            const Hypothesis* h = round.prefixes[r];
            auto found = chains_ ? ahead_[s].find(h->tokens) : ahead_[s].end();
            if (found != ahead_[s].end()) {
              sources.push_back(-1 - static_cast<int64_t>(answered.size()));
              answered.push_back(std::move(found->second));
              ahead_[s].erase(found);
              continue;
            }
            sources.push_back(static_cast<int64_t>(kept));
            round.prefixes[kept++] = h;
            round.row_slot.push_back(s);
            round.row_in_slot.push_back(static_cast<int64_t>(kept - 1 - before));
            if (chains_) round.ahead.push_back(ChainOf(*h));
          }
          round.prefixes.resize(kept);
          out_.stats.chain_steps += static_cast<int64_t>(answered.size() - first_answer);
          if (count > 0 && kept == before) {
            // Every request was scored ahead: answered now, and the search asks again in this same round.
            ConsumeRequests(SlotRequests{s, first, count}, sources, answered, nullptr);
            sources.resize(first);
            answered.resize(first_answer);
            if (search_[s]->Done()) FinishSlot(s);
            continue;
          }
          per_slot.push_back(SlotRequests{s, first, count});
          break;
        }
      }
      if (!active) break;
      if (round.prefixes.empty()) continue;  // every request was answered without the model: refill the slots
      std::vector<KvCache> child_kv;
      torch::Tensor log_probs, top_values, top_ids;
      timer.Next(StepPhase::kRunner);  // Score switches to kScore once the model call is done
      Score(round, child_kv, k, log_probs, top_values, top_ids, timer);
      timer.Next(StepPhase::kSearch);
      const float* lp = log_probs.data_ptr<float>();
      const float* tv = k > 0 ? top_values.data_ptr<float>() : nullptr;
      const int64_t* ti = k > 0 ? top_ids.data_ptr<int64_t>() : nullptr;
      std::vector<StepRow> rows(round.prefixes.size());
      for (size_t r = 0; r < rows.size(); ++r) {
        rows[r] = StepRow{lp + r * o_.limits.n_classes, tv ? tv + r * k : nullptr, ti ? ti + r * k : nullptr, k,
                          r < child_kv.size() ? child_kv[r] : nullptr};
      }
      if (!round.ahead.empty()) KeepChains(round, child_kv, lp, tv, ti, k);
      for (const SlotRequests& q : per_slot) {
        ConsumeRequests(q, sources, answered, rows.data());
        if (search_[q.slot]->Done()) FinishSlot(q.slot);
      }
    }
  }

  /** Hands one search its rows, in the order it requested them: model rows from `model_rows`, or answered ones. */
  void ConsumeRequests(const SlotRequests& q, const std::vector<int64_t>& sources, std::vector<AheadRow>& answered,
                       const StepRow* model_rows) {
    slot_rows_.resize(q.count);
    for (size_t j = 0; j < q.count; ++j) {
      const int64_t src = sources[q.first + j];
      if (src >= 0) {
        slot_rows_[j] = model_rows[src];
        continue;
      }
      AheadRow& a = answered[static_cast<size_t>(-1 - src)];
      const int k = static_cast<int>(a.top_ids.size());
      slot_rows_[j] = StepRow{a.log_probs.data(), k > 0 ? a.top_values.data() : nullptr,
                              k > 0 ? a.top_ids.data() : nullptr, k, a.child_kv};
    }
    search_[q.slot]->Consume(slot_rows_.data(), q.count);
  }

  /**
   * The tokens the trie forces after `h` (one allowed letter, then the next, …), up to the longest prefix a
   * search may still request: the chain scored with `h` in one model call. Stops before `<eos>`.
   */
  std::vector<int32_t> ChainOf(const Hypothesis& h) const {
    std::vector<int32_t> chain;
    const size_t limit = static_cast<size_t>(std::min(o_.search.max_steps, o_.limits.max_token_len));
    int32_t node = h.node;
    while (node != VocabTrie::kNoNode && h.tokens.size() + chain.size() + 1 <= limit) {
      const uint64_t bits = trie_->allowed(node);
      if (bits == 0 || (bits & (bits - 1)) != 0) break;
      const auto t = static_cast<int32_t>(__builtin_ctzll(bits));
      if (t == o_.limits.eos || t >= o_.limits.n_classes) break;
      chain.push_back(t);
      node = trie_->child(node, t);
    }
    return chain;
  }

  /** The chain prefixes of a round (Round::ahead), in the order of their rows after the requested ones. */
  std::vector<Hypothesis> ChainPrefixes(const Round& round) const {
    std::vector<Hypothesis> out;
    for (size_t i = 0; i < round.ahead.size(); ++i) {
      const Hypothesis* prev = round.prefixes[i];
      for (int32_t t : round.ahead[i]) {
        Hypothesis h;
        h.tokens = prev->tokens;
        h.tokens.push_back(t);
        h.node = trie_->child(prev->node, t);
        out.push_back(std::move(h));
        prev = &out.back();
      }
    }
    return out;
  }

  /** Keeps each chain row of the round for its swipe's search, until it requests that prefix. */
  void KeepChains(const Round& round, const std::vector<KvCache>& child_kv, const float* lp, const float* tv,
                  const int64_t* ti, int k) {
    const size_t c = static_cast<size_t>(o_.limits.n_classes), kk = static_cast<size_t>(k);
    size_t row = round.prefixes.size();
    for (size_t i = 0; i < round.ahead.size(); ++i) {
      std::vector<int32_t> tokens = round.prefixes[i]->tokens;
      for (int32_t t : round.ahead[i]) {
        tokens.push_back(t);
        AheadRow a;
        a.log_probs.assign(lp + row * c, lp + (row + 1) * c);
        if (k > 0) {
          a.top_values.assign(tv + row * kk, tv + (row + 1) * kk);
          a.top_ids.assign(ti + row * kk, ti + (row + 1) * kk);
        }
        a.child_kv = row < child_kv.size() ? child_kv[row] : nullptr;
        ahead_[static_cast<size_t>(round.row_slot[i])][tokens] = std::move(a);
        ++row;
      }
    }
  }

  /** Stores the finished search's results for its swipe and frees the slot. */
  void FinishSlot(int s) {
    out_.candidates[static_cast<size_t>(slot_swipe_[s])] = search_[s]->TakeResults();
    out_.certified_top[static_cast<size_t>(slot_swipe_[s])] = search_[s]->CertifiedTop();
    ahead_[static_cast<size_t>(s)].clear();
    if (o_.search.margins) out_.margins[static_cast<size_t>(slot_swipe_[s])] = search_[s]->Margins();
    search_[s].reset();
    referees_[s].reset();
  }

  /** Appends each row of the round (`prefixes`: the requested ones, then the chains') to its swipe's StepTrace. */
  void Trace(const Round& round, const std::vector<const Hypothesis*>& prefixes, const float* log_probs) {
    const size_t c = static_cast<size_t>(o_.limits.n_classes);
    std::vector<int64_t> slots = round.row_slot;
    for (size_t i = 0; i < round.ahead.size(); ++i) slots.insert(slots.end(), round.ahead[i].size(), round.row_slot[i]);
    for (size_t r = 0; r < prefixes.size(); ++r) {
      StepTrace& t = out_.traces[static_cast<size_t>(slot_swipe_[static_cast<size_t>(slots[r])])];
      const auto& tokens = prefixes[r]->tokens;
      t.tokens.insert(t.tokens.end(), tokens.begin(), tokens.end());
      t.offsets.push_back(static_cast<int32_t>(t.tokens.size()));
      t.log_probs.insert(t.log_probs.end(), log_probs + r * c, log_probs + (r + 1) * c);
    }
  }

  /**
   * After a model call ran out of memory: every swipe not yet finished that had been taken from the queue
   * (in a slot, encoded and waiting, or being encoded) goes back to the front of the queue in its original
   * order and starts from scratch; the runner is rebuilt for half the batch that was in use. Finished
   * swipes keep their results. A batch of one that fails is an error.
   */
  void SplitAfterOutOfMemory(const std::string& message) {
    std::vector<int64_t> back;
    for (size_t s = 0; s < search_.size(); ++s) {
      if (search_[s]) back.push_back(slot_swipe_[s]);
    }
    for (const Encoded& e : ready_) back.push_back(e.swipe);
    back.insert(back.end(), encoding_.begin(), encoding_.end());
    std::sort(back.begin(), back.end(),
              [&](int64_t a, int64_t b) { return rank_[static_cast<size_t>(a)] < rank_[static_cast<size_t>(b)]; });
    back.erase(std::unique(back.begin(), back.end()), back.end());
    for (int64_t i : back) {
      if (o_.engine.trace_steps) out_.traces[static_cast<size_t>(i)] = StepTrace{};  // its search starts again
    }
    if (slots_ == 1) {
      int64_t points = 0;
      for (int64_t i : back) points = std::max(points, in_.lengths[static_cast<size_t>(i)]);
      throw UserError("out of memory even with a batch of one swipe (" + std::to_string(points) +
                      " points); free memory on the device or use a smaller model: " + OutOfMemoryReason(message));
    }
    search_.clear();
    referees_.clear();
    ready_.clear();
    encoding_.clear();
    runner_.reset();
    ReleaseCachedDeviceMemory(device_);
    pending_.insert(pending_.begin(), back.begin(), back.end());
    const int in_use =
        back.empty() ? slots_ : static_cast<int>(std::min<size_t>(static_cast<size_t>(slots_), back.size()));
    slots_ = std::max(1, in_use / 2);
    ++out_.stats.oom_splits;
    out_.stats.oom_restarts += static_cast<int64_t>(back.size());
    MakeRunner();
  }

  /**
   * Encodes the next batch of queued swipes (at most one per slot) into ready_. On the CPU a batch ends before
   * the first queued swipe shorter than kMinEncodeFill of its first (longest, in the queue's order): the
   * encoder's cost grows with the padded length, so a batch of mixed lengths (a server's batch in arrival
   * order) is encoded in several calls of similar lengths rather than padded to its longest swipe.
   */
  void EncodeBatch() {
    size_t b = std::min(static_cast<size_t>(slots_), pending_.size());
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
    torch::Tensor memory = model_.Encode(ToDevice(traj, device_), ToDevice(keys, device_), m);
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
    encoding_.clear();
  }

  /**
   * When the logits processor forces a token after every prefix a search requested (from `from` on), as the
   * vocabulary mask does on a node that allows exactly one token, answers them without the model: the masked
   * log_softmax is exactly 0 for that token and -inf for every other whatever the (finite) logits, so the search
   * takes the same step with the same score. The children's caches are deferred: the runner computes the
   * skipped keys/values when a descendant needs them.
   */
  bool AnswerForced(SearchStrategy& search, const std::vector<const Hypothesis*>& prefixes, size_t from, int k) {
    const size_t count = prefixes.size() - from;
    std::vector<int32_t> tokens(count);
    for (size_t i = 0; i < count; ++i) {
      const std::optional<int32_t> forced = processors_.front()->ForcedToken(*prefixes[from + i]);
      if (!forced) return false;
      tokens[i] = *forced;
    }
    const float minus_inf = -std::numeric_limits<float>::infinity();
    const size_t c = static_cast<size_t>(o_.limits.n_classes);
    forced_lp_.assign(count * c, minus_inf);
    forced_top_values_.assign(count * static_cast<size_t>(k), minus_inf);
    forced_top_ids_.resize(count * static_cast<size_t>(k));
    std::vector<StepRow> rows(count);
    for (size_t i = 0; i < count; ++i) {
      const int32_t t = tokens[i];
      forced_lp_[i * c + static_cast<size_t>(t)] = 0.0f;
      int64_t* ids = forced_top_ids_.data() + i * static_cast<size_t>(k);
      // The one finite value first, then -inf entries (every search skips those) with the other ids in order.
      if (k > 0) {
        ids[0] = t;
        forced_top_values_[i * static_cast<size_t>(k)] = 0.0f;
      }
      for (int j = 1, next = 0; j < k; ++j, ++next) {
        if (next == t) ++next;
        ids[j] = next;
      }
      rows[i] =
          StepRow{forced_lp_.data() + i * c, k > 0 ? forced_top_values_.data() + i * static_cast<size_t>(k) : nullptr,
                  k > 0 ? ids : nullptr, k, runner_->Defer(*prefixes[from + i])};
    }
    search.Consume(rows.data(), count);
    out_.stats.forced_steps += static_cast<int64_t>(count);
    return true;
  }

  /**
   * One model call for the round, then the logits processors; log-probabilities and their top-k, on the host,
   * for the requested rows and then the chain rows (Round::ahead).
   */
  void Score(const Round& round, std::vector<KvCache>& child_kv, int k, torch::Tensor& log_probs,
             torch::Tensor& top_values, torch::Tensor& top_ids, PhaseTimer& timer) {
    const std::vector<Hypothesis> chain = ChainPrefixes(round);
    std::vector<const Hypothesis*> prefixes = round.prefixes;
    for (const Hypothesis& h : chain) prefixes.push_back(&h);
    const int64_t r = static_cast<int64_t>(prefixes.size());
    torch::Tensor logits = runner_->Logits(round, child_kv, out_.stats);
    timer.Next(StepPhase::kScore);
    ++out_.stats.decode_calls;
    out_.stats.decode_rows += r;
    out_.stats.chain_rows += static_cast<int64_t>(chain.size());
    if (logits.dim() != 2 || logits.size(0) != r || logits.size(1) != o_.limits.n_classes) {
      throw UserError("the decoder returned logits of shape " + ShapeString(logits) + ", expected [" +
                      std::to_string(r) + ", " + std::to_string(o_.limits.n_classes) + "] (n_classes)");
    }
    torch::Tensor lp = ProcessedLogProbs(logits.to(torch::kFloat32), prefixes, processors_, o_.search.vocab_scoring);
    log_probs = lp.to(torch::kCPU).contiguous();
    if (o_.engine.trace_steps) Trace(round, prefixes, log_probs.data_ptr<float>());
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
  bool incremental_ = false;
  bool native_step_ = false;
  std::vector<int64_t> offsets_;
  std::vector<int64_t> rank_;      // per swipe: its place in the initial queue order
  std::deque<int64_t> pending_;    // swipes not taken yet, in rank order
  std::vector<int64_t> encoding_;  // the batch being encoded (taken from pending_, not yet in ready_)
  std::deque<Encoded> ready_;
  int slots_;
  std::unique_ptr<RoundRunner> runner_;
  std::vector<std::unique_ptr<LogitsProcessor>> processors_;  // applied in order between the model and the search
  bool skip_forced_ = false;
  bool chains_ = false;
  // Per slot: chain rows scored ahead, by prefix tokens; dropped when the swipe finishes.
  std::vector<std::map<std::vector<int32_t>, AheadRow>> ahead_;
  std::vector<StepRow> slot_rows_;
  std::vector<float> forced_lp_, forced_top_values_;
  std::vector<int64_t> forced_top_ids_;
  bool seed_ties_ = false;
  std::vector<std::unique_ptr<SearchStrategy>> search_;    // per slot; null when free
  std::vector<std::unique_ptr<SeedTieReferee>> referees_;  // per slot, with its search (seed_ties_)
  std::vector<int64_t> slot_swipe_;                        // per slot: the swipe it holds
  DecodeOutput out_;
};

}  // namespace

DecodeOutput DecodeSwipes(const ScriptModel& model, const VocabTrie* trie, const DecodingOptions& options,
                          const SwipeInputs& inputs) {
  ValidateDecodingOptions(options);
  const Generator g = options.search.generator;
  if (!inputs.word_lists.empty()) {
    if (g != Generator::kExact || trie) {
      throw UserError("word lists are scored by generator exact without a vocabulary trie");
    }
    if (inputs.word_lists.size() != inputs.lengths.size()) throw UserError("word lists: expected one per swipe");
  } else if ((g == Generator::kExact || g == Generator::kHybrid) && !trie) {
    throw UserError(std::string("decoding.generator: ") + (g == Generator::kExact ? "exact" : "hybrid") +
                    " scores the words of a vocabulary; none was given");
  }
  c10::InferenceMode guard;
  return Driver(model, trie, options, inputs).Run();
}

}  // namespace neuroswipe
