// Tensor shapes in error messages.
#pragma once

#include <ATen/core/Tensor.h>

#include <string>

namespace neuroswipe {

/** "[a, b, c]" */
inline std::string ShapeString(at::IntArrayRef sizes) {
  std::string s = "[";
  for (size_t i = 0; i < sizes.size(); ++i) s += (i ? ", " : "") + std::to_string(sizes[i]);
  return s + "]";
}

/** The shape of `t`, "[a, b, c]". */
inline std::string ShapeString(const at::Tensor& t) { return ShapeString(t.sizes()); }

}  // namespace neuroswipe
