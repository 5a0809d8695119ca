// A built-in CPU implementation of the contract's `decode_step` (post-norm, ReLU TransformerDecoder layers):
// the same weights and math, without the TorchScript interpreter, with each row attending over exactly its
// own prefix and its own swipe's memory (no padding, no masks).
#pragma once

#include <torch/script.h>

#include <cstdint>
#include <vector>

#include "model/decoder_step_weights.h"

namespace neuroswipe {

/**
 * One row of a step: the token at `position` (`<sos>` is 0), the self-attention keys/values of the tokens
 * before it and its swipe's memory keys/values. A token's keys/values are one "column" `[L, 2, H, Dh]`.
 */
struct CpuStepRow {
  int64_t token;
  int64_t position;
  /** `position` pointers to the columns of the earlier tokens, in order. */
  const float* const* past;
  /** Where the step writes this token's column. */
  float* column;
  /**
   * The swipe's memory keys/values, `[L, 2, H, S·Dh]`: per layer and head the keys transposed (`[Dh, S]`),
   * the values as they are (`[S, Dh]`); see CpuDecoderStep::PackMemory.
   */
  const float* memory;
  int64_t memory_len;
};

/** Runs decoder steps for batches of rows. Not thread-safe (scratch buffers); the weights may be shared. */
class CpuDecoderStep {
 public:
  /** `heads` splits d_model into heads of d_model / heads (must divide it). */
  CpuDecoderStep(const DecoderStepWeights& weights, int64_t heads);

  int64_t layers() const { return static_cast<int64_t>(w_.layers.size()); }
  /** Floats in one token's column: L · 2 · H · Dh. */
  int64_t column_size() const { return layers() * 2 * w_.d_model; }
  int64_t max_positions() const { return w_.position_embedding.size(0); }

  /**
   * Writes one swipe's memory keys/values `[L, 2, H, S, Dh]` (float32, any strides) to `out` (numel floats) in
   * the layout CpuStepRow::memory reads.
   */
  static void PackMemory(const at::Tensor& kv, float* out);

  /** Logits `[R, C]` of the next token for every row; writes each row's column. */
  at::Tensor Run(const std::vector<CpuStepRow>& rows);

 private:
  const DecoderStepWeights& w_;
  int64_t heads_;
  int64_t head_dim_;
  float scale_;
  std::vector<float> scores_;
  std::vector<float> scaled_;
  std::vector<const float*> keys_;
};

}  // namespace neuroswipe
