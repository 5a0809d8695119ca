// Per-environment state of the addon (one per main thread or worker thread that loads it).
#pragma once

#include <napi.h>

namespace neuroswipe {

/** Constructors of the addon's classes, kept per environment. */
struct AddonData {
  Napi::FunctionReference script_model_ctor;
  Napi::FunctionReference vocab_trie_ctor;
};

inline AddonData& GetAddonData(Napi::Env env) { return *env.GetInstanceData<AddonData>(); }

}  // namespace neuroswipe
