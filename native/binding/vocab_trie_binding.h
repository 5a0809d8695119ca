// JS class VocabTrie: the generation vocabulary, built once off the event loop and shared by decodes.
#pragma once

#include <napi.h>

#include <memory>

#include "vocab/vocab_trie.h"

namespace neuroswipe {

/**
 * JS surface:
 *   static build(ids: Int32Array, offsets: Int32Array, eos: number): Promise<VocabTrie>
 *   allowedAfter(prefix: Int32Array): number[]   token ids allowed after `<sos> prefix` (empty if unknown)
 *   nodeCount, wordCount, memoryBytes: number
 *   dispose(): void   frees the trie (decodes already running keep their own reference); later calls throw
 */
class VocabTrieWrap : public Napi::ObjectWrap<VocabTrieWrap> {
 public:
  static void Init(Napi::Env env, Napi::Object exports);
  /** The trie behind a JS VocabTrie, or null for `null`/`undefined`; throws a JS TypeError otherwise. */
  static std::shared_ptr<const VocabTrie> TrieOf(const Napi::Value& value, const char* what);

  explicit VocabTrieWrap(const Napi::CallbackInfo& info);

 private:
  static Napi::Value Build(const Napi::CallbackInfo& info);
  Napi::Value AllowedAfter(const Napi::CallbackInfo& info);
  Napi::Value NodeCount(const Napi::CallbackInfo& info);
  Napi::Value WordCount(const Napi::CallbackInfo& info);
  Napi::Value MemoryBytes(const Napi::CallbackInfo& info);
  Napi::Value Dispose(const Napi::CallbackInfo& info);
  /** The trie; throws a JS Error naming `what` once disposed. */
  const VocabTrie& Trie(Napi::Env env, const char* what) const;

  std::shared_ptr<const VocabTrie> trie_;
};

}  // namespace neuroswipe
