#include "model/cpu_decoder_step.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "common/native_error.h"
#include "engine/step_profile.h"
#include "model/cpu_step_kernels.h"

namespace neuroswipe {
namespace {

using step_kernels::AddNorm;
using step_kernels::BlockProductRows;
using step_kernels::Linear;
using step_kernels::Relu;
using step_kernels::ScaleQuery;
using step_kernels::SelfScores;
using step_kernels::SelfWeighted;
using step_kernels::Softmax;

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
