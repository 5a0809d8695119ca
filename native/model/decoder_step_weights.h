// The decoder parameters a model exports through `step_weights()` (docs/MODEL_FORMAT.md, "Step weights"),
// checked and kept as contiguous float32 CPU tensors for the built-in decoder step.
#pragma once

#include <torch/script.h>

#include <string>
#include <vector>

namespace neuroswipe {

/**
 * One post-norm, ReLU `nn.TransformerDecoderLayer`. Linear weights are kept transposed (`*_wt`: `[in, out]`,
 * the transpose of nn.Linear's `[out, in]`), the layout the built-in step's matrix kernel reads in place.
 */
struct DecoderLayerWeights {
  at::Tensor self_in_wt, self_in_b;    // [D, 3D], [3D]: query, key, value projections
  at::Tensor self_out_wt, self_out_b;  // [D, D], [D]
  at::Tensor cross_q_wt, cross_q_b;    // [D, D], [D]: the query third of multihead_attn.in_proj_*
  at::Tensor cross_out_wt, cross_out_b;
  at::Tensor ff1_wt, ff1_b;  // [D, FF], [FF]
  at::Tensor ff2_wt, ff2_b;  // [FF, D], [D]
  at::Tensor norm1_w, norm1_b, norm2_w, norm2_b, norm3_w, norm3_b;
};

/** The whole decoder side of one step: embedding tables, layers, optional final norm, output layer. */
struct DecoderStepWeights {
  at::Tensor token_embedding;     // [V, D]
  at::Tensor position_embedding;  // [P, D]
  std::vector<DecoderLayerWeights> layers;
  at::Tensor final_norm_w, final_norm_b;  // undefined when the decoder has no final norm
  at::Tensor out_wt, out_b;               // [D, C] (transposed), [C]
  int64_t d_model = 0;
  int64_t feed_forward = 0;
  /** Layer-norm epsilon of every norm (the contract fixes it at nn.LayerNorm's default). */
  double eps = 1e-5;
};

/**
 * Reads the dictionary returned by a model's `step_weights()`. Throws UserError (prefixed with `path`) on a
 * missing name, an unexpected name or an inconsistent shape.
 */
DecoderStepWeights ReadDecoderStepWeights(const c10::impl::GenericDict& dict, const std::string& path);

}  // namespace neuroswipe
