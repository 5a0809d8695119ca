#include "binding/script_model_binding.h"

#include <torch/script.h>

#include "binding/addon_data.h"
#include "binding/promise_worker.h"
#include "binding/tensor_convert.h"
#include "common/native_error.h"
#include "model/precision.h"

namespace neuroswipe {
namespace {

std::string DeviceName(const c10::Device& d) { return d.str(); }

void RequireArgs(const Napi::CallbackInfo& info, size_t n, const char* method) {
  if (info.Length() < n) {
    throw Napi::TypeError::New(info.Env(), std::string("ScriptModel.") + method + ": expected " + std::to_string(n) +
                                               " arguments, got " + std::to_string(info.Length()));
  }
}

void RequireRank(const std::vector<int64_t>& shape, size_t rank, Napi::Env env, const std::string& what) {
  if (shape.size() != rank) {
    throw Napi::RangeError::New(
        env, what + ": expected " + std::to_string(rank) + " dimensions, got " + std::to_string(shape.size()));
  }
}

}  // namespace

void ScriptModelWrap::Init(Napi::Env env, Napi::Object exports) {
  Napi::Function ctor = DefineClass(env, "ScriptModel",
                                    {
                                        StaticMethod("load", &ScriptModelWrap::Load),
                                        InstanceMethod("encode", &ScriptModelWrap::Encode),
                                        InstanceMethod("decode", &ScriptModelWrap::Decode),
                                        InstanceMethod("decodeLast", &ScriptModelWrap::DecodeLast),
                                        InstanceMethod("dispose", &ScriptModelWrap::Dispose),
                                        InstanceAccessor("metadata", &ScriptModelWrap::GetMetadata, nullptr),
                                        InstanceAccessor("device", &ScriptModelWrap::GetDevice, nullptr),
                                        InstanceAccessor("precision", &ScriptModelWrap::GetPrecision, nullptr),
                                        InstanceAccessor("path", &ScriptModelWrap::GetPath, nullptr),
                                        InstanceAccessor("hasDecodeLast", &ScriptModelWrap::GetHasDecodeLast, nullptr),
                                        InstanceAccessor("structure", &ScriptModelWrap::GetStructure, nullptr),
                                    });
  GetAddonData(env).script_model_ctor = Napi::Persistent(ctor);
  exports.Set("ScriptModel", ctor);
}

ScriptModelWrap::ScriptModelWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ScriptModelWrap>(info) {
  if (info.Length() != 1 || !info[0].IsExternal()) {
    throw Napi::TypeError::New(info.Env(), "ScriptModel cannot be constructed directly: use ScriptModel.load()");
  }
  model_ = *info[0].As<Napi::External<std::shared_ptr<const ScriptModel>>>().Data();
}

std::shared_ptr<const ScriptModel> ScriptModelWrap::ModelOf(const Napi::Value& value, const char* what) {
  Napi::Env env = value.Env();
  if (!value.IsObject() || !value.As<Napi::Object>().InstanceOf(GetAddonData(env).script_model_ctor.Value())) {
    throw Napi::TypeError::New(env, std::string(what) + ": expected a ScriptModel");
  }
  auto* self = Napi::ObjectWrap<ScriptModelWrap>::Unwrap(value.As<Napi::Object>());
  if (!self->model_) throw Napi::Error::New(env, std::string(what) + ": the model has been disposed");
  return self->model_;
}

const ScriptModel& ScriptModelWrap::Model(Napi::Env env) const {
  if (!model_) throw Napi::Error::New(env, "ScriptModel: the model has been disposed");
  return *model_;
}

Napi::Value ScriptModelWrap::Load(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsString() || !info[1].IsString()) {
    throw Napi::TypeError::New(env, "ScriptModel.load(path: string, device: string, precision?: string)");
  }
  auto path = info[0].As<Napi::String>().Utf8Value();
  auto device = info[1].As<Napi::String>().Utf8Value();
  std::string precision = "float32";
  if (info.Length() > 2 && !info[2].IsUndefined()) {
    if (!info[2].IsString()) {
      throw Napi::TypeError::New(env, "ScriptModel.load: precision must be a string (float32, float16 or bfloat16)");
    }
    precision = info[2].As<Napi::String>().Utf8Value();
  }
  try {
    ParsePrecision(precision);
  } catch (const UserError& e) {
    throw Napi::RangeError::New(env, std::string("ScriptModel.load: ") + e.what());
  }
  auto slot = std::make_shared<std::shared_ptr<const ScriptModel>>();
  return PromiseWorker::Start(
      env, "neuroswipe.load",
      [slot, path, device, precision] { *slot = std::make_shared<const ScriptModel>(path, device, precision); },
      [slot](Napi::Env env) -> Napi::Value {
        auto external = Napi::External<std::shared_ptr<const ScriptModel>>::New(env, slot.get());
        return GetAddonData(env).script_model_ctor.New({external});
      });
}

Napi::Value ScriptModelWrap::Encode(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireArgs(info, 5, "encode");
  auto model = ModelOf(info.This(), "ScriptModel.encode");
  auto traj_shape = ReadShape(info[1], "trajShape");
  RequireRank(traj_shape, 3, env, "trajShape");
  auto keys_shape = ReadShape(info[3], "keysShape");
  if (keys_shape.size() < 2 || keys_shape[0] != traj_shape[0] || keys_shape[1] != traj_shape[1]) {
    throw Napi::RangeError::New(env, "keysShape: must start with the trajectory's [S, B]");
  }
  auto traj = CopyTypedArray(info[0], traj_shape, "traj");
  if (traj.scalar_type() != torch::kFloat32) throw Napi::TypeError::New(env, "traj: expected a Float32Array");
  auto keys = CopyTypedArray(info[2], keys_shape, "keys");
  auto mask = CopyOptionalTypedArray(info[4], {traj_shape[1], traj_shape[0]}, "padMask");
  auto out = std::make_shared<HostTensor>();
  return PromiseWorker::Start(
      env, "neuroswipe.encode",
      [model, traj, keys, mask, out] {
        c10::InferenceMode guard;
        const auto dev = model->device();
        std::optional<torch::Tensor> m;
        if (mask) m = mask->to(dev);
        *out = ToHost(model->Encode(traj.to(dev), keys.to(dev), m));
      },
      [out](Napi::Env env) -> Napi::Value { return HostTensorToJs(env, *out); });
}

namespace {

/** Decoder inputs copied out of JS: tokens [T,B], optional lengths [B], memory [S,B,D], mask [B,S]. */
struct DecoderInputs {
  torch::Tensor tokens;
  torch::Tensor lengths;
  torch::Tensor memory;
  std::optional<torch::Tensor> mask;
};

/** Reads (tokens, tokensShape, [lengths,] memory, memoryShape, padMask) starting at argument 0. */
DecoderInputs ReadDecoderInputs(const Napi::CallbackInfo& info, bool with_lengths) {
  Napi::Env env = info.Env();
  const size_t mem = with_lengths ? 3 : 2;
  auto tok_shape = ReadShape(info[1], "tokensShape");
  RequireRank(tok_shape, 2, env, "tokensShape");
  auto mem_shape = ReadShape(info[mem + 1], "memoryShape");
  RequireRank(mem_shape, 3, env, "memoryShape");
  if (mem_shape[1] != tok_shape[1]) throw Napi::RangeError::New(env, "memoryShape: batch differs from tokensShape");
  DecoderInputs in;
  in.tokens = CopyTypedArray(info[0], tok_shape, "tokens");
  if (in.tokens.scalar_type() != torch::kInt64)
    throw Napi::TypeError::New(env, "tokens: expected an Int32Array or BigInt64Array");
  if (with_lengths) {
    in.lengths = CopyTypedArray(info[2], {tok_shape[1]}, "lengths");
    if (in.lengths.scalar_type() != torch::kInt64) throw Napi::TypeError::New(env, "lengths: expected an Int32Array");
    if (in.lengths.numel() > 0 &&
        (in.lengths.min().item<int64_t>() < 1 || in.lengths.max().item<int64_t>() > tok_shape[0])) {
      throw Napi::RangeError::New(env, "lengths: each must be in 1..T");
    }
  }
  in.memory = CopyTypedArray(info[mem], mem_shape, "memory");
  if (in.memory.scalar_type() != torch::kFloat32) throw Napi::TypeError::New(env, "memory: expected a Float32Array");
  in.mask = CopyOptionalTypedArray(info[mem + 2], {mem_shape[1], mem_shape[0]}, "padMask");
  return in;
}

}  // namespace

namespace {

/** Runs `call(model, inputs on the model's device, mask)` off the event loop; resolves to its output tensor. */
template <typename Call>
Napi::Value StartDecoderJob(Napi::Env env, const char* name, std::shared_ptr<const ScriptModel> model,
                            std::shared_ptr<DecoderInputs> in, Call call) {
  auto out = std::make_shared<HostTensor>();
  return PromiseWorker::Start(
      env, name,
      [model, in, out, call] {
        c10::InferenceMode guard;
        const auto dev = model->device();
        std::optional<torch::Tensor> m;
        if (in->mask) m = in->mask->to(dev);
        *out = ToHost(call(*model, *in, dev, m));
      },
      [out](Napi::Env env) -> Napi::Value { return HostTensorToJs(env, *out); });
}

}  // namespace

Napi::Value ScriptModelWrap::Decode(const Napi::CallbackInfo& info) {
  RequireArgs(info, 5, "decode");
  auto model = ModelOf(info.This(), "ScriptModel.decode");
  auto in = std::make_shared<DecoderInputs>(ReadDecoderInputs(info, false));
  return StartDecoderJob(
      info.Env(), "neuroswipe.decode", model, in,
      [](const ScriptModel& m, const DecoderInputs& x, c10::Device dev, const std::optional<torch::Tensor>& mask) {
        return m.Decode(x.tokens.to(dev), x.memory.to(dev), mask);
      });
}

Napi::Value ScriptModelWrap::DecodeLast(const Napi::CallbackInfo& info) {
  RequireArgs(info, 6, "decodeLast");
  auto model = ModelOf(info.This(), "ScriptModel.decodeLast");
  auto in = std::make_shared<DecoderInputs>(ReadDecoderInputs(info, true));
  return StartDecoderJob(
      info.Env(), "neuroswipe.decodeLast", model, in,
      [](const ScriptModel& m, const DecoderInputs& x, c10::Device dev, const std::optional<torch::Tensor>& mask) {
        return m.DecodeLast(x.tokens.to(dev), x.lengths.to(dev), x.memory.to(dev), mask);
      });
}

Napi::Value ScriptModelWrap::GetMetadata(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), Model(info.Env()).metadata_json());
}
Napi::Value ScriptModelWrap::GetDevice(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), DeviceName(Model(info.Env()).device()));
}
Napi::Value ScriptModelWrap::GetPrecision(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), PrecisionName(Model(info.Env()).precision()));
}
Napi::Value ScriptModelWrap::GetPath(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), Model(info.Env()).path());
}
Napi::Value ScriptModelWrap::GetHasDecodeLast(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), Model(info.Env()).has_decode_last());
}
Napi::Value ScriptModelWrap::GetStructure(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ModelStructure st;
  try {
    st = Model(env).Structure();
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, e.what());
  }
  Napi::Object tensors = Napi::Object::New(env);
  for (const auto& [name, shape] : st.tensors) {
    Napi::Array dims = Napi::Array::New(env, shape.size());
    for (size_t i = 0; i < shape.size(); i++)
      dims.Set(static_cast<uint32_t>(i), Napi::Number::New(env, static_cast<double>(shape[i])));
    tensors.Set(name, dims);
  }
  Napi::Object heads = Napi::Object::New(env);
  for (const auto& [name, n] : st.attention_heads) heads.Set(name, Napi::Number::New(env, static_cast<double>(n)));
  Napi::Object out = Napi::Object::New(env);
  out.Set("tensors", tensors);
  out.Set("attentionHeads", heads);
  return out;
}

Napi::Value ScriptModelWrap::Dispose(const Napi::CallbackInfo& info) {
  model_.reset();
  return info.Env().Undefined();
}

}  // namespace neuroswipe
