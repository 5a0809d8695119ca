// Reads the fields of a JS options object, one helper per conversion. Each rejects a value of the wrong type
// with a TypeError (and a number out of range with a RangeError) that names the option's path.
#pragma once

#include <napi.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace neuroswipe {

/** What a typed array's element type is called, and its N-API tag. */
template <typename T>
struct TypedArrayKind;
template <>
struct TypedArrayKind<int32_t> {
  static constexpr napi_typedarray_type type = napi_int32_array;
  static constexpr const char* name = "an Int32Array";
};
template <>
struct TypedArrayKind<uint32_t> {
  static constexpr napi_typedarray_type type = napi_uint32_array;
  static constexpr const char* name = "a Uint32Array";
};
template <>
struct TypedArrayKind<uint16_t> {
  static constexpr napi_typedarray_type type = napi_uint16_array;
  static constexpr const char* name = "a Uint16Array";
};
template <>
struct TypedArrayKind<float> {
  static constexpr napi_typedarray_type type = napi_float32_array;
  static constexpr const char* name = "a Float32Array";
};
template <>
struct TypedArrayKind<double> {
  static constexpr napi_typedarray_type type = napi_float64_array;
  static constexpr const char* name = "a Float64Array";
};

/**
 * A JS object whose fields are options. Messages read `<prefix><path>.<name>: expected …, got …`, e.g.
 * `decodeSwipes: options.nativeStep: expected a boolean, got a number`. A field that is `undefined` (or
 * missing) takes the fallback where one is given and is an error otherwise.
 */
class OptionsReader {
 public:
  /** Throws a TypeError unless `value` is an object. `path` may be empty (fields are then named alone). */
  OptionsReader(const Napi::Value& value, std::string prefix, std::string path);

  bool GetBool(const char* name) const;
  bool GetBool(const char* name, bool fallback) const;
  /** An integer number in [lo, hi]. */
  int64_t GetInt(const char* name, int64_t lo, int64_t hi) const;
  int64_t GetInt(const char* name, int64_t lo, int64_t hi, int64_t fallback) const;
  /** Any number (NaN and infinities included: ranges are the validator's business). */
  double GetDouble(const char* name) const;
  double GetDouble(const char* name, double fallback) const;
  std::string GetString(const char* name) const;
  std::string GetString(const char* name, const std::string& fallback) const;
  /** A copy of a typed array of exactly element type T. */
  template <typename T>
  std::vector<T> GetTypedArray(const char* name) const {
    Napi::Value v = Field(name);
    if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != TypedArrayKind<T>::type) {
      throw TypeMismatch(name, TypedArrayKind<T>::name, v);
    }
    Napi::TypedArrayOf<T> a = v.As<Napi::TypedArrayOf<T>>();
    return std::vector<T>(a.Data(), a.Data() + a.ElementLength());
  }
  /** The elements of an array field, each read as an options object named `name[i]`. */
  std::vector<OptionsReader> GetObjectArray(const char* name) const;

  /** The field's full name as messages give it. */
  std::string PathOf(const std::string& name) const;
  Napi::Env Env() const { return object_.Env(); }

 private:
  Napi::Value Field(const char* name) const;
  std::optional<Napi::Value> Optional(const char* name) const;
  Napi::TypeError TypeMismatch(const char* name, const char* expected, const Napi::Value& got) const;

  Napi::Object object_;
  std::string prefix_;
  std::string path_;
};

/** How a JS value is described in messages: "a number", "a string", "null", "an array", "an Int32Array"… */
std::string DescribeJsValue(const Napi::Value& v);

}  // namespace neuroswipe
