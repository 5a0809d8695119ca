// DecodeSwipes: the continuous-batching loop. Each round fills free slots from the swipe queue, gathers the
// searches' requests, answers what it can without the model (forced steps, chain rows scored earlier), scores
// the rest in one model call and hands every search its rows.
#include "engine/driver.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>

#include "common/invariant.h"
#include "common/native_error.h"
#include "engine/chain_rows.h"
#include "engine/forced_steps.h"
#include "engine/round_scorer.h"
#include "engine/seed_tie_referee.h"
#include "engine/step_profile.h"
#include "engine/step_trace.h"
#include "engine/swipe_queue.h"
#include "model/device_memory.h"
#include "model/out_of_memory.h"
#include "search/logits_processor.h"

namespace neuroswipe {
namespace {

/** The requests of one search in a round: `count` of them from `first` in the round's sources. */
struct SlotRequests {
  int slot;
  size_t first;
  size_t count;
};

class Driver {
 public:
  Driver(const ScriptModel& model, const VocabTrie* trie, const DecodingOptions& o, const SwipeInputs& in)
      : model_(model), trie_(trie), o_(o), in_(in), device_(model.device()),
        queue_(in, o.engine.reference, model.device()), forced_(o.limits.n_classes), chain_rows_(trie, o) {
    const size_t n = in.lengths.size();
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
    // A step is answered without the model only when one processor alone decides it (see ForcedStepAnswerer).
    skip_forced_ = processors_.size() == 1 && o.engine.skip_forced && !o.engine.reference &&
                   o.search.vocab_scoring == VocabScoring::kSeed && runner_->SupportsDeferred();
    // Under model scoring a forced token has its own cost: its chain is scored in the model call of its first row.
    chains_ = processors_.size() == 1 && in.word_lists.empty() && o.engine.skip_forced && !o.engine.reference &&
              o.search.vocab_scoring == VocabScoring::kModel && runner_->SupportsChains();
  }

  DecodeOutput Run() {
    const auto start = std::chrono::steady_clock::now();
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
    out_.stats.total_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return std::move(out_);
  }

  void MakeRunner() {
    const int width = RequestsPerRound(o_.search);
    runner_ = native_step_   ? MakeCpuStepRunner(model_, o_, slots_)
              : incremental_ ? MakeIncrementalRunner(model_, o_, slots_, width)
                             : MakeFullPrefixRunner(model_, o_, slots_);
    search_.clear();
    search_.resize(static_cast<size_t>(slots_));
    referees_.clear();
    referees_.resize(static_cast<size_t>(slots_));
    chain_rows_.Reset(slots_);
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
        if (!queue_.has_ready() && queue_.has_queued()) {
          timer.Next(StepPhase::kEncode);
          queue_.EncodeBatch(slots_, model_, *runner_, out_.stats);
          timer.Next(StepPhase::kSearch);
        }
        if (!queue_.has_ready()) break;
        // The swipe leaves the queue only once it holds its slot, so a failure in between loses nothing.
        const EncodedSwipe& next = queue_.front();
        timer.Next(StepPhase::kEncode);
        runner_->Place(s, next.item, next.length);
        timer.Next(StepPhase::kSearch);
        slot_swipe_[s] = next.swipe;
        const VocabTrie* t = in_.word_lists.empty() ? trie_ : &in_.word_lists[static_cast<size_t>(next.swipe)];
        search_[s] = MakeSearchStrategy(o_.search, o_.limits, t);
        if (seed_ties_) {
          const int64_t off = queue_.offset(next.swipe);
          referees_[s] = std::make_unique<SeedTieReferee>(
              model_, processors_, o_.search.vocab_scoring, t, in_.traj.narrow(0, off, next.length),
              in_.keys.narrow(0, off, next.length), o_.limits.n_classes, out_.stats);
          search_[s]->SetTieReferee(referees_[s].get());
        }
        queue_.Pop();
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
          if (count == 0) {  // a search may find itself done when asked (exact search pruning its last prefixes)
            NEUROSWIPE_ASSERT(search_[s]->Done(), "a search that asks for no prefix is done");
            FinishSlot(s);
            continue;
          }
          if (skip_forced_ &&
              forced_.Answer(*processors_.front(), *runner_, *search_[s], round.prefixes, before, k, out_.stats)) {
            round.prefixes.resize(before);
            if (search_[s]->Done()) FinishSlot(s);
            continue;  // the search's next request, in this same round
          }
          const size_t first = sources.size(), first_answer = answered.size();
          size_t kept = before;
          for (size_t r = before; r < before + count; ++r) {
            const Hypothesis* h = round.prefixes[r];
            std::optional<AheadRow> found = chains_ ? chain_rows_.Take(s, h->tokens) : std::nullopt;
            if (found) {
              sources.push_back(-1 - static_cast<int64_t>(answered.size()));
              answered.push_back(std::move(*found));
              continue;
            }
            sources.push_back(static_cast<int64_t>(kept));
            round.prefixes[kept++] = h;
            round.row_slot.push_back(s);
            round.row_in_slot.push_back(static_cast<int64_t>(kept - 1 - before));
            if (chains_) round.ahead.push_back(chain_rows_.ChainOf(*h));
          }
          round.prefixes.resize(kept);
          out_.stats.chain_steps += static_cast<int64_t>(answered.size() - first_answer);
          if (kept == before) {
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
      timer.Next(StepPhase::kRunner);        // ScoreRound switches to kScore once the model call is done
      const std::vector<Hypothesis> chain = chain_rows_.Prefixes(round);
      std::vector<const Hypothesis*> prefixes = round.prefixes;
      for (const Hypothesis& h : chain) prefixes.push_back(&h);
      ScoredRound scored = ScoreRound(*runner_, processors_, o_.search.vocab_scoring, o_.limits.n_classes, round,
                                      prefixes, k, out_.stats, timer);
      if (o_.engine.trace_steps) {
        TraceRound(round, prefixes, scored.log_probs.data_ptr<float>(), o_.limits.n_classes, slot_swipe_, out_.traces);
      }
      timer.Next(StepPhase::kSearch);
      const std::vector<StepRow> rows = scored.Rows(round.prefixes.size(), o_.limits.n_classes, k);
      if (!round.ahead.empty()) chain_rows_.Keep(round, scored, k);
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

  /** Stores the finished search's results for its swipe and frees the slot. */
  void FinishSlot(int s) {
    out_.candidates[static_cast<size_t>(slot_swipe_[s])] = search_[s]->TakeResults();
    out_.certified_top[static_cast<size_t>(slot_swipe_[s])] = search_[s]->CertifiedTop();
    chain_rows_.Clear(s);
    if (o_.search.margins) out_.margins[static_cast<size_t>(slot_swipe_[s])] = search_[s]->Margins();
    search_[s].reset();
    referees_[s].reset();
  }

  /**
   * After a model call ran out of memory: every swipe not yet finished that had been taken from the queue
   * (in a slot, encoded and waiting, or being encoded) goes back to the front of the queue in its original
   * order and starts from scratch; the runner is rebuilt for half the batch that was in use. Finished
   * swipes keep their results. A batch of one that fails is an error.
   */
  void SplitAfterOutOfMemory(const std::string& message) {
    std::vector<int64_t> in_slots;
    for (size_t s = 0; s < search_.size(); ++s) {
      if (search_[s]) in_slots.push_back(slot_swipe_[s]);
    }
    const std::vector<int64_t> back = queue_.Unfinished(std::move(in_slots));
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
    queue_.Requeue(back);
    runner_.reset();
    ReleaseCachedDeviceMemory(device_);
    const int in_use =
        back.empty() ? slots_ : static_cast<int>(std::min<size_t>(static_cast<size_t>(slots_), back.size()));
    slots_ = std::max(1, in_use / 2);
    ++out_.stats.oom_splits;
    out_.stats.oom_restarts += static_cast<int64_t>(back.size());
    MakeRunner();
  }

  const ScriptModel& model_;
  const VocabTrie* trie_;
  const DecodingOptions& o_;
  const SwipeInputs& in_;
  c10::Device device_;
  bool incremental_ = false;
  bool native_step_ = false;
  SwipeQueue queue_;
  int slots_;
  std::unique_ptr<RoundRunner> runner_;
  std::vector<std::unique_ptr<LogitsProcessor>> processors_;  // applied in order between the model and the search
  bool skip_forced_ = false;
  ForcedStepAnswerer forced_;
  bool chains_ = false;
  ChainRows chain_rows_;
  std::vector<StepRow> slot_rows_;
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
  // Word lists come only with repair's rescoring call (lib/decode/postprocess.ts): its searches hold nodes of
  // their own swipe's trie, which a vocabulary mask of another trie would read out of bounds.
  NEUROSWIPE_ASSERT(inputs.word_lists.empty() || inputs.word_lists.size() == inputs.lengths.size(),
                    "decodeSwipes: one word list per swipe");
  NEUROSWIPE_ASSERT(inputs.word_lists.empty() || (options.search.generator == Generator::kExact && !trie),
                    "decodeSwipes: word lists are scored by generator exact without a vocabulary trie");
  c10::InferenceMode guard;
  return Driver(model, trie, options, inputs).Run();
}

}  // namespace neuroswipe
