// ChainRows: which tokens a trie forces, and the rows kept until their prefixes are requested.
#include "engine/chain_rows.h"

#include <algorithm>
#include <utility>

namespace neuroswipe {

void ChainRows::Reset(int slots) {
  ahead_.clear();
  ahead_.resize(static_cast<size_t>(slots));
}

std::optional<AheadRow> ChainRows::Take(int slot, const std::vector<int32_t>& tokens) {
  auto& kept = ahead_[static_cast<size_t>(slot)];
  auto found = kept.find(tokens);
  if (found == kept.end()) return std::nullopt;
  std::optional<AheadRow> row(std::move(found->second));
  kept.erase(found);
  return row;
}

std::vector<int32_t> ChainRows::ChainOf(const Hypothesis& h) const {
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

std::vector<Hypothesis> ChainRows::Prefixes(const Round& round) const {
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

void ChainRows::Keep(const Round& round, const ScoredRound& scored, int k) {
  const float* lp = scored.log_probs.data_ptr<float>();
  const float* tv = k > 0 ? scored.top_values.data_ptr<float>() : nullptr;
  const int64_t* ti = k > 0 ? scored.top_ids.data_ptr<int64_t>() : nullptr;
  const std::vector<KvCache>& child_kv = scored.child_kv;
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

}  // namespace neuroswipe
