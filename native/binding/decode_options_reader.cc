#include "binding/decode_options_reader.h"

#include <limits>
#include <stdexcept>
#include <string>

#include "binding/options_reader.h"
#include "common/native_error.h"

namespace neuroswipe {

namespace {

constexpr int64_t kIntMax = std::numeric_limits<int32_t>::max(), kIntMin = std::numeric_limits<int32_t>::min();

/** One numeric search option, left at its default when the payload does not give it. */
void ReadNumber(const OptionsReader& r, const char* name, int& v) {
  v = static_cast<int>(r.GetInt(name, kIntMin, kIntMax, v));
}
void ReadNumber(const OptionsReader& r, const char* name, double& v) { v = r.GetDouble(name, v); }

}  // namespace

DecodingOptions ReadDecodingOptions(const Napi::Value& value) {
  const OptionsReader top(value, "decodeSwipes: ", "options");
  const Napi::Object o = value.As<Napi::Object>();
  const OptionsReader r(o.Get("search"), "decodeSwipes: ", "options.search");
  DecodingOptions d;
  SearchOptions& s = d.search;
  const std::string generator = r.GetString("generator");
#define NEUROSWIPE_READ_SEARCH(type, field, js, init) ReadNumber(r, #js, s.field);
  NEUROSWIPE_SEARCH_NUMBERS(NEUROSWIPE_READ_SEARCH)
#undef NEUROSWIPE_READ_SEARCH
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

}  // namespace neuroswipe
