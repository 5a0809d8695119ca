#include "model/precision.h"

#include "common/native_error.h"

namespace neuroswipe {

c10::ScalarType ParsePrecision(const std::string& name) {
  if (name == "float32") return c10::kFloat;
  if (name == "float16") return c10::kHalf;
  if (name == "bfloat16") return c10::kBFloat16;
  throw UserError("invalid precision '" + name + "': expected float32, float16 or bfloat16");
}

const char* PrecisionName(c10::ScalarType dtype) {
  switch (dtype) {
    case c10::kFloat:
      return "float32";
    case c10::kHalf:
      return "float16";
    case c10::kBFloat16:
      return "bfloat16";
    default:
      return "unknown";
  }
}

void CheckPrecisionOnDevice(c10::ScalarType dtype, const c10::Device& device, const std::string& requested) {
  if (dtype == c10::kHalf && !device.is_cuda()) {
    std::string shown = "'" + requested + "'";
    if (requested != device.str()) shown += " (" + device.str() + ")";
    throw UserError("precision 'float16' needs a CUDA device, but the device is " + shown +
                    ": libtorch's CPU kernels lack half precision for several ops; use bfloat16 on the CPU");
  }
}

}  // namespace neuroswipe
