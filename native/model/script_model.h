// A TorchScript swipe model in neuroswipe's model contract (docs/MODEL_FORMAT.md).
#pragma once

#include <torch/script.h>

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "model/decoder_step_weights.h"

namespace neuroswipe {

/** Picks the device for a request: "auto", "cpu", "cuda" or "cuda:N". Throws UserError when absent. */
c10::Device ResolveDevice(const std::string& request);

/**
 * A loaded model: its module on one device in one precision, the raw `neuroswipe.json` metadata and which
 * optional methods it has. Methods may be called from several threads at once.
 *
 * Precision: the module's floating parameters and buffers are converted to the precision's dtype at load,
 * and every floating tensor handed to a method is cast to it (integer and bool tensors are passed as they
 * are; a tensor already in the dtype is passed without a copy). Outputs are in the model's dtype: memory,
 * logits and caches; callers that need float32 convert (the engine converts logits, the JS wrapper every
 * result it copies out).
 */
/** Names and shapes of a model's weights, for checking its metadata against them. */
struct ModelStructure {
  /** Every parameter and buffer (submodules included): dotted name and shape. */
  std::vector<std::pair<std::string, std::vector<int64_t>>> tensors;
  /** Every submodule with an integer `num_heads` attribute (attention): dotted name and head count. */
  std::vector<std::pair<std::string, int64_t>> attention_heads;
};

class ScriptModel {
 public:
  /**
   * Loads `path` onto `device` in `precision` ("float32", "float16" or "bfloat16"; float16 needs CUDA)
   * and checks the contract; throws UserError naming what is wrong.
   */
  ScriptModel(const std::string& path, const std::string& device, const std::string& precision = "float32");

  const std::string& path() const { return path_; }
  const std::string& metadata_json() const { return metadata_json_; }
  c10::Device device() const { return device_; }
  /** The dtype the model computes in: kFloat (the default, seed-exact), kHalf or kBFloat16. */
  c10::ScalarType precision() const { return dtype_; }
  bool has_decode_last() const { return has_decode_last_; }
  /** Whether the model has `memory_kv` and `decode_step` (incremental decoding with caches). */
  bool has_incremental() const { return has_memory_kv_ && has_decode_step_; }
  /**
   * The decoder's weights from `step_weights()`, for the built-in CPU decoder step; null when the model
   * does not export them or does not run on the CPU.
   */
  const DecoderStepWeights* step_weights() const { return step_weights_.get(); }

  /** The names and shapes of the weights and the attention modules' head counts. */
  ModelStructure Structure() const;

  /** encode(traj [S,B,F], keys, src_pad_mask [B,S] or none) → memory [S,B,D]. */
  torch::Tensor Encode(const torch::Tensor& traj, const torch::Tensor& keys,
                       const std::optional<torch::Tensor>& pad_mask) const;

  /** decode(tokens [T,B] int64, memory [S,B,D], memory_pad_mask or none) → logits [T,B,C]. */
  torch::Tensor Decode(const torch::Tensor& tokens, const torch::Tensor& memory,
                       const std::optional<torch::Tensor>& pad_mask) const;

  /**
   * Logits at each row's last position: [B,C]. Uses the model's `decode_last` when present, else
   * `decode` and a gather.
   */
  torch::Tensor DecodeLast(const torch::Tensor& tokens, const torch::Tensor& lengths, const torch::Tensor& memory,
                           const std::optional<torch::Tensor>& pad_mask) const;

  /** memory_kv(memory [S,B,D]) → cross-attention keys/values of every decoder layer [L,2,S,B,D]. */
  torch::Tensor MemoryKv(const torch::Tensor& memory) const;

  /**
   * decode_step(tokens [B], self_kv [L,2,T,B,D], self_len [B], mem_kv [L,2,S,B,D], memory_pad_mask or
   * none) → (logits [B,C], new_kv [L,2,B,D]). See docs/MODEL_FORMAT.md.
   */
  std::pair<torch::Tensor, torch::Tensor> DecodeStep(const torch::Tensor& tokens, const torch::Tensor& self_kv,
                                                     const torch::Tensor& self_len, const torch::Tensor& mem_kv,
                                                     const std::optional<torch::Tensor>& pad_mask) const;

 private:
  torch::IValue Call(const char* method, std::vector<torch::IValue> args) const;
  /** `t` cast to the model's dtype when it is floating; otherwise (or already in it) `t` itself. */
  torch::Tensor In(const torch::Tensor& t) const;

  std::string path_;
  c10::Device device_;
  c10::ScalarType dtype_;
  std::string metadata_json_;
  bool has_decode_last_ = false;
  bool has_memory_kv_ = false;
  bool has_decode_step_ = false;
  std::shared_ptr<const DecoderStepWeights> step_weights_;
  mutable torch::jit::Module module_;
};

}  // namespace neuroswipe
