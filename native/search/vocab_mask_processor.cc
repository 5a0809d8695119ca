// The vocabulary mask as a logits processor, and the log-probabilities of processed logits.
#include <limits>

#include "engine/host_staging.h"
#include "engine/step_profile.h"
#include "search/logits_processor.h"

namespace neuroswipe {
namespace {

class VocabMaskProcessor : public LogitsProcessor {
 public:
  VocabMaskProcessor(const VocabTrie& trie, int32_t n_classes) : trie_(trie), n_classes_(n_classes) {}

  torch::Tensor Apply(const torch::Tensor& logits, const std::vector<const Hypothesis*>& prefixes) const override {
    PhaseTimer timer(StepPhase::kMask);
    const int64_t r = static_cast<int64_t>(prefixes.size());
    const c10::Device device = logits.device();
    // Built on the host (pinned when the logits are on CUDA) and copied over in one transfer.
    torch::Tensor allowed = torch::zeros({r, n_classes_}, HostOptions(device, torch::kBool));
    auto a = allowed.accessor<bool, 2>();
    for (int64_t i = 0; i < r; ++i) {
      const uint64_t bits = trie_.allowed(prefixes[static_cast<size_t>(i)]->node);
      for (int32_t c = 0; c < n_classes_; ++c) a[i][c] = (bits >> c) & 1;
    }
    return logits.masked_fill(ToDevice(allowed, device).logical_not(), -std::numeric_limits<float>::infinity());
  }

  std::optional<int32_t> ForcedToken(const Hypothesis& prefix) const override {
    const uint64_t bits = trie_.allowed(prefix.node);
    if (bits == 0 || (bits & (bits - 1)) != 0) return std::nullopt;
    const int32_t token = __builtin_ctzll(bits);
    if (token >= n_classes_) return std::nullopt;  // not a class the model scores: leave it to the model path
    return token;
  }

 private:
  const VocabTrie& trie_;
  int32_t n_classes_;
};

}  // namespace

torch::Tensor ProcessedLogProbs(torch::Tensor logits, const std::vector<const Hypothesis*>& prefixes,
                                const std::vector<std::unique_ptr<LogitsProcessor>>& processors, VocabScoring scoring) {
  if (scoring == VocabScoring::kModel) logits = torch::log_softmax(logits, 1);
  for (const auto& processor : processors) logits = processor->Apply(logits, prefixes);
  return scoring == VocabScoring::kModel ? logits : torch::log_softmax(logits, 1);
}

std::unique_ptr<LogitsProcessor> MakeVocabMaskProcessor(const VocabTrie& trie, int32_t n_classes) {
  return std::make_unique<VocabMaskProcessor>(trie, n_classes);
}

}  // namespace neuroswipe
