// Registers the addon's classes and functions. Nothing else lives here.
#include <napi.h>

#include <memory>

#include "binding/addon_data.h"
#include "binding/decode_binding.h"
#include "binding/runtime_info_binding.h"
#include "binding/script_model_binding.h"
#include "binding/vocab_trie_binding.h"

namespace neuroswipe {

void InitDtwBaseline(Napi::Env env, Napi::Object exports);  // dtw_baseline_binding.cc

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto data = std::make_unique<AddonData>();
  env.SetInstanceData<AddonData>(data.release());
  InitRuntimeInfo(env, exports);
  ScriptModelWrap::Init(env, exports);
  VocabTrieWrap::Init(env, exports);
  InitDecodeWorker(env, exports);
  InitDtwBaseline(env, exports);
  return exports;
}

}  // namespace neuroswipe

static Napi::Object InitNeuroswipe(Napi::Env env, Napi::Object exports) { return neuroswipe::Init(env, exports); }

NODE_API_MODULE(neuroswipe, InitNeuroswipe)
