#include "model/out_of_memory.h"

#include <c10/util/Exception.h>
#include <torch/version.h>

#include <algorithm>
#include <cctype>
#include <exception>
#include <new>

#include "common/native_error.h"

namespace neuroswipe {

bool IsOutOfMemoryMessage(const std::string& message) {
  std::string m(message);
  std::transform(m.begin(), m.end(), m.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  static const char* const kMarkers[] = {
      "out of memory",          // CUDA caching allocator and CUDA runtime
      "can't allocate memory",  // DefaultCPUAllocator, posix_memalign failed
      "not enough memory",      // DefaultCPUAllocator, other platforms
      "_alloc_failed",          // CUBLAS_STATUS_ALLOC_FAILED, CUDNN_STATUS_ALLOC_FAILED
      "bad_alloc",              // operator new, through an error wrapper
  };
  for (const char* marker : kMarkers) {
    if (m.find(marker) != std::string::npos) return true;
  }
  return false;
}

std::string OutOfMemoryReason(const std::string& message) {
  size_t begin = 0;
  while (begin <= message.size()) {
    size_t end = message.find('\n', begin);
    if (end == std::string::npos) end = message.size();
    std::string line = message.substr(begin, end - begin);
    const size_t first = line.find_first_not_of(" \t");
    if (first != std::string::npos && IsOutOfMemoryMessage(line)) return line.substr(first);
    begin = end + 1;
  }
  return message;
}

bool CurrentExceptionIsOutOfMemory() {
  try {
    throw;
  } catch (const std::bad_alloc&) {
    return true;
#if TORCH_VERSION_MAJOR > 1 || (TORCH_VERSION_MAJOR == 1 && TORCH_VERSION_MINOR >= 13)
  } catch (const c10::OutOfMemoryError&) {
    return true;
#endif
  } catch (...) {
    return IsOutOfMemoryMessage(CurrentExceptionMessage());
  }
}

}  // namespace neuroswipe
