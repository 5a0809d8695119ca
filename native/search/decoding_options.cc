#include "search/decoding_options.h"

#include <cmath>

#include "common/native_error.h"

namespace neuroswipe {

Generator ParseGenerator(const std::string& name) {
  if (name == "greedy") return Generator::kGreedy;
  if (name == "beam") return Generator::kBeam;
  if (name == "beam-sync") return Generator::kBeamSync;
  if (name == "exact") return Generator::kExact;
  if (name == "hybrid") return Generator::kHybrid;
  throw UserError("decoding.generator: expected greedy, beam, beam-sync, exact or hybrid, got '" + name + "'");
}

VocabScoring ParseVocabScoring(const std::string& name) {
  if (name == "seed") return VocabScoring::kSeed;
  if (name == "model") return VocabScoring::kModel;
  throw UserError("decoding.vocabScoring: expected seed or model, got '" + name + "'");
}

void ValidateDecodingOptions(const DecodingOptions& o) {
  const ModelLimits& m = o.limits;
  if (m.n_classes < 1 || m.n_classes > 64) throw UserError("decoding.nClasses: must be in 1..64");
  if (m.max_token_len < 1) throw UserError("decoding.maxTokenLen: must be at least 1");
  if (m.eos < 0 || m.eos >= m.n_classes) throw UserError("decoding.eos: must be a predicted class");
  const SearchOptions& s = o.search;
  if (s.generator == Generator::kExact || s.generator == Generator::kHybrid) {
    if (s.top_n < 0)
      throw UserError("decoding.topN: must be at least 0 (0 = every word), got " + std::to_string(s.top_n));
    if (o.engine.reference) {
      throw UserError("decoding.reference: exact scoring runs many prefixes per model call; the seed's loop runs one");
    }
  }
  if (s.generator == Generator::kHybrid && (s.hybrid_steps < 0 || s.hybrid_steps > s.max_steps)) {
    throw UserError("decoding.hybridSteps: must be in 0..maxSteps (" + std::to_string(s.max_steps) + "), got " +
                    std::to_string(s.hybrid_steps));
  }
  if (s.generator != Generator::kGreedy && s.generator != Generator::kExact &&
      (s.beam_size < 1 || s.beam_size > m.n_classes)) {
    throw UserError("decoding.beamSize: must be in 1.." + std::to_string(m.n_classes) + ", got " +
                    std::to_string(s.beam_size));
  }
  if (s.certify_top < 0)
    throw UserError("decoding.certifyTop: must be at least 0, got " + std::to_string(s.certify_top));
  if (s.max_steps < 1 || s.max_steps > m.max_token_len) {
    throw UserError("decoding.maxSteps: must be in 1.." + std::to_string(m.max_token_len) +
                    " (the decoder's positional table), got " + std::to_string(s.max_steps));
  }
  if (!std::isfinite(s.normalization_factor) || s.normalization_factor < 0.0) {
    throw UserError("decoding.normalizationFactor: must be finite and at least 0");
  }
  if (std::isnan(s.token_log_prob_floor) || s.token_log_prob_floor > 0.0) {
    throw UserError("decoding.tokenLogProbFloor: must be at most 0 (a log-probability; -Infinity = off)");
  }
  if (std::isnan(s.score_ceiling) || s.score_ceiling < 0.0) {
    throw UserError("decoding.scoreCeiling: must be at least 0 (scores are; Infinity = off)");
  }
  if (o.engine.batch_size < 1) throw UserError("decoding.batchSize: must be at least 1");
}

}  // namespace neuroswipe
