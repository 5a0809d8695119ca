// JavaScript binding of the DTW baseline: dtwBaseline(input) -> Promise<{ words, dists, cells }>.
// The input's typed arrays are copied into a plain DtwBaselineInput on the main thread; the work runs
// on a libuv worker thread.
#include <napi.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "baseline/dtw_baseline.h"
#include "binding/promise_worker.h"

namespace neuroswipe {
namespace {

template <typename T>
struct TypedArrayName;
template <>
struct TypedArrayName<int32_t> {
  static constexpr napi_typedarray_type type = napi_int32_array;
  static constexpr const char* name = "an Int32Array";
};
template <>
struct TypedArrayName<uint32_t> {
  static constexpr napi_typedarray_type type = napi_uint32_array;
  static constexpr const char* name = "a Uint32Array";
};
template <>
struct TypedArrayName<uint16_t> {
  static constexpr napi_typedarray_type type = napi_uint16_array;
  static constexpr const char* name = "a Uint16Array";
};
template <>
struct TypedArrayName<double> {
  static constexpr napi_typedarray_type type = napi_float64_array;
  static constexpr const char* name = "a Float64Array";
};

template <typename T>
std::vector<T> CopyArray(Napi::Env env, const Napi::Object& obj, const char* key, const std::string& path) {
  Napi::Value v = obj.Get(key);
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != TypedArrayName<T>::type) {
    throw Napi::TypeError::New(env, "dtwBaseline: " + path + key + ": expected " + TypedArrayName<T>::name);
  }
  Napi::TypedArrayOf<T> a = v.As<Napi::TypedArrayOf<T>>();
  return std::vector<T>(a.Data(), a.Data() + a.ElementLength());
}

uint32_t GetUint(Napi::Env env, const Napi::Object& obj, const char* key, const std::string& path, uint32_t max) {
  Napi::Value v = obj.Get(key);
  if (!v.IsNumber()) throw Napi::TypeError::New(env, "dtwBaseline: " + path + key + ": expected a number");
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= 0 && d <= max) || d != static_cast<double>(static_cast<uint32_t>(d))) {
    throw Napi::RangeError::New(env, "dtwBaseline: " + path + key + ": expected an integer in 0.." + std::to_string(max));
  }
  return static_cast<uint32_t>(d);
}

DtwBaselineInput ReadInput(Napi::Env env, const Napi::Value& value) {
  if (!value.IsObject()) throw Napi::TypeError::New(env, "dtwBaseline(input: object)");
  Napi::Object o = value.As<Napi::Object>();
  DtwBaselineInput in;
  Napi::Value grids = o.Get("grids");
  if (!grids.IsArray()) throw Napi::TypeError::New(env, "dtwBaseline: grids: expected an array");
  Napi::Array ga = grids.As<Napi::Array>();
  for (uint32_t i = 0; i < ga.Length(); ++i) {
    const std::string p = "grids[" + std::to_string(i) + "].";
    Napi::Value gv = ga.Get(i);
    if (!gv.IsObject()) throw Napi::TypeError::New(env, "dtwBaseline: " + p.substr(0, p.size() - 1) + ": expected an object");
    Napi::Object g = gv.As<Napi::Object>();
    DtwGrid grid;
    grid.left = CopyArray<int32_t>(env, g, "left", p);
    grid.right = CopyArray<int32_t>(env, g, "right", p);
    grid.top = CopyArray<int32_t>(env, g, "top", p);
    grid.bottom = CopyArray<int32_t>(env, g, "bottom", p);
    grid.cx = CopyArray<double>(env, g, "cx", p);
    grid.cy = CopyArray<double>(env, g, "cy", p);
    grid.range_begin = CopyArray<uint32_t>(env, g, "rangeBegin", p);
    grid.range_end = CopyArray<uint32_t>(env, g, "rangeEnd", p);
    grid.fallback_begin = GetUint(env, g, "fallbackBegin", p, UINT32_MAX);
    grid.fallback_end = GetUint(env, g, "fallbackEnd", p, UINT32_MAX);
    grid.word_offsets = CopyArray<uint32_t>(env, g, "wordOffsets", p);
    grid.word_keys = CopyArray<uint16_t>(env, g, "wordKeys", p);
    in.grids.push_back(std::move(grid));
  }
  in.word_rank = CopyArray<uint32_t>(env, o, "wordRank", "");
  in.curve_offsets = CopyArray<uint32_t>(env, o, "curveOffsets", "");
  in.xs = CopyArray<int32_t>(env, o, "xs", "");
  in.ys = CopyArray<int32_t>(env, o, "ys", "");
  in.curve_grid = CopyArray<uint32_t>(env, o, "curveGrid", "");
  in.k = GetUint(env, o, "k", "", 1024);
  in.threads = GetUint(env, o, "threads", "", 1024);
  Napi::Value prune = o.Get("prune");
  if (!prune.IsBoolean()) throw Napi::TypeError::New(env, "dtwBaseline: prune: expected a boolean");
  in.prune = prune.As<Napi::Boolean>().Value();
  return in;
}

struct DtwJob {
  DtwBaselineInput input;
  DtwBaselineOutput output;
};

Napi::Value StartDtwBaseline(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 1) throw Napi::TypeError::New(env, "dtwBaseline(input: object)");
  auto job = std::make_shared<DtwJob>();
  job->input = ReadInput(env, info[0]);
  try {
    ValidateDtwBaselineInput(job->input);
  } catch (const std::exception& e) {
    throw Napi::RangeError::New(env, e.what());
  }
  return PromiseWorker::Start(
      env, "neuroswipe.dtwBaseline", [job]() { job->output = RunDtwBaseline(job->input); },
      [job](Napi::Env env) -> Napi::Value {
        const DtwBaselineOutput& out = job->output;
        Napi::Object result = Napi::Object::New(env);
        auto words = Napi::Int32Array::New(env, out.words.size());
        std::copy(out.words.begin(), out.words.end(), words.Data());
        auto dists = Napi::Float64Array::New(env, out.dists.size());
        std::copy(out.dists.begin(), out.dists.end(), dists.Data());
        result.Set("words", words);
        result.Set("dists", dists);
        result.Set("cells", Napi::Number::New(env, static_cast<double>(out.cells)));
        return result;
      });
}

// Entry point: every C++ exception becomes a JavaScript Error.
Napi::Value DtwBaseline(const Napi::CallbackInfo& info) {
  try {
    return StartDtwBaseline(info);
  } catch (const Napi::Error&) {
    throw;
  } catch (...) {
    throw Napi::Error::New(info.Env(), "dtwBaseline: " + CurrentExceptionMessage());
  }
}

}  // namespace

void InitDtwBaseline(Napi::Env env, Napi::Object exports) {
  exports.Set("dtwBaseline", Napi::Function::New(env, DtwBaseline, "dtwBaseline"));
}

}  // namespace neuroswipe
