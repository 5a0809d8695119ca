// The search interface: one object per swipe, stepped by the batched driver.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include "search/decoding_options.h"
#include "vocab/vocab_trie.h"

namespace neuroswipe {

class TieReferee;

/**
 * Self-attention keys/values of a prefix's tokens but the last, shared by siblings. Each round runner keeps
 * its own representation (a subclass) and only ever sees caches it made.
 */
struct PrefixCache {
  virtual ~PrefixCache() = default;
};
using KvCache = std::shared_ptr<const PrefixCache>;

/**
 * A token prefix (starting with `<sos>`), its score, its vocabulary-trie node (kNoNode without one) and,
 * in incremental decoding, the cache of all its tokens but the last (null when empty or not used).
 */
struct Hypothesis {
  double score = 0.0;
  std::vector<int32_t> tokens;
  int32_t node = VocabTrie::kNoNode;
  KvCache kv;
  /** Whether `score` was computed by a TieReferee (the seed's arithmetic) rather than by the engine's steps. */
  bool seed_scored = false;
};

/** A finished hypothesis: score (lower is better) and the tokens after `<sos>` minus the last one (§6.3). */
struct Candidate {
  double score;
  std::vector<int32_t> tokens;
};

/**
 * How close one swipe's search came to deciding otherwise (DecodingOptions::margins): the smallest gap seen at
 * each kind of decision. A difference in the logits smaller than the gap cannot change that decision, so a
 * swipe whose margins all exceed the logits' rounding error decodes identically on every exact step.
 * Infinity where a decision never had two finite sides.
 */
struct SearchMargins {
  /** Log-probability gap between the last expansion taken and the best one left out (top-k cut; greedy: top-1). */
  double top_k = std::numeric_limits<double>::infinity();
  /** Score gap between the last hypothesis kept and the first one dropped when the partials were cut to the beam. */
  double prune = std::numeric_limits<double>::infinity();
  /** Score gap between the partial expanded next and the runner-up (best-first beam). */
  double select = std::numeric_limits<double>::infinity();
};

/** The log-probabilities the driver computed for one requested prefix. */
struct StepRow {
  const float* log_probs;   // n_classes values, masked entries are -inf
  const float* top_values;  // k best, descending (torch.topk)
  const int64_t* top_ids;
  int k;
  KvCache child_kv;  // the cache every child of this prefix starts from (incremental decoding), else null
};

/**
 * One swipe's search. Each round the driver asks for the prefixes to score (`Requests`), runs the model on
 * the prefixes of every swipe in flight at once, and hands back one StepRow per prefix (`Consume`).
 */
class SearchStrategy {
 public:
  virtual ~SearchStrategy() = default;
  /** Appends this round's prefixes; appends nothing once the search is finished. */
  virtual void Requests(std::vector<const Hypothesis*>& out) = 0;
  /** Consumes one row per prefix of the last Requests call, in order. */
  virtual void Consume(const StepRow* rows, size_t n) = 0;
  virtual bool Done() const = 0;
  /** Finished hypotheses in the order the seed collects them (unsorted). */
  virtual std::vector<Candidate> TakeResults() = 0;
  /**
   * After TakeResults: how many of its candidates, best first, are provably the vocabulary's best words in
   * order (docs/SEARCH.md, "Certificate"); −1 when the search gives no certificate (greedy, no vocabulary).
   */
  virtual int32_t CertifiedTop() const { return -1; }
  /** The search's decision margins so far; recorded only when DecodingOptions::margins is set. */
  const SearchMargins& Margins() const { return margins_; }

  /**
   * Lets the seed's searches (greedy, best-first beam) decide near ties by the seed's arithmetic (see
   * search/tie_referee.h); null = off. The referee must outlive the search.
   */
  virtual void SetTieReferee(TieReferee* referee) { referee_ = referee; }

 protected:
  SearchMargins margins_;
  TieReferee* referee_ = nullptr;
};

/** Most prefixes exact vocabulary scoring asks for per round and swipe. */
constexpr int kExactRowsPerRound = 64;

/** How many top entries the driver must compute per row for this generator (0 = none: greedy, exact). */
int TopKFor(const SearchOptions& o);

/** Most prefixes one search asks for in one Requests call (the rows a swipe may need per round). */
int RequestsPerRound(const SearchOptions& o);

/**
 * Makes the search for one swipe. `trie`, when given, is only followed to keep each hypothesis's node (the
 * masking itself is the driver's logits processors'); null without a vocabulary. Exact scoring walks the trie
 * and throws UserError without one.
 */
std::unique_ptr<SearchStrategy> MakeSearchStrategy(const SearchOptions& o, const ModelLimits& limits,
                                                   const VocabTrie* trie);

}  // namespace neuroswipe
