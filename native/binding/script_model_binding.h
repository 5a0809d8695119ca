// JS class ScriptModel: a loaded TorchScript model whose encode/decode run off the event loop.
#pragma once

#include <napi.h>

#include <memory>

#include "model/script_model.h"

namespace neuroswipe {

/**
 * JS surface (all async methods return Promises and never block the event loop):
 *   static load(path: string, device: string, precision?: 'float32' | 'float16' | 'bfloat16'): Promise<ScriptModel>
 *       throws synchronously on a bad precision name; rejects on a bad file/contract/device, or float16 off CUDA
 *   encode(traj, trajShape, keys, keysShape, padMask | null): Promise<{data: Float32Array, shape: number[]}>
 *   decode(tokens, tokensShape, memory, memoryShape, padMask | null): Promise<{data, shape}>
 *   decodeLast(tokens, tokensShape, lengths, memory, memoryShape, padMask | null): Promise<{data, shape}>
 *   metadata: string (raw neuroswipe.json), device: string, precision: string, path: string,
 *   hasDecodeLast: boolean   (sync)
 *   dispose(): void                                                     (sync; later calls throw)
 * Results are float32 whatever the model's precision: ToHost widens reduced-precision outputs on copy-out.
 */
class ScriptModelWrap : public Napi::ObjectWrap<ScriptModelWrap> {
 public:
  static void Init(Napi::Env env, Napi::Object exports);
  /** The model behind a JS ScriptModel; throws a JS TypeError when `value` is not one or is disposed. */
  static std::shared_ptr<const ScriptModel> ModelOf(const Napi::Value& value, const char* what);

  explicit ScriptModelWrap(const Napi::CallbackInfo& info);

 private:
  static Napi::Value Load(const Napi::CallbackInfo& info);
  Napi::Value Encode(const Napi::CallbackInfo& info);
  Napi::Value Decode(const Napi::CallbackInfo& info);
  Napi::Value DecodeLast(const Napi::CallbackInfo& info);
  Napi::Value GetMetadata(const Napi::CallbackInfo& info);
  Napi::Value GetDevice(const Napi::CallbackInfo& info);
  Napi::Value GetPrecision(const Napi::CallbackInfo& info);
  Napi::Value GetPath(const Napi::CallbackInfo& info);
  Napi::Value GetHasDecodeLast(const Napi::CallbackInfo& info);
  Napi::Value GetStructure(const Napi::CallbackInfo& info);
  Napi::Value Dispose(const Napi::CallbackInfo& info);

  const ScriptModel& Model(Napi::Env env) const;

  std::shared_ptr<const ScriptModel> model_;
};

}  // namespace neuroswipe
