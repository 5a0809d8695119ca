#include "binding/vocab_trie_binding.h"

#include <cstring>

#include "binding/addon_data.h"
#include "binding/promise_worker.h"

namespace neuroswipe {
namespace {

std::vector<int32_t> CopyInt32(const Napi::Value& v, const char* what) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) {
    throw Napi::TypeError::New(v.Env(), std::string(what) + ": expected an Int32Array");
  }
  auto a = v.As<Napi::Int32Array>();
  std::vector<int32_t> out(a.ElementLength());
  if (!out.empty()) std::memcpy(out.data(), a.Data(), out.size() * sizeof(int32_t));
  return out;
}

}  // namespace

void VocabTrieWrap::Init(Napi::Env env, Napi::Object exports) {
  Napi::Function ctor = DefineClass(env, "VocabTrie",
                                    {
                                        StaticMethod("build", &VocabTrieWrap::Build),
                                        InstanceMethod("allowedAfter", &VocabTrieWrap::AllowedAfter),
                                        InstanceAccessor("nodeCount", &VocabTrieWrap::NodeCount, nullptr),
                                        InstanceAccessor("wordCount", &VocabTrieWrap::WordCount, nullptr),
                                        InstanceAccessor("memoryBytes", &VocabTrieWrap::MemoryBytes, nullptr),
                                        InstanceMethod("dispose", &VocabTrieWrap::Dispose),
                                    });
  GetAddonData(env).vocab_trie_ctor = Napi::Persistent(ctor);
  exports.Set("VocabTrie", ctor);
}

VocabTrieWrap::VocabTrieWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<VocabTrieWrap>(info) {
  if (info.Length() != 1 || !info[0].IsExternal()) {
    throw Napi::TypeError::New(info.Env(), "VocabTrie cannot be constructed directly: use VocabTrie.build()");
  }
  trie_ = *info[0].As<Napi::External<std::shared_ptr<const VocabTrie>>>().Data();
}

std::shared_ptr<const VocabTrie> VocabTrieWrap::TrieOf(const Napi::Value& value, const char* what) {
  Napi::Env env = value.Env();
  if (value.IsNull() || value.IsUndefined()) return nullptr;
  if (!value.IsObject() || !value.As<Napi::Object>().InstanceOf(GetAddonData(env).vocab_trie_ctor.Value())) {
    throw Napi::TypeError::New(env, std::string(what) + ": expected a VocabTrie or null");
  }
  auto trie = Napi::ObjectWrap<VocabTrieWrap>::Unwrap(value.As<Napi::Object>())->trie_;
  if (!trie) throw Napi::Error::New(env, std::string(what) + ": the vocabulary has been disposed");
  return trie;
}

const VocabTrie& VocabTrieWrap::Trie(Napi::Env env, const char* what) const {
  if (!trie_) throw Napi::Error::New(env, std::string("VocabTrie.") + what + ": the vocabulary has been disposed");
  return *trie_;
}

Napi::Value VocabTrieWrap::Dispose(const Napi::CallbackInfo& info) {
  trie_.reset();
  return info.Env().Undefined();
}

Napi::Value VocabTrieWrap::Build(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 3 || !info[2].IsNumber()) {
    throw Napi::TypeError::New(env, "VocabTrie.build(ids: Int32Array, offsets: Int32Array, eos: number)");
  }
  auto ids = CopyInt32(info[0], "ids");
  auto offsets = CopyInt32(info[1], "offsets");
  const int32_t eos = info[2].As<Napi::Number>().Int32Value();
  auto slot = std::make_shared<std::shared_ptr<const VocabTrie>>();
  return PromiseWorker::Start(
      env, "neuroswipe.buildTrie",
      [slot, ids = std::move(ids), offsets = std::move(offsets), eos] {
        *slot = std::make_shared<const VocabTrie>(ids, offsets, eos);
      },
      [slot](Napi::Env env) -> Napi::Value {
        auto external = Napi::External<std::shared_ptr<const VocabTrie>>::New(env, slot.get());
        return GetAddonData(env).vocab_trie_ctor.New({external});
      });
}

Napi::Value VocabTrieWrap::AllowedAfter(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto prefix = CopyInt32(info.Length() > 0 ? info[0] : env.Undefined(), "prefix");
  const VocabTrie& trie = Trie(env, "allowedAfter");
  int32_t node = 0;
  for (int32_t t : prefix) {
    node = trie.child(node, t);
    if (node == VocabTrie::kNoNode) return Napi::Array::New(env, 0);
  }
  const uint64_t bits = trie.allowed(node);
  Napi::Array out = Napi::Array::New(env);
  uint32_t n = 0;
  for (int c = 0; c < 64; ++c) {
    if (bits >> c & 1) out.Set(n++, Napi::Number::New(env, c));
  }
  return out;
}

Napi::Value VocabTrieWrap::NodeCount(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(Trie(info.Env(), "nodeCount").node_count()));
}
Napi::Value VocabTrieWrap::WordCount(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(Trie(info.Env(), "wordCount").word_count()));
}
Napi::Value VocabTrieWrap::MemoryBytes(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(Trie(info.Env(), "memoryBytes").memory_bytes()));
}

}  // namespace neuroswipe
