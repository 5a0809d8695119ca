#include "search/decoding_options.h"

#include "binding/native_error.h"

namespace neuroswipe {

Generator ParseGenerator(const std::string& name) {
  if (name == "greedy") return Generator::kGreedy;
  if (name == "beam") return Generator::kBeam;
  if (name == "beam-sync") return Generator::kBeamSync;
  throw UserError("decoding.generator: expected greedy, beam or beam-sync, got '" + name + "'");
}

void ValidateDecodingOptions(const DecodingOptions& o) {
  if (o.n_classes < 1 || o.n_classes > 64) throw UserError("decoding.nClasses: must be in 1..64");
  if (o.beam_size < 1 || o.beam_size > o.n_classes) {
    throw UserError("decoding.beamSize: must be in 1.." + std::to_string(o.n_classes) + ", got " + std::to_string(o.beam_size));
  }
  if (o.max_steps < 1 || o.max_steps > o.max_token_len) {
    throw UserError("decoding.maxSteps: must be in 1.." + std::to_string(o.max_token_len) + " (the decoder's positional table), got " +
                    std::to_string(o.max_steps));
  }
  if (o.batch_size < 1) throw UserError("decoding.batchSize: must be at least 1");
  if (o.eos < 0 || o.eos >= o.n_classes) throw UserError("decoding.eos: must be a predicted class");
}

}  // namespace neuroswipe
