#include "binding/options_reader.h"

#include <cmath>
#include <utility>

namespace neuroswipe {

std::string DescribeJsValue(const Napi::Value& v) {
  if (v.IsUndefined()) return "undefined";
  if (v.IsNull()) return "null";
  if (v.IsBoolean()) return "a boolean";
  if (v.IsNumber()) return "a number";
  if (v.IsString()) return "a string";
  if (v.IsArray()) return "an array";
  if (v.IsTypedArray()) {
    switch (v.As<Napi::TypedArray>().TypedArrayType()) {
      case napi_int8_array:
        return "an Int8Array";
      case napi_uint8_array:
        return "a Uint8Array";
      case napi_uint8_clamped_array:
        return "a Uint8ClampedArray";
      case napi_int16_array:
        return "an Int16Array";
      case napi_uint16_array:
        return "a Uint16Array";
      case napi_int32_array:
        return "an Int32Array";
      case napi_uint32_array:
        return "a Uint32Array";
      case napi_float32_array:
        return "a Float32Array";
      case napi_float64_array:
        return "a Float64Array";
      case napi_bigint64_array:
        return "a BigInt64Array";
      case napi_biguint64_array:
        return "a BigUint64Array";
      default:
        return "a typed array";
    }
  }
  if (v.IsFunction()) return "a function";
  if (v.IsObject()) return "an object";
  return "a value of another type";
}

OptionsReader::OptionsReader(const Napi::Value& value, std::string prefix, std::string path)
    : prefix_(std::move(prefix)), path_(std::move(path)) {
  if (!value.IsObject() || value.IsArray()) {
    throw Napi::TypeError::New(value.Env(), prefix_ + (path_.empty() ? "options" : path_) +
                                                ": expected an object, got " + DescribeJsValue(value));
  }
  object_ = value.As<Napi::Object>();
}

std::string OptionsReader::PathOf(const std::string& name) const { return path_.empty() ? name : path_ + "." + name; }

Napi::Value OptionsReader::Field(const char* name) const {
  Napi::Value v = object_.Get(name);
  if (v.IsUndefined()) throw Napi::TypeError::New(Env(), prefix_ + PathOf(name) + ": missing");
  return v;
}

std::optional<Napi::Value> OptionsReader::Optional(const char* name) const {
  Napi::Value v = object_.Get(name);
  if (v.IsUndefined()) return std::nullopt;
  return v;
}

Napi::TypeError OptionsReader::TypeMismatch(const char* name, const char* expected, const Napi::Value& got) const {
  return Napi::TypeError::New(Env(),
                              prefix_ + PathOf(name) + ": expected " + expected + ", got " + DescribeJsValue(got));
}

bool OptionsReader::GetBool(const char* name) const {
  Napi::Value v = Field(name);
  if (!v.IsBoolean()) throw TypeMismatch(name, "a boolean", v);
  return v.As<Napi::Boolean>().Value();
}

bool OptionsReader::GetBool(const char* name, bool fallback) const { return Optional(name) ? GetBool(name) : fallback; }

int64_t OptionsReader::GetInt(const char* name, int64_t lo, int64_t hi) const {
  Napi::Value v = Field(name);
  if (!v.IsNumber()) throw TypeMismatch(name, "an integer", v);
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!(std::floor(d) == d && d >= static_cast<double>(lo) && d <= static_cast<double>(hi))) {
    throw Napi::RangeError::New(Env(), prefix_ + PathOf(name) + ": expected an integer in " + std::to_string(lo) +
                                           ".." + std::to_string(hi) + ", got " + v.ToString().Utf8Value());
  }
  return static_cast<int64_t>(d);
}

int64_t OptionsReader::GetInt(const char* name, int64_t lo, int64_t hi, int64_t fallback) const {
  return Optional(name) ? GetInt(name, lo, hi) : fallback;
}

double OptionsReader::GetDouble(const char* name) const {
  Napi::Value v = Field(name);
  if (!v.IsNumber()) throw TypeMismatch(name, "a number", v);
  return v.As<Napi::Number>().DoubleValue();
}

double OptionsReader::GetDouble(const char* name, double fallback) const {
  return Optional(name) ? GetDouble(name) : fallback;
}

std::string OptionsReader::GetString(const char* name) const {
  Napi::Value v = Field(name);
  if (!v.IsString()) throw TypeMismatch(name, "a string", v);
  return v.As<Napi::String>().Utf8Value();
}

std::string OptionsReader::GetString(const char* name, const std::string& fallback) const {
  return Optional(name) ? GetString(name) : fallback;
}

std::vector<OptionsReader> OptionsReader::GetObjectArray(const char* name) const {
  Napi::Value v = Field(name);
  if (!v.IsArray()) throw TypeMismatch(name, "an array", v);
  Napi::Array a = v.As<Napi::Array>();
  std::vector<OptionsReader> out;
  out.reserve(a.Length());
  for (uint32_t i = 0; i < a.Length(); ++i) {
    out.emplace_back(a.Get(i), prefix_, PathOf(name) + "[" + std::to_string(i) + "]");
  }
  return out;
}

}  // namespace neuroswipe
