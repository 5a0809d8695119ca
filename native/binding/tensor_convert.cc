#include "binding/tensor_convert.h"

#include <cstring>

namespace neuroswipe {

std::vector<int64_t> ReadShape(const Napi::Value& value, const std::string& what) {
  Napi::Env env = value.Env();
  if (!value.IsArray()) throw Napi::TypeError::New(env, what + ": expected an array of dimensions");
  Napi::Array arr = value.As<Napi::Array>();
  std::vector<int64_t> shape;
  for (uint32_t i = 0; i < arr.Length(); ++i) {
    Napi::Value v = arr.Get(i);
    if (!v.IsNumber()) throw Napi::TypeError::New(env, what + "[" + std::to_string(i) + "]: expected a number");
    const double d = v.As<Napi::Number>().DoubleValue();
    if (!(d >= 0) || d != static_cast<double>(static_cast<int64_t>(d)) || d > 1e12) {
      throw Napi::RangeError::New(env, what + "[" + std::to_string(i) + "]: expected a non-negative integer");
    }
    shape.push_back(static_cast<int64_t>(d));
  }
  return shape;
}

torch::Tensor CopyTypedArray(const Napi::Value& value, const std::vector<int64_t>& shape, const std::string& what) {
  Napi::Env env = value.Env();
  if (!value.IsTypedArray()) throw Napi::TypeError::New(env, what + ": expected a typed array");
  Napi::TypedArray ta = value.As<Napi::TypedArray>();
  int64_t numel = 1;
  for (int64_t d : shape) numel *= d;
  if (static_cast<int64_t>(ta.ElementLength()) != numel) {
    std::string dims;
    for (size_t i = 0; i < shape.size(); ++i) dims += (i ? "x" : "") + std::to_string(shape[i]);
    throw Napi::RangeError::New(env, what + ": has " + std::to_string(ta.ElementLength()) +
                                         " elements but the shape [" + dims + "] needs " + std::to_string(numel));
  }
  void* data = static_cast<uint8_t*>(ta.ArrayBuffer().Data()) + ta.ByteOffset();
  switch (ta.TypedArrayType()) {
    case napi_float32_array:
      return torch::from_blob(data, shape, torch::kFloat32).clone();
    case napi_int32_array:
      return torch::from_blob(data, shape, torch::kInt32).to(torch::kInt64);
    case napi_bigint64_array:
      return torch::from_blob(data, shape, torch::kInt64).clone();
    case napi_uint8_array:
      return torch::from_blob(data, shape, torch::kUInt8).to(torch::kBool);
    default:
      throw Napi::TypeError::New(
          env, what + ": unsupported typed array (use Float32Array, Int32Array, BigInt64Array or Uint8Array)");
  }
}

std::optional<torch::Tensor> CopyOptionalTypedArray(const Napi::Value& value, const std::vector<int64_t>& shape,
                                                    const std::string& what) {
  if (value.IsNull() || value.IsUndefined()) return std::nullopt;
  return CopyTypedArray(value, shape, what);
}

HostTensor ToHost(const torch::Tensor& t) {
  torch::Tensor host = t.detach().to(torch::kCPU, torch::kFloat32).contiguous();
  HostTensor out;
  out.shape.assign(host.sizes().begin(), host.sizes().end());
  out.data.resize(static_cast<size_t>(host.numel()));
  if (!out.data.empty()) std::memcpy(out.data.data(), host.data_ptr<float>(), out.data.size() * sizeof(float));
  return out;
}

Napi::Object HostTensorToJs(Napi::Env env, const HostTensor& t) {
  Napi::Float32Array data = Napi::Float32Array::New(env, t.data.size());
  if (!t.data.empty()) std::memcpy(data.Data(), t.data.data(), t.data.size() * sizeof(float));
  Napi::Array shape = Napi::Array::New(env, t.shape.size());
  for (size_t i = 0; i < t.shape.size(); ++i)
    shape.Set(static_cast<uint32_t>(i), Napi::Number::New(env, static_cast<double>(t.shape[i])));
  Napi::Object out = Napi::Object::New(env);
  out.Set("data", data);
  out.Set("shape", shape);
  return out;
}

}  // namespace neuroswipe
