#include "cpu_decoder_step.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "native_error.h"

namespace neuroswipe {
namespace {

/** Dot product with eight independent partial sums, so that it vectorises without reassociation flags. */
inline float Dot(const float* a, const float* b, int64_t n) {
  float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    for (int j = 0; j < 8; ++j) acc[j] += a[i + j] * b[i + j];
  }
  float tail = 0;
  for (; i < n; ++i) tail += a[i] * b[i];
  return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7])) + tail;
}

/** out = x · wᵀ + b for x [R, K], w [N, K], b [N]. */
void Linear(const at::Tensor& x, const at::Tensor& w, const at::Tensor& b, at::Tensor& out) {
  at::addmm_out(out, b, x, w.t());
}

}  // namespace

CpuDecoderStep::CpuDecoderStep(const DecoderStepWeights& weights, int64_t heads)
    : w_(weights), heads_(heads) {
  if (heads <= 0 || weights.d_model % heads != 0) {
    throw UserError("step weights: d_model " + std::to_string(weights.d_model) + " is not divisible by " +
                    std::to_string(heads) + " heads");
  }
  head_dim_ = weights.d_model / heads;
  // nn.MultiheadAttention divides the query by sqrt(head_dim) (a float32 scalar) before the score matmul.
  scale_ = static_cast<float>(std::sqrt(static_cast<double>(head_dim_)));
  q_.resize(static_cast<size_t>(head_dim_));
}

void CpuDecoderStep::Attend(const float* q, const float* keys, const float* values, int64_t n, float* out) {
  const int64_t dh = head_dim_;
  for (int64_t i = 0; i < dh; ++i) q_[static_cast<size_t>(i)] = q[i] / scale_;
  if (static_cast<int64_t>(scores_.size()) < n) scores_.resize(static_cast<size_t>(n));
  float* s = scores_.data();
  float max = -std::numeric_limits<float>::infinity();
  for (int64_t t = 0; t < n; ++t) {
    s[t] = Dot(q_.data(), keys + t * dh, dh);
    max = std::max(max, s[t]);
  }
  float sum = 0;
  for (int64_t t = 0; t < n; ++t) {
    s[t] = std::exp(s[t] - max);
    sum += s[t];
  }
  std::fill(out, out + dh, 0.0f);
  for (int64_t t = 0; t < n; ++t) {
    const float p = s[t] / sum;
    const float* v = values + t * dh;
    for (int64_t i = 0; i < dh; ++i) out[i] += p * v[i];
  }
}

void CpuDecoderStep::AddNorm(at::Tensor& x, const float* py, const at::Tensor& w, const at::Tensor& b) const {
  const int64_t rows = x.size(0), d = x.size(1);
  float* px = x.data_ptr<float>();
  const float* pw = w.data_ptr<float>();
  const float* pb = b.data_ptr<float>();
  const float eps = static_cast<float>(w_.eps);
  for (int64_t r = 0; r < rows; ++r) {
    float* z = px + r * d;
    const float* add = py ? py + r * d : nullptr;
    float mean = 0;
    for (int64_t i = 0; i < d; ++i) {
      if (add) z[i] += add[i];
      mean += z[i];
    }
    mean /= static_cast<float>(d);
    float var = 0;
    for (int64_t i = 0; i < d; ++i) var += (z[i] - mean) * (z[i] - mean);
    var /= static_cast<float>(d);
    const float rstd = 1.0f / std::sqrt(var + eps);
    for (int64_t i = 0; i < d; ++i) z[i] = (z[i] - mean) * rstd * pw[i] + pb[i];
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
      if (row.token < 0 || row.token >= vocab) throw UserError("decoder step: token id " + std::to_string(row.token) + " is outside the embedding table");
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
  for (int64_t l = 0; l < n_layers; ++l) {
    const DecoderLayerWeights& lw = w_.layers[static_cast<size_t>(l)];
    // Self-attention over the cached prefix and the new token.
    Linear(x, lw.self_in_w, lw.self_in_b, qkv);
    const float* pqkv = qkv.data_ptr<float>();
    float* pattn = attn.data_ptr<float>();
    for (int64_t r = 0; r < r_count; ++r) {
      const CpuStepRow& row = rows[static_cast<size_t>(r)];
      const int64_t t = row.position + 1;
      const float* q = pqkv + r * 3 * d;
      for (int64_t h = 0; h < h_count; ++h) {
        float* keys = row.self_kv + ((l * 2 + 0) * h_count + h) * t * dh;
        float* values = row.self_kv + ((l * 2 + 1) * h_count + h) * t * dh;
        std::memcpy(keys + row.position * dh, q + d + h * dh, static_cast<size_t>(dh) * sizeof(float));
        std::memcpy(values + row.position * dh, q + 2 * d + h * dh, static_cast<size_t>(dh) * sizeof(float));
        Attend(q + h * dh, keys, values, t, pattn + r * d + h * dh);
      }
    }
    Linear(attn, lw.self_out_w, lw.self_out_b, proj);
    AddNorm(x, proj.data_ptr<float>(), lw.norm1_w, lw.norm1_b);
    // Cross-attention over the swipe's memory.
    Linear(x, lw.cross_q_w, lw.cross_q_b, query);
    const float* pq2 = query.data_ptr<float>();
    for (int64_t r = 0; r < r_count; ++r) {
      const CpuStepRow& row = rows[static_cast<size_t>(r)];
      const int64_t s = row.memory_len;
      for (int64_t h = 0; h < h_count; ++h) {
        const float* keys = row.memory_kv + ((l * 2 + 0) * h_count + h) * s * dh;
        const float* values = row.memory_kv + ((l * 2 + 1) * h_count + h) * s * dh;
        Attend(pq2 + r * d + h * dh, keys, values, s, pattn + r * d + h * dh);
      }
    }
    Linear(attn, lw.cross_out_w, lw.cross_out_b, proj);
    AddNorm(x, proj.data_ptr<float>(), lw.norm2_w, lw.norm2_b);
    // Feed-forward.
    Linear(x, lw.ff1_w, lw.ff1_b, hidden);
    hidden.clamp_min_(0.0);
    Linear(hidden, lw.ff2_w, lw.ff2_b, proj);
    AddNorm(x, proj.data_ptr<float>(), lw.norm3_w, lw.norm3_b);
  }
  if (w_.final_norm_w.defined()) AddNorm(x, nullptr, w_.final_norm_w, w_.final_norm_b);
  at::Tensor logits = at::empty({r_count, w_.out_w.size(0)}, opts);
  Linear(x, w_.out_w, w_.out_b, logits);
  return logits;
}

}  // namespace neuroswipe
