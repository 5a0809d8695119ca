#include "model/cpu_decoder_step.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "common/native_error.h"

// The loops below are written so that the compiler vectorises them without reassociating sums; on x86-64
// GCC also builds AVX2 and AVX-512 variants of them and picks one at load time by the CPU's features.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define NEUROSWIPE_VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define NEUROSWIPE_VECTOR_CLONES
#endif

namespace neuroswipe {
namespace {

/** out = x · wᵀ + b for x [R, K], w [N, K], b [N]. */
void Linear(const at::Tensor& x, const at::Tensor& w, const at::Tensor& b, at::Tensor& out) {
  at::addmm_out(out, b, x, w.t());
}

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

/** scores[t] = q · keysT[:, t] for keys transposed `[Dh, n]`: vectorised along t. */
NEUROSWIPE_VECTOR_CLONES
void ScoresByColumns(const float* __restrict q, const float* __restrict keys_t, int64_t n, int64_t dh,
                     float* __restrict scores) {
  std::fill(scores, scores + n, 0.0f);
  for (int64_t i = 0; i < dh; ++i) {
    const float qi = q[i];
    const float* k = keys_t + i * n;
    for (int64_t t = 0; t < n; ++t) scores[t] += qi * k[t];
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

/** out = Σ_t p[t] · values[t] for contiguous values `[n, Dh]`. */
NEUROSWIPE_VECTOR_CLONES
void WeightedBlock(const float* __restrict p, const float* __restrict values, int64_t n, int64_t dh,
                   float* __restrict out) {
  std::fill(out, out + dh, 0.0f);
  for (int64_t t = 0; t < n; ++t) {
    const float pt = p[t];
    const float* v = values + t * dh;
    for (int64_t i = 0; i < dh; ++i) out[i] += pt * v[i];
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

void AddNorm(at::Tensor& x, const at::Tensor* y, const at::Tensor& w, const at::Tensor& b, double eps) {
  AddNorm(x.data_ptr<float>(), y ? y->data_ptr<float>() : nullptr, w.data_ptr<float>(), b.data_ptr<float>(), x.size(0),
          x.size(1), static_cast<float>(eps));
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

at::Tensor CpuDecoderStep::Run(const std::vector<CpuStepRow>& rows) {
  const int64_t r_count = static_cast<int64_t>(rows.size());
  const int64_t d = w_.d_model, dh = head_dim_, h_count = heads_, n_layers = layers();
  const auto opts = at::TensorOptions().dtype(at::kFloat);
  at::Tensor x = at::empty({r_count, d}, opts);
  {
    const int64_t vocab = w_.token_embedding.size(0), positions = w_.position_embedding.size(0);
    const float* tok = w_.token_embedding.data_ptr<float>();
    const float* pos = w_.position_embedding.data_ptr<float>();
    float* px = x.data_ptr<float>();
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
  at::Tensor qkv = at::empty({r_count, 3 * d}, opts);
  at::Tensor attn = at::empty({r_count, d}, opts);
  at::Tensor proj = at::empty({r_count, d}, opts);
  at::Tensor query = at::empty({r_count, d}, opts);
  at::Tensor hidden = at::empty({r_count, w_.feed_forward}, opts);
  float* q_scaled = scaled_.data();
  for (int64_t l = 0; l < n_layers; ++l) {
    const DecoderLayerWeights& lw = w_.layers[static_cast<size_t>(l)];
    // Self-attention over the earlier tokens' columns and the new token.
    Linear(x, lw.self_in_w, lw.self_in_b, qkv);
    const float* pqkv = qkv.data_ptr<float>();
    float* pattn = attn.data_ptr<float>();
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
    Linear(attn, lw.self_out_w, lw.self_out_b, proj);
    AddNorm(x, &proj, lw.norm1_w, lw.norm1_b, w_.eps);
    // Cross-attention over the swipe's memory.
    Linear(x, lw.cross_q_w, lw.cross_q_b, query);
    const float* pq = query.data_ptr<float>();
    for (int64_t r = 0; r < r_count; ++r) {
      const CpuStepRow& row = rows[static_cast<size_t>(r)];
      const int64_t s = row.memory_len;
      if (static_cast<int64_t>(scores_.size()) < s) scores_.resize(static_cast<size_t>(s));
      for (int64_t h = 0; h < h_count; ++h) {
        const float* keys_t = row.memory + ((l * 2 + 0) * h_count + h) * s * dh;
        const float* values = row.memory + ((l * 2 + 1) * h_count + h) * s * dh;
        ScaleQuery(pq + r * d + h * dh, scale_, dh, q_scaled);
        ScoresByColumns(q_scaled, keys_t, s, dh, scores_.data());
        Softmax(scores_.data(), s);
        WeightedBlock(scores_.data(), values, s, dh, pattn + r * d + h * dh);
      }
    }
    Linear(attn, lw.cross_out_w, lw.cross_out_b, proj);
    AddNorm(x, &proj, lw.norm2_w, lw.norm2_b, w_.eps);
    // Feed-forward.
    Linear(x, lw.ff1_w, lw.ff1_b, hidden);
    hidden.clamp_min_(0.0);
    Linear(hidden, lw.ff2_w, lw.ff2_b, proj);
    AddNorm(x, &proj, lw.norm3_w, lw.norm3_b, w_.eps);
  }
  if (w_.final_norm_w.defined()) AddNorm(x, nullptr, w_.final_norm_w, w_.final_norm_b, w_.eps);
  at::Tensor logits = at::empty({r_count, w_.out_w.size(0)}, opts);
  Linear(x, w_.out_w, w_.out_b, logits);
  return logits;
}

}  // namespace neuroswipe
