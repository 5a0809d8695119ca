#include "binding/decode_result.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <memory>
#include <string>

#include "common/native_error.h"

namespace neuroswipe {
namespace {

/**
 * A typed array over `values`' own memory, without a copy: the ArrayBuffer takes the vector over and frees it
 * when collected (its size is reported to the garbage collector as external memory meanwhile).
 */
template <typename T>
Napi::TypedArrayOf<T> AdoptVector(Napi::Env env, std::vector<T>&& values) {
  if (values.empty()) return Napi::TypedArrayOf<T>::New(env, 0);
  auto owner = std::make_unique<std::vector<T>>(std::move(values));
  const size_t n = owner->size();
  const auto bytes = static_cast<int64_t>(n * sizeof(T));
  Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(
      env, owner->data(), n * sizeof(T),
      [bytes](Napi::Env env, void*, std::vector<T>* hint) {
        std::unique_ptr<std::vector<T>> adopted(hint);
        Napi::MemoryManagement::AdjustExternalMemory(env, -bytes);
      },
      owner.get());
  owner.release();  // the buffer's finalizer owns it now
  Napi::MemoryManagement::AdjustExternalMemory(env, bytes);
  return Napi::TypedArrayOf<T>::New(env, n, buffer, 0);
}

/** A counter as JS receives it: a flag as a boolean, a count or a time as a number. */
Napi::Value StatToJs(Napi::Env env, bool value) { return Napi::Boolean::New(env, value); }
Napi::Value StatToJs(Napi::Env env, int64_t value) { return Napi::Number::New(env, static_cast<double>(value)); }
Napi::Value StatToJs(Napi::Env env, double value) { return Napi::Number::New(env, value); }

/** `stats`: every counter of NEUROSWIPE_DECODE_COUNTERS by its JS name, then `work` (NEUROSWIPE_DECODE_WORK). */
Napi::Object StatsToJs(Napi::Env env, const DecodeStats& s) {
  Napi::Object stats = Napi::Object::New(env);
#define NEUROSWIPE_COUNTER_TO_JS(type, field, js_name) stats.Set(#js_name, StatToJs(env, s.field));
  NEUROSWIPE_DECODE_COUNTERS(NEUROSWIPE_COUNTER_TO_JS)
#undef NEUROSWIPE_COUNTER_TO_JS
  Napi::Object work = Napi::Object::New(env);
#define NEUROSWIPE_WORK_TO_JS(field, js_name) work.Set(#js_name, StatToJs(env, s.field));
  NEUROSWIPE_DECODE_WORK(NEUROSWIPE_WORK_TO_JS)
#undef NEUROSWIPE_WORK_TO_JS
  stats.Set("work", work);
  return stats;
}

}  // namespace

FlatDecodeOutput Flatten(DecodeOutput&& out) {
  size_t total = 0, total_tokens = 0;
  for (const auto& c : out.candidates) {
    total += c.size();
    for (const auto& cand : c) total_tokens += cand.tokens.size();
  }
  if (total_tokens > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    throw UserError("decodeSwipes: " + std::to_string(total_tokens) +
                    " candidate tokens do not fit one result; decode fewer swipes at once");
  }
  FlatDecodeOutput flat;
  flat.counts.resize(out.candidates.size());
  flat.scores.resize(total);
  flat.offsets.resize(total + 1);
  flat.tokens.resize(total_tokens);
  size_t j = 0, t = 0;
  flat.offsets[0] = 0;
  for (size_t i = 0; i < out.candidates.size(); ++i) {
    flat.counts[i] = static_cast<int32_t>(out.candidates[i].size());
    for (const auto& cand : out.candidates[i]) {
      flat.scores[j] = cand.score;
      if (!cand.tokens.empty())
        std::memcpy(flat.tokens.data() + t, cand.tokens.data(), cand.tokens.size() * sizeof(int32_t));
      t += cand.tokens.size();
      flat.offsets[++j] = static_cast<int32_t>(t);
    }
    std::vector<Candidate>().swap(out.candidates[i]);  // free as we go: the peak stays near one copy
  }
  flat.certified_top = std::move(out.certified_top);
  flat.margins.reserve(out.margins.size() * 3);
  for (const SearchMargins& m : out.margins) {
    flat.margins.push_back(m.top_k);
    flat.margins.push_back(m.prune);
    flat.margins.push_back(m.select);
  }
  if (!out.traces.empty()) {
    size_t rows = 0, tokens = 0, values = 0;
    for (const StepTrace& t : out.traces) {
      rows += t.offsets.size() - 1;
      tokens += t.tokens.size();
      values += t.log_probs.size();
    }
    if (tokens > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
      throw UserError("decodeSwipes: the step trace does not fit one result; trace fewer swipes at once");
    }
    flat.trace_offsets.reserve(rows + 1);
    flat.trace_offsets.push_back(0);
    flat.trace_tokens.reserve(tokens);
    flat.trace_log_probs.reserve(values);
    for (StepTrace& t : out.traces) {
      flat.trace_counts.push_back(static_cast<int32_t>(t.offsets.size() - 1));
      const auto base = static_cast<int32_t>(flat.trace_tokens.size());
      for (size_t r = 1; r < t.offsets.size(); ++r) flat.trace_offsets.push_back(base + t.offsets[r]);
      flat.trace_tokens.insert(flat.trace_tokens.end(), t.tokens.begin(), t.tokens.end());
      flat.trace_log_probs.insert(flat.trace_log_probs.end(), t.log_probs.begin(), t.log_probs.end());
      t = StepTrace{};
    }
  }
  flat.stats = out.stats;
  return flat;
}

Napi::Object ToJs(Napi::Env env, FlatDecodeOutput& out) {
  auto counts = AdoptVector(env, std::move(out.counts));
  auto scores = AdoptVector(env, std::move(out.scores));
  auto offsets = AdoptVector(env, std::move(out.offsets));
  auto tokens = AdoptVector(env, std::move(out.tokens));
  Napi::Object result = Napi::Object::New(env);
  result.Set("counts", counts);
  result.Set("scores", scores);
  result.Set("tokenOffsets", offsets);
  result.Set("tokens", tokens);
  result.Set("stats", StatsToJs(env, out.stats));
  if (std::any_of(out.certified_top.begin(), out.certified_top.end(), [](int32_t k) { return k >= 0; }))
    result.Set("certifiedTop", AdoptVector(env, std::move(out.certified_top)));
  if (!out.margins.empty()) result.Set("margins", AdoptVector(env, std::move(out.margins)));
  if (!out.trace_counts.empty()) {
    Napi::Object trace = Napi::Object::New(env);
    trace.Set("counts", AdoptVector(env, std::move(out.trace_counts)));
    trace.Set("tokenOffsets", AdoptVector(env, std::move(out.trace_offsets)));
    trace.Set("tokens", AdoptVector(env, std::move(out.trace_tokens)));
    trace.Set("logProbs", AdoptVector(env, std::move(out.trace_log_probs)));
    result.Set("trace", trace);
  }
  return result;
}

}  // namespace neuroswipe
