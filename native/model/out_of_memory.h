// Recognising allocation failures (CUDA's and the CPU allocator's), so that the batched decoder can split
// its batch and go on instead of failing.
#pragma once

#include <string>

namespace neuroswipe {

/**
 * Whether an error message reports an allocation failure: the CUDA caching allocator ("CUDA out of
 * memory"), the CUDA runtime ("CUDA error: out of memory"), cuBLAS/cuDNN ("..._ALLOC_FAILED"), libtorch's
 * CPU allocator ("DefaultCPUAllocator: can't allocate memory" / "not enough memory") or operator new
 * ("std::bad_alloc"). The messages are searched because TorchScript and neuroswipe's own error wrapping
 * keep the text of an error but not its C++ type.
 */
bool IsOutOfMemoryMessage(const std::string& message);

/**
 * The line of an out-of-memory message that says what failed (libtorch messages carry a TorchScript
 * traceback around it), trimmed; the whole message when no line matches.
 */
std::string OutOfMemoryReason(const std::string& message);

/**
 * Whether the exception being handled (call only inside a catch block) is an allocation failure:
 * std::bad_alloc, c10::OutOfMemoryError, or any exception whose message IsOutOfMemoryMessage.
 */
bool CurrentExceptionIsOutOfMemory();

}  // namespace neuroswipe
