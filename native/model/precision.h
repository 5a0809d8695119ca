// Reduced-precision execution: the precision names neuroswipe accepts and the dtypes they stand for.
#pragma once

#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>

#include <string>

namespace neuroswipe {

/** "float32", "float16" or "bfloat16" → that dtype. Throws UserError naming the accepted values. */
c10::ScalarType ParsePrecision(const std::string& name);

/** The name of a precision dtype: "float32", "float16" or "bfloat16". */
const char* PrecisionName(c10::ScalarType dtype);

/**
 * Throws UserError when `dtype` cannot run on `device`: float16 needs a CUDA device (libtorch's CPU
 * kernels lack half precision for several ops the models use); bfloat16 and float32 run everywhere.
 * `requested` is the device as the caller wrote it, for the message.
 */
void CheckPrecisionOnDevice(c10::ScalarType dtype, const c10::Device& device, const std::string& requested);

}  // namespace neuroswipe
