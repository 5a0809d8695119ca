// JS functions of device_memory.h: `deviceMemory(device)` and `limitDeviceMemory(device, fraction)`.
#include "binding/device_memory_binding.h"

#include <napi.h>

#include "model/device_memory.h"
#include "model/script_model.h"

namespace neuroswipe {
namespace {

c10::Device DeviceArg(const Napi::CallbackInfo& info, const char* usage) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) throw Napi::TypeError::New(env, usage);
  try {
    return ResolveDevice(info[0].As<Napi::String>().Utf8Value());
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, e.what());
  }
}

/** deviceMemory(device: string): { free, total } | null */
Napi::Value DeviceMemoryJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::optional<DeviceMemoryInfo> mem = QueryDeviceMemory(DeviceArg(info, "deviceMemory(device: string)"));
  if (!mem) return env.Null();
  Napi::Object out = Napi::Object::New(env);
  out.Set("free", static_cast<double>(mem->free_bytes));
  out.Set("total", static_cast<double>(mem->total_bytes));
  return out;
}

/** limitDeviceMemory(device: string, fraction: number): boolean */
Napi::Value LimitDeviceMemoryJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* usage = "limitDeviceMemory(device: string, fraction: number in (0, 1])";
  const c10::Device device = DeviceArg(info, usage);
  if (info.Length() < 2 || !info[1].IsNumber()) throw Napi::TypeError::New(env, usage);
  const double fraction = info[1].As<Napi::Number>().DoubleValue();
  if (!(fraction > 0.0 && fraction <= 1.0))
    throw Napi::RangeError::New(env, std::string(usage) + ", got " + std::to_string(fraction));
  try {
    return Napi::Boolean::New(env, LimitDeviceMemory(device, fraction));
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, std::string("limitDeviceMemory: ") + e.what());
  }
}

}  // namespace

void InitDeviceMemory(Napi::Env env, Napi::Object exports) {
  exports.Set("deviceMemory", Napi::Function::New(env, DeviceMemoryJs, "deviceMemory"));
  exports.Set("limitDeviceMemory", Napi::Function::New(env, LimitDeviceMemoryJs, "limitDeviceMemory"));
}

}  // namespace neuroswipe
