/**
 * The types of the decoder's interface: its options, the options of one decode call, and what a decoded
 * swipe holds.
 */
import type { GridMap } from '../keyboard/grid.js';
import type { Vocabulary } from '../vocabulary.js';
import type { DecodingInput, VocabScoring } from './decoding.js';
import type { WordPrior } from './prior.js';
import type { SearchMargins } from './stats.js';

/** Progress of one `Decoder.decode` call, in swipes. */
export interface DecodeProgress {
  /** Swipes decoded so far. */
  done: number;
  /** Swipes in the call. */
  total: number;
}

/** Options of one `Decoder.decode` call. */
export interface DecodeCallOptions {
  /**
   * Cancels the call: checked before each native search starts and, inside a running search, before each
   * of its rounds (one model call), so the call stops within about a round of the abort. The promise then
   * rejects with `signal.reason` (an `AbortError` `DOMException` by default, `TimeoutError` for
   * `AbortSignal.timeout`).
   */
  signal?: AbortSignal;
  /** Called after each chunk of swipes is decoded, with the swipes done so far and the call's total. */
  onProgress?: (progress: DecodeProgress) => void;
}

/** One decoded swipe: candidates `[score, word]`, lower score is better, in the seed's order. */
export interface DecodedSwipe {
  /** 0-based line index of the swipe in its file. */
  index: number;
  /** The swipe's grid. */
  gridName: string;
  /** `[score, word]` pairs. */
  candidates: [number, string][];
  /** The search's decision margins (only with {@link DecoderOptions.margins}). */
  margins?: SearchMargins;
  /**
   * Whether the candidates are proven to be the vocabulary's best words by model score, in order: the
   * `returnHypotheses` best (all returned when null) are exactly those `generator: 'exact'` returns, up to the
   * engine's rounding. Set with a vocabulary for `beam`, `beam-sync`, `hybrid` (a bound on every prefix the search
   * left unexplored, docs/SEARCH.md "Certificate") and `exact` (always true); absent for `greedy`, without a
   * vocabulary, and when `repair` or the prior changed the list.
   */
  certified?: boolean;
  /**
   * How many of the candidates, best first, are proven to be the vocabulary's best words in order (whatever
   * `returnHypotheses`; `certified` is whether they cover the whole list). Present when `certified` is.
   */
  certifiedTop?: number;
  /** Every row the model scored for this swipe, in order (only with {@link DecoderOptions.traceSteps}). */
  steps?: ScoredStep[];
}

/** One row the model scored: a prefix and the log-probabilities of the next token after it. */
export interface ScoredStep {
  /** Token ids from `<sos>` on. */
  prefix: Int32Array;
  /** `n_classes` log-probabilities (after the vocabulary mask; masked tokens are -Infinity). */
  logProbs: Float32Array;
}


/** Options of {@link Decoder}. */
export interface DecoderOptions {
  /** `{ generator, ...that generator's options }`; see `lib/decode/decoding.ts`. Default `{ generator: 'beam' }`. */
  decoding?: DecodingInput;
  /** Restrict outputs to these words (the seed's `use_vocab_for_generation`). Default none. */
  vocabulary?: Vocabulary | null;
  /**
   * Swipes decoded together (continuous batching) by each worker. Default 16. `'auto'`: on CUDA, as many
   * as fit in half the device's free memory by `estimateSwipeMemory` (lib/decode/auto-batch.ts) for the model's
   * longest swipes (`max_curve_len`), clamped to 16…4096; on the CPU, 16. The choice is in
   * {@link Decoder.batchSize} and {@link Decoder.autoBatch}.
   *
   * Whatever the size, a search whose model call runs out of memory halves its batch, decodes the swipes
   * it had in flight again and goes on ({@link DecodeStats.oomSplits}); only a batch of one that does not
   * fit is an error.
   */
  batchSize?: number | 'auto';
  /**
   * Native searches run concurrently on parts of each `decode` call (libuv threads). With one libtorch
   * thread per search (`setNumThreads(1)`), one worker per core is usually fastest on CPUs: small
   * per-step batches keep the cached keys/values in the processor cache. Default: one per core
   * (`os.availableParallelism()`, at most 64) on the CPU, 1 on CUDA. Counters in the returned stats are
   * summed over workers.
   *
   * Each search occupies one thread of libuv's pool while it runs, and the pool has 4 threads unless the
   * environment sets `UV_THREADPOOL_SIZE` before Node starts it (the `neuroswipe` command sets it to the
   * core count + 4). On a machine with more than four cores, start Node with e.g.
   * `UV_THREADPOOL_SIZE=$(( $(nproc) + 4 )) node app.js` for more than four searches to run at once.
   */
  workers?: number;
  /** Batch of one and full-prefix `decode` per hypothesis: the seed's own loop (slow; for parity tests). */
  reference?: boolean;
  /** Keyboard grids. Default: the bundled real grids. */
  grids?: GridMap;
  /** Reproduce the seed's inf/NaN features on equal timestamps (default false: finite features). */
  seedCompatibleFeatures?: boolean;
  /**
   * Use the model's key/value-cached step (`memory_kv`/`decode_step`) when it has one. Default true.
   * Same words and order as full-prefix recomputation; scores agree to about 1e-6 relative.
   */
  incremental?: boolean;
  /**
   * With incremental decoding on the CPU, run each decoder step in neuroswipe's built-in implementation
   * (models that export `step_weights`, docs/MODEL_FORMAT.md) instead of the model's TorchScript
   * `decode_step`: the same weights and math without the interpreter's per-operation cost, each hypothesis
   * attending over exactly its own prefix and swipe. Default true; false forces the TorchScript step.
   */
  nativeStep?: boolean;
  /**
   * With a vocabulary, expand a hypothesis without the model when its trie node allows exactly one token:
   * the masked log-softmax then gives that token exactly 0 whatever the (finite) logits, so the search takes
   * the same steps with bit-identical scores. Keys/values of the skipped tokens are computed when a
   * descendant needs them (not at all when the word just ends). Applies to the built-in CPU step and to
   * full-prefix decoding, never to reference mode. Default true.
   *
   * Under `vocabScoring: 'model'` a forced token has its own log-probability, so it is not skipped: instead the
   * whole forced chain after a requested prefix (one allowed letter, then the next, …) is scored in the same
   * model call, one row per position, and its rows answer the search when it asks for them
   * (`DecodeStats.chainRows`, `chainSteps`); same results as letter by letter up to
   * float rounding. Built-in CPU step and full-prefix decoding; the TorchScript `decode_step` scores one
   * position per row and stays letter by letter. False scores every step in its own call.
   */
  skipForced?: boolean;
  /**
   * The vocabulary words for `decoding.repair` (Levenshtein repair of a search without the vocabulary), in
   * their file's order. Required with `repair`, ignored otherwise.
   */
  repairWords?: readonly string[];
  /**
   * The word frequencies of `decoding.priorWeight` (the word-frequency prior: lib/decode/prior.ts), e.g.
   * `new WordPrior(readFrequencyTable(path))`. Required with `priorWeight`, ignored otherwise.
   */
  prior?: WordPrior;
  /**
   * Debug statistic: record each swipe's {@link SearchMargins} (in {@link DecodedSwipe.margins}, their
   * minimum in {@link DecodeStats.margins}). Costs a scan of each expansion's log-probabilities. Default false.
   */
  margins?: boolean;
  /**
   * How the vocabulary restricts the log-probabilities every search reads (docs/SEARCH.md, "Vocabulary
   * scoring"). `'model'`: the model's own log-probability of each allowed token (log_softmax, then the mask), so
   * a word is ranked by its probability under the model, `<eos>` included. `'seed'`: the seed's masking
   * (the mask, then log_softmax: each step renormalised over the allowed tokens, a forced letter free;
   * `use_vocab_for_generation`). Default `DEFAULT_VOCAB_SCORING` (lib/options/schema.ts); only `'seed'` in reference
   * mode. Applies only with `vocabulary`.
   */
  vocabScoring?: VocabScoring;
  /**
   * The seed's searches (greedy, best-first `beam`) decide near ties by the seed's own arithmetic. Every engine
   * path computes the model's function up to float32 rounding (a few 1e-6 of a score); where the two sides of a
   * decision of the search (which partial to expand next and the beam cut: scores within 1e-5; the top-k cut and
   * greedy's argmax: log-probabilities within 3e-5) are that close, the values on both sides are recomputed as the seed's loop computes them (the swipe encoded
   * alone, each prefix through the model's `decode`) and decide. The result is then the reference mode's on
   * the same machine, at the cost of a few full-prefix calls on the swipes that have such a tie
   * (`DecodeStats.tieDecisions`, `tieDecodeCalls`). Default true; false decides by the engine's own values.
   */
  seedTies?: boolean;
  /**
   * Debug statistic: return every row the model scored (prefix and log-probabilities) in
   * {@link DecodedSwipe.steps}. Memory grows with every expansion; for tests and step-level comparisons.
   * Default false.
   */
  traceSteps?: boolean;
}
