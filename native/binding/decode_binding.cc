#include "binding/decode_binding.h"

#include <cstring>

#include "engine/batched_decoder.h"
#include "binding/promise_worker.h"
#include "binding/script_model_binding.h"
#include "binding/tensor_convert.h"
#include "binding/vocab_trie_binding.h"

namespace neuroswipe {

void InitDeviceMemory(Napi::Env env, Napi::Object exports);  // device_memory_binding.cc

namespace {

int32_t IntOption(const Napi::Object& o, const char* name, int32_t fallback) {
  Napi::Value v = o.Get(name);
  if (v.IsUndefined()) return fallback;
  if (!v.IsNumber()) throw Napi::TypeError::New(o.Env(), std::string("decoding.") + name + ": expected a number");
  const double d = v.As<Napi::Number>().DoubleValue();
  if (d != static_cast<double>(static_cast<int32_t>(d))) {
    throw Napi::RangeError::New(o.Env(), std::string("decoding.") + name + ": expected an integer");
  }
  return static_cast<int32_t>(d);
}

DecodingOptions ReadOptions(const Napi::Value& value) {
  Napi::Env env = value.Env();
  if (!value.IsObject()) throw Napi::TypeError::New(env, "decoding: expected an options object");
  Napi::Object o = value.As<Napi::Object>();
  DecodingOptions d;
  Napi::Value gen = o.Get("generator");
  if (!gen.IsString()) throw Napi::TypeError::New(env, "decoding.generator: expected a string");
  d.generator = ParseGenerator(gen.As<Napi::String>().Utf8Value());
  d.beam_size = IntOption(o, "beamSize", d.beam_size);
  Napi::Value nf = o.Get("normalizationFactor");
  if (!nf.IsUndefined()) {
    if (!nf.IsNumber()) throw Napi::TypeError::New(env, "decoding.normalizationFactor: expected a number");
    d.normalization_factor = nf.As<Napi::Number>().DoubleValue();
  }
  d.max_steps = IntOption(o, "maxSteps", d.max_steps);
  d.batch_size = IntOption(o, "batchSize", d.batch_size);
  Napi::Value ref = o.Get("reference");
  d.reference = ref.IsBoolean() && ref.As<Napi::Boolean>().Value();
  Napi::Value inc = o.Get("incremental");
  if (!inc.IsUndefined()) d.incremental = inc.IsBoolean() && inc.As<Napi::Boolean>().Value();
  Napi::Value skip_forced = o.Get("skipForced");
  if (!skip_forced.IsUndefined()) d.skip_forced = skip_forced.IsBoolean() && skip_forced.As<Napi::Boolean>().Value();
  Napi::Value margins = o.Get("margins");
  if (!margins.IsUndefined()) d.margins = margins.IsBoolean() && margins.As<Napi::Boolean>().Value();
  Napi::Value native_step = o.Get("nativeStep");
  if (!native_step.IsUndefined()) d.native_step = native_step.IsBoolean() && native_step.As<Napi::Boolean>().Value();
  d.sos = IntOption(o, "sos", d.sos);
  d.eos = IntOption(o, "eos", d.eos);
  d.pad = IntOption(o, "pad", d.pad);
  d.n_classes = IntOption(o, "nClasses", d.n_classes);
  d.max_token_len = IntOption(o, "maxTokenLen", d.max_token_len);
  ValidateDecodingOptions(d);
  return d;
}

Napi::Object ToJs(Napi::Env env, const DecodeOutput& out) {
  size_t total = 0, total_tokens = 0;
  for (const auto& c : out.candidates) {
    total += c.size();
    for (const auto& cand : c) total_tokens += cand.tokens.size();
  }
  auto counts = Napi::Int32Array::New(env, out.candidates.size());
  auto scores = Napi::Float64Array::New(env, total);
  auto offsets = Napi::Int32Array::New(env, total + 1);
  auto tokens = Napi::Int32Array::New(env, total_tokens);
  size_t j = 0, t = 0;
  offsets[0] = 0;
  for (size_t i = 0; i < out.candidates.size(); ++i) {
    counts[i] = static_cast<int32_t>(out.candidates[i].size());
    for (const auto& cand : out.candidates[i]) {
      scores[j] = cand.score;
      if (!cand.tokens.empty()) std::memcpy(tokens.Data() + t, cand.tokens.data(), cand.tokens.size() * sizeof(int32_t));
      t += cand.tokens.size();
      offsets[++j] = static_cast<int32_t>(t);
    }
  }
  Napi::Object stats = Napi::Object::New(env);
  stats.Set("encodeCalls", static_cast<double>(out.stats.encode_calls));
  stats.Set("decodeCalls", static_cast<double>(out.stats.decode_calls));
  stats.Set("decodeRows", static_cast<double>(out.stats.decode_rows));
  stats.Set("modelSeconds", out.stats.model_seconds);
  stats.Set("encodeSeconds", out.stats.encode_seconds);
  stats.Set("totalSeconds", out.stats.total_seconds);
  stats.Set("incremental", out.stats.incremental);
  stats.Set("nativeStep", out.stats.native_step);
  stats.Set("forcedSteps", static_cast<double>(out.stats.forced_steps));
  stats.Set("oomSplits", static_cast<double>(out.stats.oom_splits));
  stats.Set("oomRestarts", static_cast<double>(out.stats.oom_restarts));
  stats.Set("finalBatchSize", static_cast<double>(out.stats.final_batch_size));
  Napi::Object work = Napi::Object::New(env);
  work.Set("encodedPositions", out.stats.encoded_positions);
  work.Set("encoderPairs", out.stats.encoder_pairs);
  work.Set("queryPositions", out.stats.query_positions);
  work.Set("projectedMemory", out.stats.projected_memory);
  work.Set("selfPairs", out.stats.self_pairs);
  work.Set("crossPairs", out.stats.cross_pairs);
  work.Set("outputRows", out.stats.output_rows);
  stats.Set("work", work);
  Napi::Object result = Napi::Object::New(env);
  result.Set("counts", counts);
  result.Set("scores", scores);
  result.Set("tokenOffsets", offsets);
  result.Set("tokens", tokens);
  result.Set("stats", stats);
  if (!out.margins.empty()) {
    // Per swipe: top-k, prune, select (infinity where the search never had that decision).
    auto margins = Napi::Float64Array::New(env, out.margins.size() * 3);
    for (size_t i = 0; i < out.margins.size(); ++i) {
      margins[3 * i] = out.margins[i].top_k;
      margins[3 * i + 1] = out.margins[i].prune;
      margins[3 * i + 2] = out.margins[i].select;
    }
    result.Set("margins", margins);
  }
  return result;
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
    throw Napi::TypeError::New(env, "keys: key ids must be an Int32Array of shape [sum S], key features a Float32Array [sum S, K]");
  }
  if (!info[6].IsTypedArray() || info[6].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) {
    throw Napi::TypeError::New(env, "lengths: expected an Int32Array");
  }
  auto lengths = info[6].As<Napi::Int32Array>();
  int64_t sum = 0;
  for (size_t i = 0; i < lengths.ElementLength(); ++i) {
    if (lengths[i] < 1) throw Napi::RangeError::New(env, "lengths[" + std::to_string(i) + "]: every swipe needs at least one point");
    inputs.lengths.push_back(lengths[i]);
    sum += lengths[i];
  }
  if (sum != traj_shape[0]) throw Napi::RangeError::New(env, "lengths: they add up to " + std::to_string(sum) + ", trajShape[0] is " + std::to_string(traj_shape[0]));
  DecodingOptions options = ReadOptions(info[7]);
  auto out = std::make_shared<DecodeOutput>();
  auto in = std::make_shared<SwipeInputs>(std::move(inputs));
  return PromiseWorker::Start(
      env, "neuroswipe.decodeSwipes",
      [model, trie, in, options, out] { *out = DecodeSwipes(*model, trie.get(), options, *in); },
      [out](Napi::Env env) -> Napi::Value { return ToJs(env, *out); });
}

}  // namespace

void InitDecodeWorker(Napi::Env env, Napi::Object exports) {
  exports.Set("decodeSwipes", Napi::Function::New(env, DecodeSwipesJs, "decodeSwipes"));
  // Device memory, for sizing decoding batches (`batchSize: 'auto'`) and capping it.
  InitDeviceMemory(env, exports);
}

}  // namespace neuroswipe
