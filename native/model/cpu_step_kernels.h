// The numeric kernels of the built-in CPU decoder step (model/cpu_decoder_step.h): attention scores and
// weighted values, softmax, small matrix products, linear layers, ReLU and layer norm on float32 rows. The loops
// are written so that the compiler vectorises them without reassociating sums, so each result is the same sum,
// term by term, however the rows are grouped; on x86-64 GCC also builds AVX2 and AVX-512 variants of them and
// picks one at load time by the CPU's features (the attribute is on the definitions only: a caller that saw it
// would look for the variants by name).
#pragma once

#include <torch/script.h>

#include <cstdint>

namespace neuroswipe {
namespace step_kernels {

/** q / scale, as nn.MultiheadAttention scales the query before the score product. */
void ScaleQuery(const float* __restrict q, float scale, int64_t dh, float* __restrict out);

/**
 * Scores of every head at once: scores[h·stride + t] = q[h] · keys_t[h] for t < n, where `keys[t]` points at
 * position t's keys of all heads (`[H, Dh]`, contiguous) and `q` holds every head's scaled query (`[H·Dh]`).
 * H·Dh is at most 1024.
 */
void SelfScores(const float* __restrict q, const float* const* keys, int64_t n, int64_t heads, int64_t dh,
                int64_t stride, float* __restrict scores);

/** out[h] = Σ_t p[h·stride + t] · values_t[h] for every head; `values[t]` points at `[H, Dh]` of position t. */
void SelfWeighted(const float* __restrict p, const float* const* values, int64_t n, int64_t heads, int64_t dh,
                  int64_t stride, float* __restrict out);

/** In-place softmax of scores[0..n); maximum and sum over eight interleaved lanes, so that both vectorise. */
void Softmax(float* __restrict s, int64_t n);

/** Rows of one BlockProductRows call at most. */
constexpr int kMaxBlock = 8;

/**
 * C[j, c] = Σ_m A[j·lda + m] · B[m·ldb + c] for g rows j (1 ≤ g ≤ kMaxBlock), c < cols, m < depth, written to
 * C[j·ldc + c]: a small matrix product in one pass over B. Blocks of 16 columns of every row accumulate in
 * registers over m, in order from 0 (the remaining columns one by one, in the same order), so each element is
 * the same sum, term by term, whatever g: grouping rows changes no bit of a result.
 *
 * Cross-attention scores: A = the scaled queries, B = one head's keys transposed `[Dh, S]` (depth Dh, S
 * columns); its weighted values: A = the probabilities, B = the values `[S, Dh]` (depth S, Dh columns); a
 * linear layer: A = the inputs, B = the weights transposed `[in, out]`.
 */
void BlockProductRows(int g, const float* a, int64_t lda, const float* b, int64_t ldb, int64_t depth, int64_t cols,
                      float* c, int64_t ldc);

/**
 * out = x · W + b for x `[R, K]`, W stored transposed as `[K, N]` (DecoderStepWeights), b `[N]`: BlockProduct
 * over blocks of up to kMaxBlock rows, then the bias is added. The weights are read in place, once per block.
 */
void Linear(const float* x, int64_t rows, int64_t k, const at::Tensor& wt, const at::Tensor& b, float* out);

/** x = max(x, 0) elementwise. */
void Relu(float* x, int64_t n);

/**
 * x[r] = LayerNorm(x[r] + y[r]) for every row of `[rows, d]` (y may be null: x alone), with the norm's weight
 * and bias; biased variance, as nn.LayerNorm.
 */
void AddNorm(float* x, const float* y, const at::Tensor& w, const at::Tensor& b, int64_t rows, int64_t d, double eps);

}  // namespace step_kernels
}  // namespace neuroswipe
