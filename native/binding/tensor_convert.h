// Copies between JS typed arrays and libtorch tensors. Called on the main thread only.
#pragma once

#include <napi.h>
#include <torch/script.h>

#include <optional>
#include <string>
#include <vector>

namespace neuroswipe {

/** Reads a JS array of non-negative integers (a tensor shape); throws a JS TypeError naming `what`. */
std::vector<int64_t> ReadShape(const Napi::Value& value, const std::string& what);

/**
 * Copies a typed array into a new CPU tensor of the given shape. Accepted element types:
 * Float32Array → float32, Int32Array / BigInt64Array → int64, Uint8Array → bool.
 * Throws a JS TypeError/RangeError naming `what` on a wrong type or a size that does not match.
 */
torch::Tensor CopyTypedArray(const Napi::Value& value, const std::vector<int64_t>& shape, const std::string& what);

/** Like CopyTypedArray, but `null`/`undefined` give no tensor. */
std::optional<torch::Tensor> CopyOptionalTypedArray(const Napi::Value& value, const std::vector<int64_t>& shape,
                                                    const std::string& what);

/** A float32 tensor brought to the host: data and shape, ready to hand to JS. */
struct HostTensor {
  std::vector<float> data;
  std::vector<int64_t> shape;
};

/** Copies a tensor to host float32 memory (any device, any float dtype). Safe off the main thread. */
HostTensor ToHost(const torch::Tensor& t);

/** `{ data: Float32Array, shape: number[] }`. */
Napi::Object HostTensorToJs(Napi::Env env, const HostTensor& t);

}  // namespace neuroswipe
