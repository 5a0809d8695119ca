// A built-in CPU implementation of the contract's `decode_step` (post-norm, ReLU TransformerDecoder layers):
// the same weights and math, without the TorchScript interpreter, with each row attending over exactly its
// own prefix and its own swipe's memory (no padding, no masks).
#pragma once

#include <torch/script.h>

#include <cstdint>
#include <vector>

#include "decoder_step_weights.h"

namespace neuroswipe {

/** One row of a step: the token at `position`, its caches and its swipe's memory keys/values. */
struct CpuStepRow {
  int64_t token;
  /** Index of the token in its prefix (`<sos>` is 0): the cached prefix has `position` entries. */
  int64_t position;
  /**
   * Self-attention cache `[L, 2, H, position + 1, Dh]`: the first `position` entries of each block hold the
   * prefix; the step writes the new token's key and value into the last entry.
   */
  float* self_kv;
  /** Cross-attention keys/values of the swipe's memory, `[L, 2, H, memory_len, Dh]`. */
  const float* memory_kv;
  int64_t memory_len;
};

/** Runs decoder steps for batches of rows. Not thread-safe (scratch buffers); the weights may be shared. */
class CpuDecoderStep {
 public:
  /** `heads` splits d_model into heads of d_model / heads (must divide it). */
  CpuDecoderStep(const DecoderStepWeights& weights, int64_t heads);

  int64_t layers() const { return static_cast<int64_t>(w_.layers.size()); }
  int64_t heads() const { return heads_; }
  int64_t head_dim() const { return head_dim_; }
  int64_t max_positions() const { return w_.position_embedding.size(0); }

  /** Logits `[R, C]` of the next token for every row; fills each row's new cache entry. */
  at::Tensor Run(const std::vector<CpuStepRow>& rows);

 private:
  void Attend(const float* q, const float* keys, const float* values, int64_t n, float* out);
  /** x = LayerNorm(x + y) row by row (y may be null: x alone). */
  void AddNorm(at::Tensor& x, const float* y, const at::Tensor& w, const at::Tensor& b) const;

  const DecoderStepWeights& w_;
  int64_t heads_;
  int64_t head_dim_;
  float scale_;
  std::vector<float> scores_;
  std::vector<float> q_;
};

}  // namespace neuroswipe
