// The options of one decodeSwipes call, in three parts: what the search does (SearchOptions), how the engine
// runs it (EngineOptions) and the model's constants it must respect (ModelLimits). Mirrors lib/decode/decoding.ts
// and the decoder options of lib/decode/decoder.ts.
#pragma once

#include <cstdint>
#include <limits>
#include <string>

namespace neuroswipe {

enum class Generator { kGreedy, kBeam, kBeamSync, kExact, kHybrid };

/**
 * How a vocabulary restricts the log-probabilities the searches read. kSeed: the logits are masked, then
 * log_softmax renormalises over the allowed tokens (SEED-SPEC §6.2; a forced letter costs nothing). kModel:
 * log_softmax of the model's own logits, then the mask: every allowed token keeps its full-softmax
 * log-probability, so a word scores its probability under the model (docs/SEARCH.md, "Vocabulary scoring").
 */
enum class VocabScoring { kSeed, kModel };

/**
 * X(type, field, jsName, default) for every numeric search option, declared once: it generates SearchOptions'
 * fields and their read from the payload's `search` object (binding/decode_options_reader.cc), where each has the
 * name of its declaration in lib/options/schema.ts (or its declared native name).
 */
#define NEUROSWIPE_SEARCH_NUMBERS(X)                                                                             \
  /** Expansions per step and partial hypotheses kept. */                                                        \
  X(int, beam_size, beamSize, 6)                                                                                 \
  /** Length normalisation: score = −Σ log p / len^nf. */                                                     \
  X(double, normalization_factor, normalizationFactor, 0.5)                                                      \
  /** Most tokens generated, `<eos>` included. */                                                                \
  X(int, max_steps, maxSteps, 35)                                                                                \
  /**                                                                                                            \
   * Beam searches: a token whose log-probability is at or below this floor is never expanded (−inf = off, the \
   * seed's behaviour: only impossible tokens are skipped).                                                      \
   */                                                                                                            \
  X(double, token_log_prob_floor, tokenLogProbFloor, -std::numeric_limits<double>::infinity())                   \
  /** Beam searches: a hypothesis whose score is above this ceiling is dropped (+inf = off). */                  \
  X(double, score_ceiling, scoreCeiling, std::numeric_limits<double>::infinity())                                \
  /** Exact scoring and hybrid: words returned per swipe, best first (0 = every word scored). */                 \
  X(int, top_n, topN, 6)                                                                                         \
  /**                                                                                                            \
   * Beams with a vocabulary: the first words to prove (0 = off). When the beam's certificate does not cover     \
   * them, a branch-and-bound exact search from the beam's words finds the vocabulary's best `certify_top`.      \
   */                                                                                                            \
  X(int, certify_top, certifyTop, 0)                                                                             \
  /** Beams with certify_top: the most prefixes its proof asks for per swipe (0 = no limit). */                  \
  X(int, certify_rows, certifyRows, 0)                                                                           \
  /** Hybrid: level-synchronous beam steps before the best words under the kept prefixes are found. */           \
  X(int, hybrid_steps, hybridSteps, 3)

/** The search's own parameters: which search, and the options of lib/decode/decoding.ts. */
struct SearchOptions {
  Generator generator = Generator::kBeam;
#define NEUROSWIPE_SEARCH_FIELD(type, field, js, init) type field = init;
  NEUROSWIPE_SEARCH_NUMBERS(NEUROSWIPE_SEARCH_FIELD)
#undef NEUROSWIPE_SEARCH_FIELD
  /** Record each swipe's SearchMargins (a debug statistic; a little extra work per expansion). */
  bool margins = false;
  /** With a vocabulary: renormalised (the seed's) or model log-probabilities. */
  VocabScoring vocab_scoring = VocabScoring::kSeed;
};

/** How the engine runs the searches: batching, caches, the built-in step, shortcuts; only seed_ties may change a
 * result. */
struct EngineOptions {
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
   * takes the same steps with the same scores. Needs a vocabulary and seed vocabulary scoring (under model scoring
   * a forced token has its own cost); never in reference mode.
   */
  bool skip_forced = true;
  /**
   * The seed's searches (greedy, best-first beam) decide near ties — decisions whose two sides are closer than
   * the engine's rounding — by the seed's own arithmetic (search/tie_referee.h), so that every engine path returns
   * what the reference mode returns on the same machine. The one option here that can change a result, and only
   * within a near tie; ignored in reference mode.
   */
  bool seed_ties = true;
  /** Return every row the model scored (prefix and log-probabilities) per swipe: a debug statistic. */
  bool trace_steps = false;
};

/** Constants of the model (its metadata and tokenizer) that the search and the engine must respect. */
struct ModelLimits {
  int32_t sos = 36;
  int32_t eos = 33;
  int32_t pad = 35;
  /** Decoder output size: the classes a search can emit. */
  int32_t n_classes = 35;
  /** Longest token prefix the decoder accepts (`<sos>` included): its positional table. */
  int32_t max_token_len = 35;
};

/** Everything one decode needs; TypeScript validates it first, ValidateDecodingOptions re-checks it. */
struct DecodingOptions {
  SearchOptions search;
  EngineOptions engine;
  ModelLimits limits;
};

/** Parses "greedy" | "beam" | "beam-sync" | "exact" | "hybrid"; throws UserError otherwise. */
Generator ParseGenerator(const std::string& name);

/** Parses "seed" | "model"; throws UserError otherwise. */
VocabScoring ParseVocabScoring(const std::string& name);

/** The one check of every option's range; throws UserError naming the first one out of range. */
void ValidateDecodingOptions(const DecodingOptions& o);

}  // namespace neuroswipe
