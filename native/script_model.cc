#include "script_model.h"

#include <torch/csrc/jit/runtime/graph_executor.h>
#include <torch/cuda.h>

#include <fstream>
#include <sstream>

#include "native_error.h"

namespace neuroswipe {
namespace {

const char kMetadataFile[] = "neuroswipe.json";

struct MethodArity {
  const char* name;
  size_t args;  // without self
  bool required;
};
const MethodArity kContract[] = {
    {"encode", 3, true},
    {"decode", 3, true},
    {"decode_last", 4, false},
    {"memory_kv", 1, false},
    {"decode_step", 5, false},
    {"step_weights", 0, false},
};

torch::IValue OptionalTensor(const std::optional<torch::Tensor>& t) {
  return t.has_value() ? torch::IValue(*t) : torch::IValue();
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

ScriptModel::ScriptModel(const std::string& path, const std::string& device)
    : path_(path), device_(ResolveDevice(device)) {
  bool has_step_weights = false;
  {
    std::ifstream probe(path, std::ios::binary);
    if (!probe) throw UserError(path + ": cannot open model file (missing or unreadable)");
  }
  torch::jit::ExtraFilesMap extra{{kMetadataFile, ""}};
  module_ = WithContext(path + ": not a loadable TorchScript model", [&] {
    return torch::jit::load(path, device_, extra);
  });
  module_.eval();
  metadata_json_ = extra[kMetadataFile];
  if (metadata_json_.empty()) {
    throw UserError(path + ": the archive has no " + kMetadataFile +
                    " metadata; export the model with scripts/export_torchscript.py");
  }
  for (const auto& m : kContract) {
    auto method = module_.find_method(m.name);
    if (!method) {
      if (m.required) throw UserError(path + ": the model has no '" + m.name + "' method (see docs/MODEL_FORMAT.md)");
      continue;
    }
    const size_t got = method->function().getSchema().arguments().size() - 1;
    if (got != m.args) {
      throw UserError(path + ": method '" + m.name + "' takes " + std::to_string(got) + " argument(s), the contract says " +
                      std::to_string(m.args) + " (see docs/MODEL_FORMAT.md)");
    }
    const std::string name = m.name;
    if (name == "decode_last") has_decode_last_ = true;
    if (name == "memory_kv") has_memory_kv_ = true;
    if (name == "decode_step") has_decode_step_ = true;
    if (name == "step_weights") has_step_weights = true;
  }
  // The built-in decoder step runs on the CPU only; elsewhere decode_step is called as exported.
  if (has_step_weights && has_incremental() && device_.is_cpu()) {
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

torch::Tensor ScriptModel::Encode(const torch::Tensor& traj, const torch::Tensor& keys,
                                  const std::optional<torch::Tensor>& pad_mask) const {
  return Call("encode", {traj, keys, OptionalTensor(pad_mask)}).toTensor();
}

torch::Tensor ScriptModel::Decode(const torch::Tensor& tokens, const torch::Tensor& memory,
                                  const std::optional<torch::Tensor>& pad_mask) const {
  return Call("decode", {tokens, memory, OptionalTensor(pad_mask)}).toTensor();
}

torch::Tensor ScriptModel::DecodeLast(const torch::Tensor& tokens, const torch::Tensor& lengths,
                                      const torch::Tensor& memory,
                                      const std::optional<torch::Tensor>& pad_mask) const {
  if (has_decode_last_) {
    return Call("decode_last", {tokens, lengths, memory, OptionalTensor(pad_mask)}).toTensor();
  }
  torch::Tensor logits = Decode(tokens, memory, pad_mask);  // [T,B,C]
  torch::Tensor rows = torch::arange(logits.size(1), lengths.options());
  return logits.index({lengths - 1, rows});
}

torch::Tensor ScriptModel::MemoryKv(const torch::Tensor& memory) const {
  if (!has_memory_kv_) throw UserError(path_ + ": the model has no memory_kv method");
  return Call("memory_kv", {memory}).toTensor();
}

std::pair<torch::Tensor, torch::Tensor> ScriptModel::DecodeStep(const torch::Tensor& tokens, const torch::Tensor& self_kv,
                                                                const torch::Tensor& self_len, const torch::Tensor& mem_kv,
                                                                const std::optional<torch::Tensor>& pad_mask) const {
  if (!has_decode_step_) throw UserError(path_ + ": the model has no decode_step method");
  auto out = Call("decode_step", {tokens, self_kv, self_len, mem_kv, OptionalTensor(pad_mask)});
  if (!out.isTuple() || out.toTuple()->elements().size() != 2) {
    throw UserError(path_ + ": decode_step must return (logits, new_kv)");
  }
  const auto& e = out.toTuple()->elements();
  return {e[0].toTensor(), e[1].toTensor()};
}

}  // namespace neuroswipe
