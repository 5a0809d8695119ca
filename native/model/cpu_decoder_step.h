// A built-in CPU implementation of the contract's `decode_step` (post-norm, ReLU TransformerDecoder layers):
// the same weights and math, without the TorchScript interpreter, with each row attending over exactly its
// own prefix and its own swipe's memory (no padding, no masks). The rows of one swipe (rows sharing a `memory`
// pointer) attend to that memory together, in one pass over its keys and values per layer and head.
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

  /**
   * Logits `[R, C]` of the next token for every row; writes each row's column.
   *
   * Rows are taken in order within each layer: a row's keys/values for layer l are written to its `column`
   * before its self-attention of layer l, and rows run that self-attention one after the other. So a row may
   * attend to the column of an earlier row of the same call (its `past` may hold that row's `column`): a chain
   * of tokens of one hypothesis can be scored in one call as consecutive rows, with the same results as one
   * call per position. Cross-attention reads only the swipe's memory and is grouped by swipe.
   */
  at::Tensor Run(const std::vector<CpuStepRow>& rows);

 private:
  /** Rows that share one swipe's memory, in row order. */
  struct RowGroup {
    const float* memory = nullptr;
    int64_t memory_len = 0;
    std::vector<int64_t> rows;
  };
  /** Rows of one group attending together at most (the register block of the grouped kernels). */
  static constexpr int64_t kGroupRows = 8;

  /** Fills groups_ from the rows' memory pointers. */
  void GroupRowsByMemory(const std::vector<CpuStepRow>& rows);

  const DecoderStepWeights& w_;
  int64_t heads_;
  int64_t head_dim_;
  float scale_;
  std::vector<float> scores_;
  std::vector<float> scaled_;
  std::vector<const float*> keys_;
  // Activations of the rows of a call, reused between calls: [R, D] each, qkv_ [R, 3D], hidden_ [R, FF].
  std::vector<float> x_, qkv_, attn_, proj_, query_, hidden_;
  std::vector<RowGroup> groups_;  // reused between calls (no allocation per step once warm)
  std::vector<float> group_q_;    // [kGroupRows, D]: a group's scaled queries
  std::vector<float> group_out_;  // [kGroupRows, D]: their attention outputs
};

}  // namespace neuroswipe
