#include "model/script_model.h"

#include <torch/csrc/jit/runtime/graph_executor.h>
#include <torch/cuda.h>

#include <fstream>
#include <sstream>

#include "common/native_error.h"
#include "model/precision.h"

namespace neuroswipe {
namespace {

const char kMetadataFile[] = "neuroswipe.json";

struct MethodArity {
  const char* name;
  size_t args;  // without self
  bool required;
};
const MethodArity kContract[] = {
    {"encode", 3, true},     {"decode", 3, true},       {"decode_last", 4, false},
    {"memory_kv", 1, false}, {"decode_step", 5, false}, {"step_weights", 0, false},
};

torch::IValue OptionalTensor(const std::optional<torch::Tensor>& t) {
  return t.has_value() ? torch::IValue(*t) : torch::IValue();
}

/**
 * Converts the floating parameters and buffers of `module` (its submodules included) to `dtype`, in
 * place. Like `Module::to(dtype)`, except that integer and bool buffers keep their type.
 */
void ConvertFloatingState(torch::jit::Module& module, c10::ScalarType dtype) {
  torch::NoGradGuard no_grad;
  auto convert = [dtype](at::Tensor t) {
    if (t.is_floating_point() && t.scalar_type() != dtype) t.set_data(t.to(dtype));
  };
  for (const at::Tensor& p : module.parameters(/*recurse=*/true)) convert(p);
  for (const at::Tensor& b : module.buffers(/*recurse=*/true)) convert(b);
}

}  // namespace

c10::Device ResolveDevice(const std::string& request) {
  if (request == "auto") {
    return torch::cuda::is_available() ? c10::Device(c10::kCUDA, 0) : c10::Device(c10::kCPU);
  }
  if (request == "cpu") return c10::Device(c10::kCPU);
  if (request == "cuda" || request.rfind("cuda:", 0) == 0) {
    if (!torch::cuda::is_available()) {
      throw UserError("device '" + request +
                      "' requested but this libtorch sees no CUDA GPU (libtorch without CUDA, or no GPU visible)");
    }
    int index = 0;
    if (request.size() > 5) {
      try {
        index = std::stoi(request.substr(5));
      } catch (...) {
        throw UserError("invalid device '" + request + "': expected cuda:N");
      }
    }
    const int count = static_cast<int>(torch::cuda::device_count());
    if (index < 0 || index >= count) {
      throw UserError("device '" + request + "' does not exist: " + std::to_string(count) + " CUDA device(s) visible");
    }
    return c10::Device(c10::kCUDA, static_cast<c10::DeviceIndex>(index));
  }
  throw UserError("invalid device '" + request + "': expected auto, cpu, cuda or cuda:N");
}

ScriptModel::ScriptModel(const std::string& path, const std::string& device, const std::string& precision)
    : path_(path), device_(ResolveDevice(device)), dtype_(ParsePrecision(precision)) {
  CheckPrecisionOnDevice(dtype_, device_, device);
  bool has_step_weights = false;
  {
    std::ifstream probe(path, std::ios::binary);
    if (!probe) throw UserError(path + ": cannot open model file (missing or unreadable)");
  }
  torch::jit::ExtraFilesMap extra{{kMetadataFile, ""}};
  module_ =
      WithContext(path + ": not a loadable TorchScript model", [&] { return torch::jit::load(path, device_, extra); });
  module_.eval();
  if (dtype_ != c10::kFloat) ConvertFloatingState(module_, dtype_);
  metadata_json_ = extra[kMetadataFile];
  if (metadata_json_.empty()) {
    throw UserError(path + ": the archive has no " + kMetadataFile +
                    " metadata; export the model with python/export_torchscript.py");
  }
  for (const auto& m : kContract) {
    auto method = module_.find_method(m.name);
    if (!method) {
      if (m.required) throw UserError(path + ": the model has no '" + m.name + "' method (see docs/MODEL_FORMAT.md)");
      continue;
    }
    const size_t got = method->function().getSchema().arguments().size() - 1;
    if (got != m.args) {
      throw UserError(path + ": method '" + m.name + "' takes " + std::to_string(got) +
                      " argument(s), the contract says " + std::to_string(m.args) + " (see docs/MODEL_FORMAT.md)");
    }
    const std::string name = m.name;
    if (name == "decode_last") has_decode_last_ = true;
    if (name == "memory_kv") has_memory_kv_ = true;
    if (name == "decode_step") has_decode_step_ = true;
    if (name == "step_weights") has_step_weights = true;
  }
  // The built-in decoder step runs in float32 on the CPU only; elsewhere decode_step is called as exported.
  if (has_step_weights && has_incremental() && device_.is_cpu() && dtype_ == c10::kFloat) {
    torch::IValue dict = Call("step_weights", {});
    if (!dict.isGenericDict()) throw UserError(path + ": step_weights() must return Dict[str, Tensor]");
    step_weights_ = std::make_shared<const DecoderStepWeights>(ReadDecoderStepWeights(dict.toGenericDict(), path));
  }
}

torch::IValue ScriptModel::Call(const char* method, std::vector<torch::IValue> args) const {
  // Shapes change on almost every call (batch composition, prefix and swipe lengths), so the profiling
  // executor's shape specialisation would re-optimise again and again; the plain interpreter runs the same
  // ATen ops as eager PyTorch (the seed's own execution) at a steady speed.
  torch::jit::GraphOptimizerEnabledGuard no_optimization(false);
  return WithContext(std::string(method) + " failed", [&] { return module_.get_method(method)(std::move(args)); });
}

ModelStructure ScriptModel::Structure() const {
  return WithContext(path_ + ": cannot list the model's weights", [&] {
    ModelStructure out;
    for (const auto& p : module_.named_parameters(/*recurse=*/true))
      out.tensors.emplace_back(p.name, p.value.sizes().vec());
    for (const auto& b : module_.named_buffers(/*recurse=*/true))
      out.tensors.emplace_back(b.name, b.value.sizes().vec());
    for (const auto& m : module_.named_modules()) {
      if (!m.value.hasattr("num_heads")) continue;
      torch::IValue heads = m.value.attr("num_heads");
      if (heads.isInt()) out.attention_heads.emplace_back(m.name, heads.toInt());
    }
    return out;
  });
}

torch::Tensor ScriptModel::In(const torch::Tensor& t) const {
  return t.is_floating_point() && t.scalar_type() != dtype_ ? t.to(dtype_) : t;
}

torch::Tensor ScriptModel::Encode(const torch::Tensor& traj, const torch::Tensor& keys,
                                  const std::optional<torch::Tensor>& pad_mask) const {
  return Call("encode", {In(traj), In(keys), OptionalTensor(pad_mask)}).toTensor();
}

torch::Tensor ScriptModel::Decode(const torch::Tensor& tokens, const torch::Tensor& memory,
                                  const std::optional<torch::Tensor>& pad_mask) const {
  return Call("decode", {tokens, In(memory), OptionalTensor(pad_mask)}).toTensor();
}

torch::Tensor ScriptModel::DecodeLast(const torch::Tensor& tokens, const torch::Tensor& lengths,
                                      const torch::Tensor& memory, const std::optional<torch::Tensor>& pad_mask) const {
  if (has_decode_last_) {
    return Call("decode_last", {tokens, lengths, In(memory), OptionalTensor(pad_mask)}).toTensor();
  }
  torch::Tensor logits = Decode(tokens, memory, pad_mask);  // [T,B,C]
  torch::Tensor rows = torch::arange(logits.size(1), lengths.options());
  return logits.index({lengths - 1, rows});
}

torch::Tensor ScriptModel::MemoryKv(const torch::Tensor& memory) const {
  if (!has_memory_kv_) throw UserError(path_ + ": the model has no memory_kv method");
  return Call("memory_kv", {In(memory)}).toTensor();
}

std::pair<torch::Tensor, torch::Tensor> ScriptModel::DecodeStep(const torch::Tensor& tokens,
                                                                const torch::Tensor& self_kv,
                                                                const torch::Tensor& self_len,
                                                                const torch::Tensor& mem_kv,
                                                                const std::optional<torch::Tensor>& pad_mask) const {
  if (!has_decode_step_) throw UserError(path_ + ": the model has no decode_step method");
  auto out = Call("decode_step", {tokens, In(self_kv), self_len, In(mem_kv), OptionalTensor(pad_mask)});
  if (!out.isTuple() || out.toTuple()->elements().size() != 2) {
    throw UserError(path_ + ": decode_step must return (logits, new_kv)");
  }
  const auto& e = out.toTuple()->elements();
  return {e[0].toTensor(), e[1].toTensor()};
}

}  // namespace neuroswipe
