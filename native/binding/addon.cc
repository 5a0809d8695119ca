// Registers the addon's classes and functions. Nothing else lives here.
#include <napi.h>

#include <memory>

#include "binding/addon_data.h"
#include "binding/decode_binding.h"
#include "binding/device_memory_binding.h"
#include "binding/dtw_baseline_binding.h"
#include "binding/runtime_info_binding.h"
#include "binding/script_model_binding.h"
#include "binding/vocab_trie_binding.h"

namespace neuroswipe {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto data = std::make_unique<AddonData>();
  env.SetInstanceData<AddonData>(data.release());
  InitRuntimeInfo(env, exports);
  ScriptModelWrap::Init(env, exports);
  VocabTrieWrap::Init(env, exports);
  InitDecodeWorker(env, exports);
  InitDtwBaseline(env, exports);
  InitDeviceMemory(env, exports);
  return exports;
}

}  // namespace neuroswipe

static Napi::Object InitNeuroswipe(Napi::Env env, Napi::Object exports) { return neuroswipe::Init(env, exports); }

NODE_API_MODULE(neuroswipe, InitNeuroswipe)
