#include "engine/seed_tie_referee.h"

#include <optional>

#include "common/native_error.h"
#include "engine/host_staging.h"

namespace neuroswipe {

SeedTieReferee::SeedTieReferee(const ScriptModel& model,
                               const std::vector<std::unique_ptr<LogitsProcessor>>& processors, VocabScoring scoring,
                               const VocabTrie* trie, torch::Tensor traj, torch::Tensor keys, int32_t n_classes,
                               DecodeStats& stats)
    : model_(model), processors_(processors), scoring_(scoring), trie_(trie), traj_(std::move(traj)),
      keys_(std::move(keys)), n_classes_(n_classes), stats_(stats) {}

const float* SeedTieReferee::LogProbs(const std::vector<int32_t>& tokens, size_t length) {
  std::vector<int32_t> key(tokens.begin(), tokens.begin() + static_cast<std::ptrdiff_t>(length));
  auto found = rows_.find(key);
  if (found != rows_.end()) return found->second.data();
  const c10::Device device = model_.device();
  if (!memory_.defined()) {
    // As the reference mode's batch of one: contiguous [S, 1, ·] inputs, no padding mask.
    memory_ = model_.Encode(ToDevice(traj_.unsqueeze(1).contiguous(), device),
                            ToDevice(keys_.unsqueeze(1).contiguous(), device), std::nullopt);
    ++stats_.encode_calls;
  }
  Hypothesis prefix;
  prefix.tokens = key;
  prefix.node = trie_ ? 0 : VocabTrie::kNoNode;
  for (size_t i = 1; trie_ && i < length && prefix.node != VocabTrie::kNoNode; ++i) {
    prefix.node = trie_->child(prefix.node, key[i]);
  }
  torch::Tensor ids = torch::empty({static_cast<int64_t>(length), 1}, HostOptions(device, torch::kInt64));
  auto acc = ids.accessor<int64_t, 2>();
  for (size_t i = 0; i < length; ++i) acc[static_cast<int64_t>(i)][0] = key[i];
  // Out-of-memory errors pass through unchanged: the driver's batch split handles them.
  torch::Tensor logits =
      model_.Decode(ToDevice(ids, device), memory_, std::nullopt).select(0, static_cast<int64_t>(length) - 1);
  const std::vector<const Hypothesis*> prefixes{&prefix};
  torch::Tensor lp =
      ProcessedLogProbs(logits.to(torch::kFloat32), prefixes, processors_, scoring_).to(torch::kCPU).contiguous();
  ++stats_.tie_decode_calls;
  if (lp.numel() != n_classes_) throw UserError("near-tie decode: expected " + std::to_string(n_classes_) + " classes");
  const float* p = lp.data_ptr<float>();
  auto& row = rows_[std::move(key)];
  row.assign(p, p + n_classes_);
  return row.data();
}

}  // namespace neuroswipe
