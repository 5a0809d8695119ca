#include "model/cpu_decoder_step.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "common/native_error.h"
#include "engine/step_profile.h"

// The loops below are written so that the compiler vectorises them without reassociating sums; on x86-64
// GCC also builds AVX2 and AVX-512 variants of them and picks one at load time by the CPU's features.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define NEUROSWIPE_VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define NEUROSWIPE_VECTOR_CLONES
#endif

namespace neuroswipe {
namespace {

/** q / scale, as nn.MultiheadAttention scales the query before the score product. */
NEUROSWIPE_VECTOR_CLONES
void ScaleQuery(const float* __restrict q, float scale, int64_t dh, float* __restrict out) {
  for (int64_t i = 0; i < dh; ++i) out[i] = q[i] / scale;
}

/**
 * Scores of every head at once: scores[h·stride + t] = q[h] · keys_t[h] for t < n, where `keys[t]` points at
 * position t's keys of all heads (`[H, Dh]`, contiguous) and `q` holds every head's scaled query (`[H·Dh]`).
 */
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

/** out[h] = Σ_t p[h·stride + t] · values_t[h] for every head; `values[t]` points at `[H, Dh]` of position t. */
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

/** In-place softmax of scores[0..n); maximum and sum over eight interleaved lanes, so that both vectorise. */
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

/** Rows of one BlockProduct call at most. */
constexpr int kMaxBlock = 8;

/** BlockProduct for g rows, 1 ≤ g ≤ kMaxBlock. */
void BlockProductRows(int g, const float* a, int64_t lda, const float* b, int64_t ldb, int64_t depth, int64_t cols,
                      float* c, int64_t ldc) {
  using Kernel = void (*)(const float*, int64_t, const float*, int64_t, int64_t, int64_t, float*, int64_t);
  static constexpr Kernel kKernels[kMaxBlock] = {BlockProduct<1>, BlockProduct<2>, BlockProduct<3>, BlockProduct<4>,
                                                 BlockProduct<5>, BlockProduct<6>, BlockProduct<7>, BlockProduct<8>};
  kKernels[g - 1](a, lda, b, ldb, depth, cols, c, ldc);
}

/** out[r] += b for every row r of out `[R, N]`. */
NEUROSWIPE_VECTOR_CLONES
void AddBias(float* __restrict out, const float* __restrict b, int64_t rows, int64_t n) {
  for (int64_t r = 0; r < rows; ++r) {
    float* o = out + r * n;
    for (int64_t j = 0; j < n; ++j) o[j] += b[j];
  }
}

/**
 * out = x · W + b for x `[R, K]`, W stored transposed as `[K, N]` (DecoderStepWeights), b `[N]`: BlockProduct
 * over blocks of up to kMaxBlock rows, then the bias is added. The weights are read in place, once per block.
 */
void Linear(const float* x, int64_t rows, int64_t k, const at::Tensor& wt, const at::Tensor& b, float* out) {
  const int64_t n = wt.size(1);
  const float* w = wt.data_ptr<float>();
  for (int64_t r0 = 0; r0 < rows; r0 += kMaxBlock) {
    const int g = static_cast<int>(std::min<int64_t>(kMaxBlock, rows - r0));
    BlockProductRows(g, x + r0 * k, k, w, n, k, n, out + r0 * n, n);
  }
  AddBias(out, b.data_ptr<float>(), rows, n);
}

/** x = max(x, 0) elementwise. */
NEUROSWIPE_VECTOR_CLONES
void Relu(float* x, int64_t n) {
  for (int64_t i = 0; i < n; ++i) x[i] = x[i] > 0.0f ? x[i] : 0.0f;
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

/** AddNorm with the norm's weight and bias tensors. */
void AddNorm(float* x, const float* y, const at::Tensor& w, const at::Tensor& b, int64_t rows, int64_t d, double eps) {
  AddNorm(x, y, w.data_ptr<float>(), b.data_ptr<float>(), rows, d, static_cast<float>(eps));
}

}  // namespace

CpuDecoderStep::CpuDecoderStep(const DecoderStepWeights& weights, int64_t heads) : w_(weights), heads_(heads) {
  if (heads <= 0 || weights.d_model % heads != 0) {
    throw UserError("step weights: d_model " + std::to_string(weights.d_model) + " is not divisible by " +
                    std::to_string(heads) + " heads");
  }
  head_dim_ = weights.d_model / heads;
  // nn.MultiheadAttention divides the query by sqrt(head_dim) (a float32 scalar) before the score product.
  scale_ = static_cast<float>(std::sqrt(static_cast<double>(head_dim_)));
  scaled_.resize(static_cast<size_t>(weights.d_model));
  group_q_.resize(static_cast<size_t>(kGroupRows * weights.d_model));
  group_out_.resize(static_cast<size_t>(kGroupRows * weights.d_model));
  if (weights.d_model > 1024)
    throw UserError("step weights: d_model " + std::to_string(weights.d_model) +
                    " is above the built-in step's limit of 1024");
}

void CpuDecoderStep::PackMemory(const at::Tensor& kv, float* out) {
  const int64_t l_count = kv.size(0), h_count = kv.size(2), s = kv.size(3), dh = kv.size(4);
  const int64_t sl = kv.stride(0), skv = kv.stride(1), sh = kv.stride(2), st = kv.stride(3), si = kv.stride(4);
  const float* base = kv.data_ptr<float>();
  for (int64_t l = 0; l < l_count; ++l) {
    for (int64_t h = 0; h < h_count; ++h) {
      const float* k_src = base + l * sl + h * sh;
      const float* v_src = k_src + skv;
      float* keys_t = out + ((l * 2 + 0) * h_count + h) * s * dh;  // [Dh, S]
      float* values = out + ((l * 2 + 1) * h_count + h) * s * dh;  // [S, Dh]
      for (int64_t t = 0; t < s; ++t) {
        const float* k = k_src + t * st;
        const float* v = v_src + t * st;
        for (int64_t i = 0; i < dh; ++i) {
          keys_t[i * s + t] = k[i * si];
          values[t * dh + i] = v[i * si];
        }
      }
    }
  }
}

void CpuDecoderStep::GroupRowsByMemory(const std::vector<CpuStepRow>& rows) {
  // Rows of one swipe are usually adjacent; a swipe's group is found by its memory pointer either way.
  for (RowGroup& g : groups_) g.rows.clear();
  size_t used = 0;
  for (size_t r = 0; r < rows.size(); ++r) {
    const CpuStepRow& row = rows[r];
    size_t k = used;
    if (used > 0 && groups_[used - 1].memory == row.memory) {
      k = used - 1;
    } else {
      for (size_t i = 0; i < used; ++i) {
        if (groups_[i].memory == row.memory) {
          k = i;
          break;
        }
      }
    }
    if (k == used) {
      if (groups_.size() == used) groups_.emplace_back();
      groups_[used].memory = row.memory;
      groups_[used].memory_len = row.memory_len;
      ++used;
    } else if (groups_[k].memory_len != row.memory_len) {
      throw UserError("decoder step: two rows share a swipe's memory with different lengths");
    }
    groups_[k].rows.push_back(static_cast<int64_t>(r));
  }
  groups_.resize(used);
}

at::Tensor CpuDecoderStep::Run(const std::vector<CpuStepRow>& rows) {
  const int64_t r_count = static_cast<int64_t>(rows.size());
  const int64_t d = w_.d_model, dh = head_dim_, h_count = heads_, n_layers = layers();
  PhaseTimer timer(StepPhase::kOutput);
  if (StepProfileEnabled()) step_profile_detail::CountStep(r_count);
  const int64_t ff = w_.feed_forward;
  x_.resize(static_cast<size_t>(r_count * d));
  qkv_.resize(static_cast<size_t>(r_count * 3 * d));
  attn_.resize(static_cast<size_t>(r_count * d));
  proj_.resize(static_cast<size_t>(r_count * d));
  query_.resize(static_cast<size_t>(r_count * d));
  hidden_.resize(static_cast<size_t>(r_count * ff));
  float* px = x_.data();
  {
    const int64_t vocab = w_.token_embedding.size(0), positions = w_.position_embedding.size(0);
    const float* tok = w_.token_embedding.data_ptr<float>();
    const float* pos = w_.position_embedding.data_ptr<float>();
    for (int64_t r = 0; r < r_count; ++r) {
      const CpuStepRow& row = rows[static_cast<size_t>(r)];
      if (row.token < 0 || row.token >= vocab) {
        throw UserError("decoder step: token id " + std::to_string(row.token) + " is outside the embedding table");
      }
      if (row.position < 0 || row.position >= positions) {
        throw UserError("decoder step: position " + std::to_string(row.position) + " is outside the positional table");
      }
      const float* a = tok + row.token * d;
      const float* b = pos + row.position * d;
      for (int64_t i = 0; i < d; ++i) px[r * d + i] = a[i] + b[i];
    }
  }
  GroupRowsByMemory(rows);
  float* q_scaled = scaled_.data();
  for (int64_t l = 0; l < n_layers; ++l) {
    const DecoderLayerWeights& lw = w_.layers[static_cast<size_t>(l)];
    // Self-attention over the earlier tokens' columns and the new token.
    timer.Next(StepPhase::kSelfAttention);
    Linear(px, r_count, d, lw.self_in_wt, lw.self_in_b, qkv_.data());
    const float* pqkv = qkv_.data();
    float* pattn = attn_.data();
    for (int64_t r = 0; r < r_count; ++r) {
      const CpuStepRow& row = rows[static_cast<size_t>(r)];
      const int64_t n = row.position + 1;
      const int64_t stride = (n + 7) / 8 * 8;
      if (static_cast<int64_t>(scores_.size()) < h_count * stride)
        scores_.resize(static_cast<size_t>(h_count * stride));
      if (static_cast<int64_t>(keys_.size()) < 2 * n) keys_.resize(static_cast<size_t>(2 * n));
      const float* q = pqkv + r * 3 * d;
      // This token's keys and values (all heads) go into its column; then every head attends at once.
      const int64_t k_off = (l * 2 + 0) * d, v_off = (l * 2 + 1) * d;
      std::memcpy(row.column + k_off, q + d, static_cast<size_t>(d) * sizeof(float));
      std::memcpy(row.column + v_off, q + 2 * d, static_cast<size_t>(d) * sizeof(float));
      const float** keys = keys_.data();
      const float** values = keys + n;
      for (int64_t t = 0; t < row.position; ++t) {
        keys[t] = row.past[t] + k_off;
        values[t] = row.past[t] + v_off;
      }
      keys[row.position] = row.column + k_off;
      values[row.position] = row.column + v_off;
      ScaleQuery(q, scale_, d, q_scaled);
      SelfScores(q_scaled, keys, n, h_count, dh, stride, scores_.data());
      for (int64_t h = 0; h < h_count; ++h) Softmax(scores_.data() + h * stride, n);
      SelfWeighted(scores_.data(), values, n, h_count, dh, stride, pattn + r * d);
    }
    Linear(pattn, r_count, d, lw.self_out_wt, lw.self_out_b, proj_.data());
    AddNorm(px, proj_.data(), lw.norm1_w, lw.norm1_b, r_count, d, w_.eps);
    // Cross-attention over the swipe's memory.
    timer.Next(StepPhase::kCrossAttention);
    Linear(px, r_count, d, lw.cross_q_wt, lw.cross_q_b, query_.data());
    // The rows of one swipe attend together: each head's keys and values are read once for the whole group.
    const float* pq = query_.data();
    for (const RowGroup& group : groups_) {
      const int64_t s = group.memory_len, stride = (s + 7) / 8 * 8;
      const float* memory = rows[static_cast<size_t>(group.rows[0])].memory;
      if (static_cast<int64_t>(scores_.size()) < kGroupRows * stride)
        scores_.resize(static_cast<size_t>(kGroupRows * stride));
      const int64_t g_count = static_cast<int64_t>(group.rows.size());
      for (int64_t g0 = 0; g0 < g_count; g0 += kGroupRows) {
        const int64_t g = std::min(kGroupRows, g_count - g0);
        // The group's scaled queries and its outputs as contiguous blocks [g, D].
        for (int64_t j = 0; j < g; ++j) {
          ScaleQuery(pq + group.rows[static_cast<size_t>(g0 + j)] * d, scale_, d, group_q_.data() + j * d);
        }
        for (int64_t h = 0; h < h_count; ++h) {
          const float* keys_t = memory + ((l * 2 + 0) * h_count + h) * s * dh;
          const float* values = memory + ((l * 2 + 1) * h_count + h) * s * dh;
          BlockProductRows(static_cast<int>(g), group_q_.data() + h * dh, d, keys_t, s, dh, s, scores_.data(), stride);
          for (int64_t j = 0; j < g; ++j) Softmax(scores_.data() + j * stride, s);
          BlockProductRows(static_cast<int>(g), scores_.data(), stride, values, dh, s, dh, group_out_.data() + h * dh,
                           d);
        }
        for (int64_t j = 0; j < g; ++j) {
          const int64_t r = group.rows[static_cast<size_t>(g0 + j)];
          std::memcpy(pattn + r * d, group_out_.data() + j * d, static_cast<size_t>(d) * sizeof(float));
        }
      }
    }
    Linear(pattn, r_count, d, lw.cross_out_wt, lw.cross_out_b, proj_.data());
    AddNorm(px, proj_.data(), lw.norm2_w, lw.norm2_b, r_count, d, w_.eps);
    // Feed-forward.
    timer.Next(StepPhase::kFeedForward);
    Linear(px, r_count, d, lw.ff1_wt, lw.ff1_b, hidden_.data());
    Relu(hidden_.data(), r_count * ff);
    Linear(hidden_.data(), r_count, ff, lw.ff2_wt, lw.ff2_b, proj_.data());
    AddNorm(px, proj_.data(), lw.norm3_w, lw.norm3_b, r_count, d, w_.eps);
  }
  timer.Next(StepPhase::kOutput);
  if (w_.final_norm_w.defined()) AddNorm(px, nullptr, w_.final_norm_w, w_.final_norm_b, r_count, d, w_.eps);
  at::Tensor logits = at::empty({r_count, w_.out_wt.size(1)}, at::TensorOptions().dtype(at::kFloat));
  Linear(px, r_count, d, w_.out_wt, w_.out_b, logits.data_ptr<float>());
  return logits;
}

}  // namespace neuroswipe
