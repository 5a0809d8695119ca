// Host tensors that are built on the CPU and then copied to the model's device: in page-locked (pinned)
// memory with an asynchronous copy when the device is CUDA, plain host memory and no copy on the CPU.
#pragma once

#include <torch/script.h>

#include <cstring>
#include <vector>

namespace neuroswipe {

/**
 * Options of a host tensor destined for `device`: pinned memory when the device is CUDA (the copy can then
 * run asynchronously, without a staging copy by the driver), ordinary memory otherwise. A CPU-only libtorch
 * cannot allocate pinned memory, so the CPU path must never ask for it.
 */
inline torch::TensorOptions HostOptions(const c10::Device& device, c10::ScalarType dtype) {
  return torch::TensorOptions().dtype(dtype).pinned_memory(device.is_cuda());
}

/**
 * `t` on `device`: the tensor itself when it is already there; a non-blocking copy when `t` is pinned host
 * memory going to CUDA (libtorch's host allocator keeps a pinned block from being reused until the copy
 * that reads it has finished, so `t` may be dropped at once); an ordinary copy otherwise.
 */
inline torch::Tensor ToDevice(const torch::Tensor& t, const c10::Device& device) {
  if (t.device() == device) return t;
  const bool async = device.is_cuda() && t.is_pinned();
  return t.to(device, /*non_blocking=*/async);
}

/** A 1-D int64 host tensor holding `values`, in HostOptions for `device`. */
inline torch::Tensor HostInt64(const std::vector<int64_t>& values, const c10::Device& device) {
  torch::Tensor t = torch::empty({static_cast<int64_t>(values.size())}, HostOptions(device, torch::kInt64));
  if (!values.empty()) std::memcpy(t.data_ptr<int64_t>(), values.data(), values.size() * sizeof(int64_t));
  return t;
}

}  // namespace neuroswipe
