// JavaScript binding of the DTW baseline: dtwBaseline(input) -> Promise<{ words, dists, cells }>.
// The input's typed arrays are copied into a plain DtwBaselineInput on the main thread; the work runs
// on a libuv worker thread.
#include "binding/dtw_baseline_binding.h"

#include <napi.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "baseline/dtw_baseline.h"
#include "binding/options_reader.h"
#include "binding/promise_worker.h"

namespace neuroswipe {
namespace {

/** The input object of dtwBaseline (lib/native.ts `NativeDtwInput`); every field is required. */
DtwBaselineInput ReadInput(const Napi::Value& value) {
  const OptionsReader o(value, "dtwBaseline: ", "");
  DtwBaselineInput in;
  for (const OptionsReader& g : o.GetObjectArray("grids")) {
    DtwGrid grid;
    grid.left = g.GetTypedArray<int32_t>("left");
    grid.right = g.GetTypedArray<int32_t>("right");
    grid.top = g.GetTypedArray<int32_t>("top");
    grid.bottom = g.GetTypedArray<int32_t>("bottom");
    grid.cx = g.GetTypedArray<double>("cx");
    grid.cy = g.GetTypedArray<double>("cy");
    grid.range_begin = g.GetTypedArray<uint32_t>("rangeBegin");
    grid.range_end = g.GetTypedArray<uint32_t>("rangeEnd");
    grid.fallback_begin = static_cast<uint32_t>(g.GetInt("fallbackBegin", 0, UINT32_MAX));
    grid.fallback_end = static_cast<uint32_t>(g.GetInt("fallbackEnd", 0, UINT32_MAX));
    grid.word_offsets = g.GetTypedArray<uint32_t>("wordOffsets");
    grid.word_keys = g.GetTypedArray<uint16_t>("wordKeys");
    in.grids.push_back(std::move(grid));
  }
  in.word_rank = o.GetTypedArray<uint32_t>("wordRank");
  in.curve_offsets = o.GetTypedArray<uint32_t>("curveOffsets");
  in.xs = o.GetTypedArray<int32_t>("xs");
  in.ys = o.GetTypedArray<int32_t>("ys");
  in.curve_grid = o.GetTypedArray<uint32_t>("curveGrid");
  in.k = static_cast<uint32_t>(o.GetInt("k", 0, 1024));
  in.threads = static_cast<uint32_t>(o.GetInt("threads", 0, 1024));
  in.prune = o.GetBool("prune");
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
  job->input = ReadInput(info[0]);
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
