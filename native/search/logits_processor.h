// Logits processors: rules that change a round's next-token logits after the model and before the search
// (the log-softmax and top-k the searches read are taken of the processed logits). The driver owns a list of
// them and applies each in turn; the vocabulary mask is one.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "search/decoding_options.h"
#include "search/search_strategy.h"
#include "vocab/vocab_trie.h"

namespace neuroswipe {

/** One rule over the logits of a round. Stateless across rounds; shared by the swipes in flight. */
class LogitsProcessor {
 public:
  virtual ~LogitsProcessor() = default;

  /**
   * The processed logits of a round: `logits` is `[R, C]` float32 on the model's device, row r scoring the next
   * token after `prefixes[r]`. A processor may return `logits` itself or a new tensor.
   */
  virtual torch::Tensor Apply(const torch::Tensor& logits, const std::vector<const Hypothesis*>& prefixes) const = 0;

  /**
   * The one token this processor leaves possible after `prefix` whatever the logits, when there is exactly one
   * (its logit kept, every other set to −inf: the log-softmax is then exactly 0 for it and −inf elsewhere, for
   * any finite logits); nullopt otherwise. Lets the driver answer such a step without the model.
   */
  virtual std::optional<int32_t> ForcedToken(const Hypothesis& prefix) const { return std::nullopt; }
};

/**
 * The log-probabilities the searches read for a round's logits `[R, C]` (row r after `prefixes[r]`), on the logits'
 * device: seed scoring applies the processors to the logits, then log_softmax (renormalised over what they
 * allow); model scoring takes log_softmax of the logits, then applies the processors (the model's own
 * probabilities, masked). The engine's rounds and the near-tie referee both compute them here.
 */
torch::Tensor ProcessedLogProbs(torch::Tensor logits, const std::vector<const Hypothesis*>& prefixes,
                                const std::vector<std::unique_ptr<LogitsProcessor>>& processors, VocabScoring scoring);

/**
 * The vocabulary mask (SEED-SPEC §6.2): after each prefix, only the tokens its trie node allows (a letter that
 * continues a word, or `<eos>` where one ends) keep their logits; the rest become −inf. The searches keep each
 * hypothesis's node (`Hypothesis::node`).
 */
std::unique_ptr<LogitsProcessor> MakeVocabMaskProcessor(const VocabTrie& trie, int32_t n_classes);

}  // namespace neuroswipe
