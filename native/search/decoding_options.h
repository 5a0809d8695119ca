// One options struct for every search (mirrors lib/decoding.ts).
#pragma once

#include <cstdint>
#include <string>

namespace neuroswipe {

enum class Generator { kGreedy, kBeam, kBeamSync };

/** Decoding options; TypeScript validates them first, ValidateDecodingOptions re-checks ranges. */
struct DecodingOptions {
  Generator generator = Generator::kBeam;
  int beam_size = 6;
  double normalization_factor = 0.5;
  int max_steps = 35;
  /** Swipes decoded together (continuous batching). */
  int batch_size = 64;
  /** Batch of one, one hypothesis per model call, full `decode`: the seed's own loop. */
  bool reference = false;
  /** Use the model's memory_kv/decode_step (key/value caches) when it has them; ignored in reference mode. */
  bool incremental = true;
  /**
   * With incremental decoding on the CPU, run the decoder step in the built-in implementation when the model
   * exports `step_weights` (else the model's own `decode_step`).
   */
  bool native_step = true;
  /**
   * Answer an expansion without the model when the prefix's vocabulary node allows exactly one token: masked
   * log_softmax gives that token exactly 0 (and -inf to every other) for any finite logits, so the search
   * takes the same steps with the same scores. Needs a vocabulary; never in reference mode.
   */
  bool skip_forced = true;
  /** Record each swipe's SearchMargins (a debug statistic; a little extra work per expansion). */
  bool margins = false;
  int32_t sos = 36;
  int32_t eos = 33;
  int32_t pad = 35;
  int32_t n_classes = 35;
  /** Longest token prefix the decoder accepts (`<sos>` included). */
  int32_t max_token_len = 35;
};

/** Parses "greedy" | "beam" | "beam-sync"; throws UserError otherwise. */
Generator ParseGenerator(const std::string& name);

/** Throws UserError naming the first option out of range. */
void ValidateDecodingOptions(const DecodingOptions& o);

}  // namespace neuroswipe
