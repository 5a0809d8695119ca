// CUDA device memory for JS: what is free, and a cap on libtorch's caching allocator.
#pragma once

#include <napi.h>

namespace neuroswipe {

/**
 * Registers `deviceMemory(device): { free, total } | null` and `limitDeviceMemory(device, fraction): boolean`
 * (see model/device_memory.h).
 */
void InitDeviceMemory(Napi::Env env, Napi::Object exports);

}  // namespace neuroswipe
