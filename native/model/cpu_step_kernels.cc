// The CPU decoder step's kernels (see cpu_step_kernels.h).
#include "model/cpu_step_kernels.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define NEUROSWIPE_VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define NEUROSWIPE_VECTOR_CLONES
#endif

namespace neuroswipe {
namespace step_kernels {
namespace {

/**
 * e^x for x ≤ 0 (softmax after subtracting the maximum) in a form the compiler vectorises: x = n·ln 2 + r with
 * |r| ≤ ln 2 / 2, e^r by its degree-7 Taylor polynomial (truncation below 1e-8 relative), times 2^n built
 * from the exponent bits; within a few ulp of expf. Results below 2^-126 are flushed to 0.
 */
__attribute__((always_inline)) inline float ExpNonPositive(float x) {
  const float kLog2e = 1.44269504088896341f;
  const float kLn2Hi = 0.693145751953125f;  // ln 2 split so that n·kLn2Hi is exact for |n| < 2^11
  const float kLn2Lo = 1.42860682030941723212e-6f;
  const float kRound = 12582912.0f;  // 1.5·2^23: adding and subtracting it rounds to the nearest integer
  const float clamped = x < -87.0f ? -87.0f : x;
  const float n = (clamped * kLog2e + kRound) - kRound;
  const float r = (clamped - n * kLn2Hi) - n * kLn2Lo;
  float p = 1.0f / 5040.0f;
  p = p * r + 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  const int32_t bits = (static_cast<int32_t>(n) + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return x < -87.0f ? 0.0f : p * scale;
}

/** Lanes of one register block of the grouped kernels (one AVX-512 vector of floats). */
constexpr int64_t kLanes = 16;
/** A register block: GCC's vector extension, split into narrower registers where AVX-512 is missing. */
typedef float Lanes __attribute__((vector_size(kLanes * sizeof(float))));

/**
 * C[j, c] = Σ_m A[j·lda + m] · B[m·ldb + c] for G rows j, c < cols, m < depth, written to C[j·ldc + c]: a small
 * matrix product in one pass over B. Blocks of 16 columns of every row accumulate in registers over m, in
 * order from 0 (the remaining columns one by one, in the same order), so each element is the same sum, term by
 * term, whatever G: grouping rows changes no bit of a result. With few rows, two blocks of columns at once keep
 * enough sums in flight.
 *
 * Cross-attention scores: A = the scaled queries, B = one head's keys transposed `[Dh, S]` (depth Dh, S
 * columns); its weighted values: A = the probabilities, B = the values `[S, Dh]` (depth S, Dh columns); a
 * linear layer: A = the inputs, B = the weights transposed `[in, out]`.
 */
template <int G>
NEUROSWIPE_VECTOR_CLONES void BlockProduct(const float* __restrict a, int64_t lda, const float* __restrict b,
                                           int64_t ldb, int64_t depth, int64_t cols, float* __restrict c, int64_t ldc) {
  constexpr int T = G >= 4 ? 1 : 2;
  int64_t c0 = 0;
  for (; T > 1 && c0 + T * kLanes <= cols; c0 += T * kLanes) {
    Lanes acc[G][T] = {};
    for (int64_t m = 0; m < depth; ++m) {
      Lanes v[T];
      std::memcpy(&v, b + m * ldb + c0, sizeof v);
      for (int j = 0; j < G; ++j) {
        const float x = a[j * lda + m];
        for (int k = 0; k < T; ++k) acc[j][k] += x * v[k];
      }
    }
    for (int j = 0; j < G; ++j) std::memcpy(c + j * ldc + c0, &acc[j], sizeof acc[j]);
  }
  for (; c0 + kLanes <= cols; c0 += kLanes) {
    Lanes acc[G] = {};
    for (int64_t m = 0; m < depth; ++m) {
      Lanes v;
      std::memcpy(&v, b + m * ldb + c0, sizeof v);
      for (int j = 0; j < G; ++j) acc[j] += a[j * lda + m] * v;
    }
    for (int j = 0; j < G; ++j) std::memcpy(c + j * ldc + c0, &acc[j], sizeof acc[j]);
  }
  for (int j = 0; j < G; ++j) {
    for (int64_t col = c0; col < cols; ++col) {
      float sum = 0.0f;
      for (int64_t m = 0; m < depth; ++m) sum += a[j * lda + m] * b[m * ldb + col];
      c[j * ldc + col] = sum;
    }
  }
}

/** out[r] += b for every row r of out `[R, N]`. */
NEUROSWIPE_VECTOR_CLONES
void AddBias(float* __restrict out, const float* __restrict b, int64_t rows, int64_t n) {
  for (int64_t r = 0; r < rows; ++r) {
    float* o = out + r * n;
    for (int64_t j = 0; j < n; ++j) o[j] += b[j];
  }
}

/** x[r] = LayerNorm(x[r] + y[r]) for every row (y may be null: x alone); biased variance, as nn.LayerNorm. */
NEUROSWIPE_VECTOR_CLONES
void AddNorm(float* x, const float* y, const float* w, const float* b, int64_t rows, int64_t d, float eps) {
  for (int64_t r = 0; r < rows; ++r) {
    float* z = x + r * d;
    if (y) {
      const float* add = y + r * d;
      for (int64_t i = 0; i < d; ++i) z[i] += add[i];
    }
    float mean = 0;
    for (int64_t i = 0; i < d; ++i) mean += z[i];
    mean /= static_cast<float>(d);
    float var = 0;
    for (int64_t i = 0; i < d; ++i) var += (z[i] - mean) * (z[i] - mean);
    var /= static_cast<float>(d);
    const float rstd = 1.0f / std::sqrt(var + eps);
    for (int64_t i = 0; i < d; ++i) z[i] = (z[i] - mean) * rstd * w[i] + b[i];
  }
}

}  // namespace

NEUROSWIPE_VECTOR_CLONES
void ScaleQuery(const float* __restrict q, float scale, int64_t dh, float* __restrict out) {
  for (int64_t i = 0; i < dh; ++i) out[i] = q[i] / scale;
}

NEUROSWIPE_VECTOR_CLONES
void SelfScores(const float* __restrict q, const float* const* keys, int64_t n, int64_t heads, int64_t dh,
                int64_t stride, float* __restrict scores) {
  const int64_t d = heads * dh;
  float prod[1024];
  for (int64_t t = 0; t < n; ++t) {
    const float* k = keys[t];
    for (int64_t i = 0; i < d; ++i) prod[i] = q[i] * k[i];
    for (int64_t h = 0; h < heads; ++h) {
      const float* p = prod + h * dh;
      float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
      int64_t i = 0;
      for (; i + 8 <= dh; i += 8) {
        for (int j = 0; j < 8; ++j) acc[j] += p[i + j];
      }
      float tail = 0;
      for (; i < dh; ++i) tail += p[i];
      scores[h * stride + t] = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7])) + tail;
    }
  }
}

NEUROSWIPE_VECTOR_CLONES
void SelfWeighted(const float* __restrict p, const float* const* values, int64_t n, int64_t heads, int64_t dh,
                  int64_t stride, float* __restrict out) {
  const int64_t d = heads * dh;
  std::fill(out, out + d, 0.0f);
  for (int64_t t = 0; t < n; ++t) {
    const float* v = values[t];
    for (int64_t h = 0; h < heads; ++h) {
      const float pt = p[h * stride + t];
      float* o = out + h * dh;
      const float* vh = v + h * dh;
      for (int64_t i = 0; i < dh; ++i) o[i] += pt * vh[i];
    }
  }
}

NEUROSWIPE_VECTOR_CLONES
void Softmax(float* __restrict s, int64_t n) {
  const float lowest = -std::numeric_limits<float>::infinity();
  float lanes[8] = {lowest, lowest, lowest, lowest, lowest, lowest, lowest, lowest};
  int64_t t = 0;
  for (; t + 8 <= n; t += 8) {
    for (int j = 0; j < 8; ++j) lanes[j] = s[t + j] > lanes[j] ? s[t + j] : lanes[j];
  }
  float max = lowest;
  for (int j = 0; j < 8; ++j) max = lanes[j] > max ? lanes[j] : max;
  for (; t < n; ++t) max = s[t] > max ? s[t] : max;
  for (t = 0; t < n; ++t) s[t] = ExpNonPositive(s[t] - max);
  float sums[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  for (t = 0; t + 8 <= n; t += 8) {
    for (int j = 0; j < 8; ++j) sums[j] += s[t + j];
  }
  float sum = ((sums[0] + sums[1]) + (sums[2] + sums[3])) + ((sums[4] + sums[5]) + (sums[6] + sums[7]));
  for (; t < n; ++t) sum += s[t];
  const float inv = 1.0f / sum;
  for (t = 0; t < n; ++t) s[t] *= inv;
}

void BlockProductRows(int g, const float* a, int64_t lda, const float* b, int64_t ldb, int64_t depth, int64_t cols,
                      float* c, int64_t ldc) {
  using Kernel = void (*)(const float*, int64_t, const float*, int64_t, int64_t, int64_t, float*, int64_t);
  static constexpr Kernel kKernels[kMaxBlock] = {BlockProduct<1>, BlockProduct<2>, BlockProduct<3>, BlockProduct<4>,
                                                 BlockProduct<5>, BlockProduct<6>, BlockProduct<7>, BlockProduct<8>};
  kKernels[g - 1](a, lda, b, ldb, depth, cols, c, ldc);
}

void Linear(const float* x, int64_t rows, int64_t k, const at::Tensor& wt, const at::Tensor& b, float* out) {
  const int64_t n = wt.size(1);
  const float* w = wt.data_ptr<float>();
  for (int64_t r0 = 0; r0 < rows; r0 += kMaxBlock) {
    const int g = static_cast<int>(std::min<int64_t>(kMaxBlock, rows - r0));
    BlockProductRows(g, x + r0 * k, k, w, n, k, n, out + r0 * n, n);
  }
  AddBias(out, b.data_ptr<float>(), rows, n);
}

NEUROSWIPE_VECTOR_CLONES
void Relu(float* x, int64_t n) {
  for (int64_t i = 0; i < n; ++i) x[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

void AddNorm(float* x, const float* y, const at::Tensor& w, const at::Tensor& b, int64_t rows, int64_t d, double eps) {
  AddNorm(x, y, w.data_ptr<float>(), b.data_ptr<float>(), rows, d, static_cast<float>(eps));
}

}  // namespace step_kernels
}  // namespace neuroswipe
