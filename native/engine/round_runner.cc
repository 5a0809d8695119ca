// Pieces shared by the round runners.
#include <chrono>

#include "common/native_error.h"
#include "engine/round_runner.h"

namespace neuroswipe {

torch::Tensor ProjectMemory(const ScriptModel& model, const torch::Tensor& memory, int64_t batch, DecodeStats& stats) {
  const auto t0 = std::chrono::steady_clock::now();
  torch::Tensor kv = model.MemoryKv(memory);  // [L, 2, B, H, S, Dh]
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  stats.model_seconds += seconds;
  stats.encode_seconds += seconds;
  stats.projected_memory += static_cast<double>(memory.size(0)) * static_cast<double>(memory.size(1));
  if (kv.dim() != 6 || kv.size(1) != 2 || kv.size(2) != batch || kv.size(4) != memory.size(0)) {
    throw UserError("memory_kv returned a tensor of shape " + ShapeString(kv) + ", expected [L, 2, B, H, S, Dh]");
  }
  return kv;
}

}  // namespace neuroswipe
