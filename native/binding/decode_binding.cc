#include "binding/decode_binding.h"

#include <atomic>
#include <memory>
#include <string>

#include "binding/decode_options_reader.h"
#include "binding/decode_result.h"
#include "binding/promise_worker.h"
#include "binding/script_model_binding.h"
#include "binding/tensor_convert.h"
#include "binding/vocab_trie_binding.h"
#include "engine/driver.h"

namespace neuroswipe {

namespace {

/** A decode's cancel flag as JS holds it (an External): shared with the worker, which may outlive it. */
using CancelFlag = std::shared_ptr<std::atomic<bool>>;

/** `createCancelFlag()`: a new flag, unset, for decodeSwipes' last argument. */
Napi::Value CreateCancelFlagJs(const Napi::CallbackInfo& info) {
  return Napi::External<CancelFlag>::New(info.Env(), new CancelFlag(std::make_shared<std::atomic<bool>>(false)),
                                         [](Napi::Env, CancelFlag* flag) { delete flag; });
}

CancelFlag CancelFlagOf(const Napi::Value& value, const char* what) {
  if (!value.IsExternal()) {
    throw Napi::TypeError::New(value.Env(), std::string(what) + ": expected a flag from createCancelFlag()");
  }
  return *value.As<Napi::External<CancelFlag>>().Data();
}

/** `cancelDecode(flag)`: sets the flag; a decode holding it stops before its next round. */
Napi::Value CancelDecodeJs(const Napi::CallbackInfo& info) {
  CancelFlagOf(info[0], "cancelDecode flag")->store(true, std::memory_order_relaxed);
  return info.Env().Undefined();
}

Napi::Value DecodeSwipesJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 8) {
    throw Napi::TypeError::New(env, "decodeSwipes(model, trie, traj, trajShape, keys, keysShape, lengths, options)");
  }
  auto model = ScriptModelWrap::ModelOf(info[0], "decodeSwipes model");
  auto trie = VocabTrieWrap::TrieOf(info[1], "decodeSwipes trie");
  auto traj_shape = ReadShape(info[3], "trajShape");
  if (traj_shape.size() != 2) throw Napi::RangeError::New(env, "trajShape: expected [sum S, F]");
  auto keys_shape = ReadShape(info[5], "keysShape");
  if (keys_shape.empty() || keys_shape.size() > 2 || keys_shape[0] != traj_shape[0]) {
    throw Napi::RangeError::New(env, "keysShape: expected [sum S] or [sum S, K] with the trajectory's sum S");
  }
  SwipeInputs inputs;
  inputs.traj = CopyTypedArray(info[2], traj_shape, "traj");
  inputs.keys = CopyTypedArray(info[4], keys_shape, "keys");
  if (inputs.traj.scalar_type() != torch::kFloat32) throw Napi::TypeError::New(env, "traj: expected a Float32Array");
  if ((keys_shape.size() == 1) != (inputs.keys.scalar_type() == torch::kInt64)) {
    throw Napi::TypeError::New(
        env, "keys: key ids must be an Int32Array of shape [sum S], key features a Float32Array [sum S, K]");
  }
  if (!info[6].IsTypedArray() || info[6].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) {
    throw Napi::TypeError::New(env, "lengths: expected an Int32Array");
  }
  auto lengths = info[6].As<Napi::Int32Array>();
  int64_t sum = 0;
  for (size_t i = 0; i < lengths.ElementLength(); ++i) {
    if (lengths[i] < 1)
      throw Napi::RangeError::New(env, "lengths[" + std::to_string(i) + "]: every swipe needs at least one point");
    inputs.lengths.push_back(lengths[i]);
    sum += lengths[i];
  }
  if (sum != traj_shape[0])
    throw Napi::RangeError::New(
        env, "lengths: they add up to " + std::to_string(sum) + ", trajShape[0] is " + std::to_string(traj_shape[0]));
  DecodingOptions options = ReadDecodingOptions(info[7]);
  auto lists = std::make_shared<WordLists>(ReadWordLists(info[7], lengths.ElementLength()));
  auto out = std::make_shared<FlatDecodeOutput>();
  if (info.Length() > 8 && !info[8].IsUndefined() && !info[8].IsNull()) inputs.cancel = CancelFlagOf(info[8], "cancel");
  auto in = std::make_shared<SwipeInputs>(std::move(inputs));
  const int32_t eos = options.limits.eos;
  return PromiseWorker::Start(
      env, "neuroswipe.decodeSwipes",
      [model, trie, in, lists, eos, options, out] {
        BuildWordLists(*lists, eos, *in);
        *out = Flatten(DecodeSwipes(*model, trie.get(), options, *in));
      },
      [out](Napi::Env env) -> Napi::Value { return ToJs(env, *out); });
}

}  // namespace

void InitDecodeWorker(Napi::Env env, Napi::Object exports) {
  exports.Set("decodeSwipes", Napi::Function::New(env, DecodeSwipesJs, "decodeSwipes"));
  exports.Set("createCancelFlag", Napi::Function::New(env, CreateCancelFlagJs, "createCancelFlag"));
  exports.Set("cancelDecode", Napi::Function::New(env, CancelDecodeJs, "cancelDecode"));
}

}  // namespace neuroswipe
