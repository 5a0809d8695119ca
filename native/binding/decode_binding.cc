#include "binding/decode_binding.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>

#include "binding/options_reader.h"
#include "binding/promise_worker.h"
#include "binding/script_model_binding.h"
#include "binding/tensor_convert.h"
#include "binding/vocab_trie_binding.h"
#include "common/native_error.h"
#include "engine/driver.h"

namespace neuroswipe {

namespace {

/**
 * The options object of decodeSwipes (lib/native.ts `NativeDecodeOptions`): three objects, `search`, `engine`
 * and `limits`, mirroring DecodingOptions. Every field of its type or absent (then the default), else a
 * TypeError naming it (`options.search.beamSize`); ranges are ValidateDecodingOptions's.
 */
DecodingOptions ReadOptions(const Napi::Value& value) {
  const OptionsReader top(value, "decodeSwipes: ", "options");
  const Napi::Object o = value.As<Napi::Object>();
  const OptionsReader r(o.Get("search"), "decodeSwipes: ", "options.search");
  constexpr int64_t kIntMax = std::numeric_limits<int32_t>::max(), kIntMin = std::numeric_limits<int32_t>::min();
  DecodingOptions d;
  SearchOptions& s = d.search;
  const std::string generator = r.GetString("generator");
  s.beam_size = static_cast<int>(r.GetInt("beamSize", kIntMin, kIntMax, s.beam_size));
  s.normalization_factor = r.GetDouble("normalizationFactor", s.normalization_factor);
  s.max_steps = static_cast<int>(r.GetInt("maxSteps", kIntMin, kIntMax, s.max_steps));
  s.top_n = static_cast<int>(r.GetInt("topN", kIntMin, kIntMax, s.top_n));
  s.hybrid_steps = static_cast<int>(r.GetInt("hybridSteps", kIntMin, kIntMax, s.hybrid_steps));
  s.token_log_prob_floor = r.GetDouble("tokenLogProbFloor", s.token_log_prob_floor);
  s.score_ceiling = r.GetDouble("scoreCeiling", s.score_ceiling);
  s.margins = r.GetBool("margins", s.margins);
  const std::string vocab_scoring = r.GetString("vocabScoring", "seed");
  const OptionsReader er(o.Get("engine"), "decodeSwipes: ", "options.engine");
  EngineOptions& e = d.engine;
  e.batch_size = static_cast<int>(er.GetInt("batchSize", kIntMin, kIntMax, e.batch_size));
  e.reference = er.GetBool("reference", e.reference);
  e.incremental = er.GetBool("incremental", e.incremental);
  e.native_step = er.GetBool("nativeStep", e.native_step);
  e.skip_forced = er.GetBool("skipForced", e.skip_forced);
  e.seed_ties = er.GetBool("seedTies", e.seed_ties);
  e.trace_steps = er.GetBool("traceSteps", e.trace_steps);
  const OptionsReader lr(o.Get("limits"), "decodeSwipes: ", "options.limits");
  ModelLimits& m = d.limits;
  m.sos = static_cast<int32_t>(lr.GetInt("sos", kIntMin, kIntMax, m.sos));
  m.eos = static_cast<int32_t>(lr.GetInt("eos", kIntMin, kIntMax, m.eos));
  m.pad = static_cast<int32_t>(lr.GetInt("pad", kIntMin, kIntMax, m.pad));
  m.n_classes = static_cast<int32_t>(lr.GetInt("nClasses", kIntMin, kIntMax, m.n_classes));
  m.max_token_len = static_cast<int32_t>(lr.GetInt("maxTokenLen", kIntMin, kIntMax, m.max_token_len));
  try {
    s.generator = ParseGenerator(generator);
    s.vocab_scoring = ParseVocabScoring(vocab_scoring);
    ValidateDecodingOptions(d);
  } catch (const UserError& err) {
    throw Napi::RangeError::New(top.Env(), std::string("decodeSwipes: ") + err.what());
  }
  return d;
}

/**
 * Per-swipe word lists (options.wordLists, lib/native.ts NativeWordLists): word w is `ids[wordOffsets[w] ..
 * wordOffsets[w+1])`, swipe i owns words `swipeOffsets[i] .. swipeOffsets[i+1]`. Empty when not given.
 */
struct WordLists {
  std::vector<int32_t> ids, word_offsets, swipe_offsets;
};

WordLists ReadWordLists(const Napi::Value& options, size_t swipes) {
  const OptionsReader r(options, "decodeSwipes: ", "options");
  WordLists w;
  if (!options.As<Napi::Object>().Has("wordLists") || options.As<Napi::Object>().Get("wordLists").IsUndefined())
    return w;
  const OptionsReader l(options.As<Napi::Object>().Get("wordLists"), "decodeSwipes: ", "options.wordLists");
  w.ids = l.GetTypedArray<int32_t>("ids");
  w.word_offsets = l.GetTypedArray<int32_t>("wordOffsets");
  w.swipe_offsets = l.GetTypedArray<int32_t>("swipeOffsets");
  auto bad = [&](const std::string& m) {
    return Napi::RangeError::New(r.Env(), "decodeSwipes: options.wordLists." + m);
  };
  if (w.word_offsets.empty() || w.word_offsets.front() != 0 ||
      static_cast<size_t>(w.word_offsets.back()) != w.ids.size()) {
    throw bad("wordOffsets: must start at 0 and end at ids.length");
  }
  const size_t words = w.word_offsets.size() - 1;
  for (size_t i = 0; i < words; ++i) {
    if (w.word_offsets[i + 1] < w.word_offsets[i]) throw bad("wordOffsets: must not decrease");
  }
  if (w.swipe_offsets.size() != swipes + 1 || w.swipe_offsets.front() != 0 ||
      static_cast<size_t>(w.swipe_offsets.back()) != words) {
    throw bad("swipeOffsets: must have one entry per swipe plus one, from 0 to the number of words");
  }
  for (size_t i = 0; i < swipes; ++i) {
    if (w.swipe_offsets[i + 1] < w.swipe_offsets[i]) throw bad("swipeOffsets: must not decrease");
  }
  return w;
}

/** One trie per swipe from its words (on the worker thread: a large list takes a while). */
void BuildWordLists(const WordLists& w, int32_t eos, SwipeInputs& in) {
  if (w.swipe_offsets.empty()) return;
  const size_t swipes = w.swipe_offsets.size() - 1;
  in.word_lists.reserve(swipes);
  for (size_t i = 0; i < swipes; ++i) {
    const int32_t first = w.swipe_offsets[i], last = w.swipe_offsets[i + 1];
    const int32_t base = w.word_offsets[static_cast<size_t>(first)];
    std::vector<int32_t> ids(w.ids.begin() + base, w.ids.begin() + w.word_offsets[static_cast<size_t>(last)]);
    std::vector<int32_t> offsets;
    for (int32_t j = first; j <= last; ++j) offsets.push_back(w.word_offsets[static_cast<size_t>(j)] - base);
    try {
      in.word_lists.emplace_back(ids, offsets, eos);
    } catch (const std::invalid_argument& e) {
      throw UserError("decodeSwipes: options.wordLists of swipe " + std::to_string(i) + ": " + e.what());
    }
  }
}

/** A decode's result laid out as JS receives it (see decode_binding.h). */
struct FlatDecodeOutput {
  std::vector<int32_t> counts;
  std::vector<double> scores;
  std::vector<int32_t> offsets;
  std::vector<int32_t> tokens;
  /** With the margins option: per swipe top-k, prune, select (infinity where the search never had that decision). */
  std::vector<double> margins;
  /** Per swipe: how many candidates, best first, are certified the vocabulary's best (−1: no certificate). */
  std::vector<int32_t> certified_top;
  /** With the traceSteps option: per swipe its row count, then the rows' prefixes and log-probabilities. */
  std::vector<int32_t> trace_counts, trace_offsets, trace_tokens;
  std::vector<float> trace_log_probs;
  DecodeStats stats;
};

/** Lays the candidates out flat; runs on the worker thread, so the main thread has nothing to convert. */
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

/** Wraps the flat result for JS: the arrays are adopted, only the counters are built here. */
Napi::Object ToJs(Napi::Env env, FlatDecodeOutput& out) {
  auto counts = AdoptVector(env, std::move(out.counts));
  auto scores = AdoptVector(env, std::move(out.scores));
  auto offsets = AdoptVector(env, std::move(out.offsets));
  auto tokens = AdoptVector(env, std::move(out.tokens));
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
  stats.Set("chainRows", static_cast<double>(out.stats.chain_rows));
  stats.Set("chainSteps", static_cast<double>(out.stats.chain_steps));
  stats.Set("tieDecisions", static_cast<double>(out.stats.tie_decisions));
  stats.Set("tieDecodeCalls", static_cast<double>(out.stats.tie_decode_calls));
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
  DecodingOptions options = ReadOptions(info[7]);
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
