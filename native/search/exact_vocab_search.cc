// Exact vocabulary scoring: every word of the vocabulary scored by the model, teacher-forced, batched over the
// trie (see exact_vocab_search.h).
#include "search/exact_vocab_search.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "common/invariant.h"
#include "search/search_common.h"

namespace neuroswipe {
ExactVocabSearch::ExactVocabSearch(const SearchOptions& o, const ModelLimits& limits, const VocabTrie& trie)
    : o_(o), limits_(limits), trie_(trie), prune_(o.top_n > 0) {
  Hypothesis start;
  start.tokens = {limits.sos};
  start.node = 0;
  Push(std::move(start));
}

ExactVocabSearch::ExactVocabSearch(const SearchOptions& o, const ModelLimits& limits, const VocabTrie& trie,
                                   std::vector<Hypothesis> prefixes)
    : o_(o), limits_(limits), trie_(trie), prune_(o.top_n > 0) {
  for (Hypothesis& h : prefixes) {
    if (h.node != VocabTrie::kNoNode) Push(std::move(h));
  }
}

void ExactVocabSearch::Requests(std::vector<const Hypothesis*>& out) {
  asked_.clear();
  // Both are stacks taken from the end: a forced chain is followed to its end, and the open prefixes depth first
  // with the best-scoring child of a round on top. Forced prefixes go first and alone.
  for (std::vector<Hypothesis>* from : {&forced_, &open_}) {
    while (!from->empty() && asked_.size() < static_cast<size_t>(kExactRowsPerRound)) {
      if (!Pruned(from->back())) asked_.push_back(std::move(from->back()));
      from->pop_back();
    }
    if (!asked_.empty()) break;
  }
  for (const Hypothesis& h : asked_) out.push_back(&h);
}

double ExactVocabSearch::Incumbent() const {
  if (!prune_ || best_.size() < static_cast<size_t>(o_.top_n)) return std::numeric_limits<double>::infinity();
  const double s = best_.front().score;          // the worst of the kept top_n
  return s + 1e-9 * std::max(1.0, std::abs(s));  // a relative slack: never prune a word that could tie
}

bool ExactVocabSearch::Pruned(const Hypothesis& h) const {
  return prune_ && PrefixBound(h, trie_, o_.normalization_factor) > Incumbent();
}

void ExactVocabSearch::Consume(const StepRow* rows, size_t n) {
  const float minus_inf = -std::numeric_limits<float>::infinity();
  for (size_t i = 0; i < n && i < asked_.size(); ++i) {
    const Hypothesis& parent = asked_[i];
    const StepRow& row = rows[i];
    uint64_t bits = trie_.allowed(parent.node);
    while (bits != 0) {
      const auto token = static_cast<int32_t>(__builtin_ctzll(bits));
      bits &= bits - 1;
      if (token >= limits_.n_classes) continue;  // a token the model never emits
      const float v = row.log_probs[token];
      if (v == minus_inf) continue;  // as the beams: an impossible continuation is never taken
      const double score = NextScore(parent.score, parent.tokens.size(), o_.normalization_factor, v);
      if (token == limits_.eos) {
        std::vector<int32_t> word(parent.tokens.begin() + 1, parent.tokens.end());
        if (offered_.count(word) == 0) Keep(score, std::move(word));  // an offered word is kept once
        continue;
      }
      // A word must end with <eos> within max_steps tokens: a prefix of max_steps letters never can.
      if (static_cast<int>(parent.tokens.size()) >= o_.max_steps) continue;
      children_.push_back(Extend(parent, token, score, &trie_, row.child_kv));
    }
  }
  asked_.clear();
  // Worst first, so that the best child of the round is expanded next: good words are found early, and
  // with them the bound that prunes the rest.
  std::sort(children_.begin(), children_.end(),
            [](const Hypothesis& a, const Hypothesis& b) { return HypothesisLess()(b, a); });
  for (Hypothesis& h : children_) Push(std::move(h));
  children_.clear();
}

bool ExactVocabSearch::Done() const { return open_.empty() && forced_.empty() && asked_.empty(); }

std::vector<Candidate> ExactVocabSearch::TakeResults() {
  std::sort(best_.begin(), best_.end(), CandidateLess());
  certified_top_ = static_cast<int32_t>(best_.size());
  return std::move(best_);
}

void ExactVocabSearch::Push(Hypothesis&& h) {
  if (Pruned(h)) return;
  const uint64_t bits = trie_.allowed(h.node);
  const bool forced = bits != 0 && (bits & (bits - 1)) == 0;
  (forced ? forced_ : open_).push_back(std::move(h));
}

void ExactVocabSearch::Offer(double score, std::vector<int32_t> word) {
  offered_.insert(word);
  Keep(score, std::move(word));
}

void ExactVocabSearch::Keep(double score, std::vector<int32_t> word) {
  Candidate c{score, std::move(word)};
  if (o_.top_n == 0) {
    best_.push_back(std::move(c));
    return;
  }
  const size_t cap = static_cast<size_t>(o_.top_n);
  if (best_.size() < cap) {
    best_.push_back(std::move(c));
    std::push_heap(best_.begin(), best_.end(), CandidateLess());  // max-heap: the worst kept on top
    return;
  }
  if (!CandidateLess()(c, best_.front())) return;
  std::pop_heap(best_.begin(), best_.end(), CandidateLess());
  best_.back() = std::move(c);
  std::push_heap(best_.begin(), best_.end(), CandidateLess());
}

std::unique_ptr<SearchStrategy> MakeExactVocabSearch(const SearchOptions& o, const ModelLimits& limits,
                                                     const VocabTrie* trie) {
  NEUROSWIPE_ASSERT(trie != nullptr, "the exact search needs a vocabulary trie");
  return std::make_unique<ExactVocabSearch>(o, limits, *trie);
}

}  // namespace neuroswipe
