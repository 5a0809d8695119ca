#include "search/decoding_options.h"

#include <cmath>

#include "binding/native_error.h"

namespace neuroswipe {

Generator ParseGenerator(const std::string& name) {
  if (name == "greedy") return Generator::kGreedy;
  if (name == "beam") return Generator::kBeam;
  if (name == "beam-sync") return Generator::kBeamSync;
  throw UserError("decoding.generator: expected greedy, beam or beam-sync, got '" + name + "'");
}

void ValidateDecodingOptions(const DecodingOptions& o) {
  const ModelLimits& m = o.limits;
  if (m.n_classes < 1 || m.n_classes > 64) throw UserError("decoding.nClasses: must be in 1..64");
  if (m.max_token_len < 1) throw UserError("decoding.maxTokenLen: must be at least 1");
  if (m.eos < 0 || m.eos >= m.n_classes) throw UserError("decoding.eos: must be a predicted class");
  const SearchOptions& s = o.search;
  if (s.generator != Generator::kGreedy && (s.beam_size < 1 || s.beam_size > m.n_classes)) {
    throw UserError("decoding.beamSize: must be in 1.." + std::to_string(m.n_classes) + ", got " +
                    std::to_string(s.beam_size));
  }
  if (s.max_steps < 1 || s.max_steps > m.max_token_len) {
    throw UserError("decoding.maxSteps: must be in 1.." + std::to_string(m.max_token_len) +
                    " (the decoder's positional table), got " + std::to_string(s.max_steps));
  }
  if (!std::isfinite(s.normalization_factor) || s.normalization_factor < 0.0) {
    throw UserError("decoding.normalizationFactor: must be finite and at least 0");
  }
  if (o.engine.batch_size < 1) throw UserError("decoding.batchSize: must be at least 1");
}

}  // namespace neuroswipe
