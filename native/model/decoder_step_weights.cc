#include "model/decoder_step_weights.h"

#include <map>
#include <set>

#include "common/native_error.h"
#include "model/shape_string.h"

namespace neuroswipe {
namespace {

class Reader {
 public:
  Reader(const c10::impl::GenericDict& dict, const std::string& path) : path_(path) {
    for (const auto& entry : dict) {
      if (!entry.key().isString() || !entry.value().isTensor()) {
        throw UserError(path + ": step_weights() must return Dict[str, Tensor]");
      }
      tensors_.emplace(entry.key().toStringRef(), entry.value().toTensor());
    }
  }

  bool Has(const std::string& name) const { return tensors_.count(name) > 0; }

  /** The tensor `name` as contiguous float32 on the CPU, checked against `shape`. */
  at::Tensor Take(const std::string& name, std::vector<int64_t> shape) {
    auto it = tensors_.find(name);
    if (it == tensors_.end()) throw UserError(path_ + ": step_weights() has no '" + name + "'");
    at::Tensor t = it->second;
    if (t.sizes() != at::IntArrayRef(shape)) {
      throw UserError(path_ + ": step_weights() '" + name + "' has shape " + ShapeString(t) + ", expected " +
                      ShapeString(shape));
    }
    taken_.insert(name);
    return t.detach().to(at::kCPU, at::kFloat).contiguous();
  }

  /** Take(name, shape), transposed to `[in, out]` (contiguous). */
  at::Tensor TakeTransposed(const std::string& name, std::vector<int64_t> shape) {
    return Take(name, std::move(shape)).t().contiguous();
  }

  const at::Tensor& Peek(const std::string& name) const {
    auto it = tensors_.find(name);
    if (it == tensors_.end()) throw UserError(path_ + ": step_weights() has no '" + name + "'");
    return it->second;
  }

  void CheckAllTaken() const {
    for (const auto& [name, t] : tensors_) {
      if (!taken_.count(name)) throw UserError(path_ + ": step_weights() has an unexpected entry '" + name + "'");
    }
  }

 private:
  std::string path_;
  std::map<std::string, at::Tensor> tensors_;
  std::set<std::string> taken_;
};

}  // namespace

DecoderStepWeights ReadDecoderStepWeights(const c10::impl::GenericDict& dict, const std::string& path) {
  Reader r(dict, path);
  DecoderStepWeights w;
  const at::Tensor& emb = r.Peek("token_embedding");
  const at::Tensor& ff = r.Peek("layers.0.linear1.weight");
  if (emb.dim() != 2 || ff.dim() != 2)
    throw UserError(path + ": step_weights() embedding and linear1 must be matrices");
  const int64_t d = emb.size(1), f = ff.size(0);
  w.d_model = d;
  w.feed_forward = f;
  w.token_embedding = r.Take("token_embedding", {emb.size(0), d});
  w.position_embedding = r.Take("position_embedding", {r.Peek("position_embedding").size(0), d});
  const at::Tensor& out_bias = r.Peek("out.bias");
  if (out_bias.dim() != 1) throw UserError(path + ": step_weights() 'out.bias' must be a vector");
  const int64_t classes = out_bias.size(0);
  w.out_wt = r.TakeTransposed("out.weight", {classes, d});
  w.out_b = r.Take("out.bias", {classes});
  for (int i = 0; r.Has("layers." + std::to_string(i) + ".norm1.weight"); ++i) {
    const std::string p = "layers." + std::to_string(i) + ".";
    DecoderLayerWeights l;
    l.self_in_wt = r.TakeTransposed(p + "self_attn.in_proj_weight", {3 * d, d});
    l.self_in_b = r.Take(p + "self_attn.in_proj_bias", {3 * d});
    l.self_out_wt = r.TakeTransposed(p + "self_attn.out_proj.weight", {d, d});
    l.self_out_b = r.Take(p + "self_attn.out_proj.bias", {d});
    l.cross_q_wt = r.Take(p + "multihead_attn.in_proj_weight", {3 * d, d}).narrow(0, 0, d).t().contiguous();
    l.cross_q_b = r.Take(p + "multihead_attn.in_proj_bias", {3 * d}).narrow(0, 0, d).contiguous();
    l.cross_out_wt = r.TakeTransposed(p + "multihead_attn.out_proj.weight", {d, d});
    l.cross_out_b = r.Take(p + "multihead_attn.out_proj.bias", {d});
    l.ff1_wt = r.TakeTransposed(p + "linear1.weight", {f, d});
    l.ff1_b = r.Take(p + "linear1.bias", {f});
    l.ff2_wt = r.TakeTransposed(p + "linear2.weight", {d, f});
    l.ff2_b = r.Take(p + "linear2.bias", {d});
    l.norm1_w = r.Take(p + "norm1.weight", {d});
    l.norm1_b = r.Take(p + "norm1.bias", {d});
    l.norm2_w = r.Take(p + "norm2.weight", {d});
    l.norm2_b = r.Take(p + "norm2.bias", {d});
    l.norm3_w = r.Take(p + "norm3.weight", {d});
    l.norm3_b = r.Take(p + "norm3.bias", {d});
    w.layers.push_back(std::move(l));
  }
  if (w.layers.empty()) throw UserError(path + ": step_weights() has no decoder layers");
  if (r.Has("norm.weight")) {
    w.final_norm_w = r.Take("norm.weight", {d});
    w.final_norm_b = r.Take("norm.bias", {d});
  }
  r.CheckAllTaken();
  return w;
}

}  // namespace neuroswipe
