#include "script_model.h"

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
    if (std::string(m.name) == "decode_last") has_decode_last_ = true;
  }
}

torch::IValue ScriptModel::Call(const char* method, std::vector<torch::IValue> args) const {
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

}  // namespace neuroswipe
