/**
 * Decodes swipes into ranked candidate words with a model: features in TypeScript, then the batched search
 * in the native addon (one crossing per batch of swipes).
 */
import { FeatureExtractor } from '../features/extractor.js';
import { TRANSFORM_NAMES, type TransformName, type TransformSpec } from '../features/types.js';
import type { Swipe } from '../data/dataset.js';
import { checkSwipes } from '../data/swipe-input.js';
import type { GridMap } from '../keyboard/grid.js';
import { loadGrids } from '../keyboard/grid.js';
import { Model, withJsStack } from '../model/model.js';
import { native, type NativeCancelFlag, type NativeDecodeOptions, type NativeDecodeResult } from '../native.js';
import { CharTokenizer } from '../tokenizer.js';
import { resolveDecodingOptions, type DecodingInput, type DecodingOptions, type VocabScoring } from './decoding.js';
import type { Vocabulary } from '../vocabulary.js';
import { invalidOption, OptionTypeError } from '../invalid-option.js';
import { checkDecodingRules, type RuleNaming, type RuleTerm } from '../options/rules.js';
import { checkOptionValue } from '../options/resolve.js';
import { optionSpec, type DecodingLimits } from '../options/schema.js';
import { chooseAutoBatchSize, type AutoBatchChoice } from './auto-batch.js';
import { CPU_BATCH_SIZE, DEFAULT_NATIVE_STEP, DEFAULT_SKIP_FORCED, DEFAULT_VOCAB_SCORING, defaultWorkers } from './defaults.js';
import { addDecodeStats, emptyDecodeStats, smallerMargins, type DecodeStats, type SearchMargins } from './stats.js';
import { at } from '../util/checked.js';
import { compareCodePoints } from '../util/code-points.js';
import { DeletionIndex, mergeRepaired, repairWords } from './repair.js';
import { applyPrior, WordPrior } from './prior.js';
import { describeValue } from '../util/checked.js';

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

/**
 * Most swipes between two progress reports of `exact`, which scores every vocabulary word of each swipe
 * (about 100× beam's time: a few swipes a second on one CPU core with a 20,000-word vocabulary).
 */
export const EXACT_PROGRESS_SWIPES = 10;

/**
 * Swipes per native search when a call reports progress or can be cancelled: about 1% of the input, never
 * fewer than 8 batches (so continuous batching keeps its slots full), never more than a worker's share,
 * and never more than `most` (the slow `exact` search reports every {@link EXACT_PROGRESS_SWIPES} swipes).
 */
export function progressChunk(total: number, workers: number, batchSize: number, most = Infinity): number {
  const share = Math.max(1, Math.ceil(total / Math.max(1, workers)));
  return Math.max(1, Math.min(share, most, Math.max(batchSize * 8, Math.ceil(total / 100))));
}

/**
 * Checks the options of one decode call.
 * @throws TypeError naming the option: not an object, a `signal` that is no AbortSignal, an `onProgress`
 *   that is no function
 */
function checkCallOptions(call: unknown): asserts call is DecodeCallOptions {
  if (typeof call !== 'object' || call === null) throw new TypeError(`Decoder.decode: options: expected an object { signal?, onProgress? }, got ${describeValue(call)}`);
  const c = call as Record<string, unknown>;
  if (c.signal !== undefined && !(c.signal instanceof AbortSignal)) throw new TypeError(`Decoder.decode: options.signal: expected an AbortSignal, got ${describeValue(c.signal)}`);
  if (c.onProgress !== undefined && typeof c.onProgress !== 'function') throw new TypeError(`Decoder.decode: options.onProgress: expected a function, got ${describeValue(c.onProgress)}`);
}

/** Throws the signal's reason when it has been aborted. */
function throwIfAborted(signal: AbortSignal | undefined): void {
  signal?.throwIfAborted();
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

/**
 * The feature transform a model was trained with, from its metadata.
 * @throws Error naming the model file when the transform name is unknown
 */
export function transformSpecOf(model: Model, seedCompatible = false): TransformSpec {
  const t = model.metadata.transform;
  if (!TRANSFORM_NAMES.includes(t.name as TransformName)) {
    throw new Error(`${model.path}: the model's transform ${JSON.stringify(t.name)} is not one of ${TRANSFORM_NAMES.join(', ')}`);
  }
  return {
    name: t.name as TransformName,
    includeTime: t.include_time,
    includeVelocities: t.include_velocities,
    includeAccelerations: t.include_accelerations,
    seedCompatible,
  };
}


/** Longest stretch, in milliseconds, that turning native results into rows keeps the event loop busy. */
const ROWS_SLICE_MS = 2;

/**
 * The rows of a native result: each swipe's candidates as `[score, word]`, sorted by score then word for the
 * beam searches (greedy has one) and cut to `returnHypotheses`. Runs in slices of about {@link ROWS_SLICE_MS}
 * with the event loop free in between, so that a large decode (many swipes, every hypothesis) never stalls
 * timers and I/O for long.
 */
async function toRows(res: NativeDecodeResult, swipes: readonly Swipe[], tokenizer: CharTokenizer, d: DecodingOptions): Promise<DecodedSwipe[]> {
  const rows = new Array<DecodedSwipe>(swipes.length);
  let j = 0;
  let traced = 0;
  let sliceStart = performance.now();
  for (let i = 0; i < swipes.length; i++) {
    const s = at(swipes, i);
    const cands = new Array<[number, string]>(at(res.counts, i));
    for (let c = 0; c < cands.length; c++, j++) {
      cands[c] = [at(res.scores, j), tokenizer.decode(res.tokens.subarray(at(res.tokenOffsets, j), at(res.tokenOffsets, j + 1)))];
      // A swipe with thousands of hypotheses is itself cut into slices.
      if ((c & 511) === 511 && performance.now() - sliceStart > ROWS_SLICE_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
    }
    if (d.generator !== 'greedy') {
      cands.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : compareCodePoints(a[1], b[1])));
      if (d.returnHypotheses !== null && cands.length > d.returnHypotheses) cands.length = d.returnHypotheses;
    }
    const row: DecodedSwipe = { index: s.index, gridName: s.gridName, candidates: cands };
    rows[i] = row;
    const m = res.margins;
    if (m) row.margins = { topK: at(m, 3 * i), prune: at(m, 3 * i + 1), select: at(m, 3 * i + 2) };
    if (res.trace) {
      row.steps = traceRows(res.trace, traced, at(res.trace.counts, i));
      traced += row.steps.length;
    }
    if (performance.now() - sliceStart > ROWS_SLICE_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
  }
  return rows;
}

/** Rows `first .. first + n` of a native trace (copies, so that each row outlives the others). */
function traceRows(trace: NonNullable<NativeDecodeResult['trace']>, first: number, n: number): ScoredStep[] {
  const rows = trace.tokenOffsets.length - 1;
  const classes = rows > 0 ? trace.logProbs.length / rows : 0;
  const out: ScoredStep[] = [];
  for (let r = first; r < first + n; r++) {
    out.push({
      prefix: trace.tokens.slice(at(trace.tokenOffsets, r), at(trace.tokenOffsets, r + 1)),
      logProbs: trace.logProbs.slice(r * classes, (r + 1) * classes),
    });
  }
  return out;
}

/** The cross-option rules in the library's words: the option of {@link DecoderOptions} at fault. */
const LIBRARY_NAMING: RuleNaming = {
  name: (t) => LIBRARY_NAMES[t],
  need: (t) => (t === 'useVocabulary' ? 'give one (vocabulary)' : t === 'prior' ? 'give the word frequencies (a WordPrior, e.g. new WordPrior(readFrequencyTable(path)))' : `give them (${LIBRARY_NAMES[t]})`),
  drop: (t) => `drop ${LIBRARY_NAMES[t]}`,
  fail: (t, text) => new OptionTypeError(LIBRARY_NAMES[t], text),
};
const LIBRARY_NAMES: Record<RuleTerm, string> = {
  generator: 'decoding.generator', useVocabulary: 'vocabulary', vocabulary: 'repairWords', repair: 'decoding.repair',
  prior: 'prior', priorWeight: 'decoding.priorWeight', vocabScoring: 'vocabScoring', seedScoring: 'reference',
};

/** The decoding limits of a model's metadata. */
function m2l(m: { n_classes: number; max_token_len: number }): DecodingLimits {
  return { nClasses: m.n_classes, maxTokenLen: m.max_token_len };
}

/**
 * A model plus a search. Create with {@link Decoder.create}; `decode` may be called many times and
 * concurrently.
 */
export class Decoder {
  /** The resolved search options. */
  readonly decoding: DecodingOptions;
  readonly model: Model;
  readonly tokenizer: CharTokenizer;
  private readonly features: FeatureExtractor;
  private readonly vocabulary: Vocabulary | null;
  /** Swipes decoded together, as configured (`'auto'` resolved). */
  readonly batchSize: number;
  /** How `batchSize: 'auto'` chose {@link Decoder.batchSize}; null when a number was given. */
  readonly autoBatch: AutoBatchChoice | null;
  private runBatchSize: number;
  /** Native searches run at once, each on part of the swipes. */
  readonly workers: number;
  private readonly reference: boolean;
  private readonly incremental: boolean;
  private readonly nativeStep: boolean;
  private readonly skipForced: boolean;
  private readonly margins: boolean;
  private readonly seedTies: boolean;
  private readonly vocabScoring: VocabScoring;
  private readonly traceSteps: boolean;
  private readonly repairIndex: DeletionIndex | null;
  private readonly prior: WordPrior | null;

  private constructor(model: Model, options: DecoderOptions) {
    const m = model.metadata;
    this.model = model;
    this.decoding = resolveDecodingOptions(options.decoding ?? { generator: 'beam' }, { nClasses: m.n_classes, maxTokenLen: m.max_token_len });
    this.tokenizer = CharTokenizer.fromTokens([...m.char_tokens]);
    this.vocabulary = options.vocabulary ?? null;
    this.reference = options.reference ?? false;
    if (options.vocabScoring !== undefined) checkOptionValue(optionSpec('vocabScoring'), options.vocabScoring, 'vocabScoring', { limits: m2l(m), generator: this.decoding.generator, resolved: {} });
    checkDecodingRules({
      generator: this.decoding.generator, decoding: this.decoding, useVocabulary: this.vocabulary !== null,
      vocabulary: (options.repairWords?.length ?? 0) > 0, prior: options.prior instanceof WordPrior, seedScoring: this.reference,
      ...(options.vocabScoring !== undefined ? { vocabScoring: options.vocabScoring } : {}),
    }, LIBRARY_NAMING);
    if (this.reference && (this.decoding.generator === 'exact' || this.decoding.generator === 'hybrid')) {
      throw new TypeError("reference: exact scoring runs many prefixes per model call; the seed's loop (reference) runs one");
    }
    const bs = options.batchSize ?? CPU_BATCH_SIZE;
    if (bs !== 'auto' && (!Number.isInteger(bs) || bs < 1)) throw invalidOption('batchSize', "an integer ≥ 1 or 'auto'", bs);
    const workers = options.workers ?? defaultWorkers(model.device);
    if (!Number.isInteger(workers) || workers < 1 || workers > 64) throw invalidOption('workers', 'an integer in 1..64', workers);
    this.workers = workers;
    // Older exports with another cache layout fall back to full-prefix decoding.
    this.incremental = (options.incremental ?? true) && m.incremental === true && m.kv_layout === 'heads';
    this.nativeStep = options.nativeStep ?? DEFAULT_NATIVE_STEP;
    this.skipForced = options.skipForced ?? DEFAULT_SKIP_FORCED;
    if (options.margins !== undefined && typeof options.margins !== 'boolean') throw invalidOption('margins', 'a boolean', options.margins);
    this.margins = options.margins ?? false;
    if (options.seedTies !== undefined && typeof options.seedTies !== 'boolean') throw invalidOption('seedTies', 'a boolean', options.seedTies);
    this.seedTies = options.seedTies ?? true;
    this.vocabScoring = options.vocabScoring ?? (this.reference ? 'seed' : DEFAULT_VOCAB_SCORING);
    if (options.traceSteps !== undefined && typeof options.traceSteps !== 'boolean') throw invalidOption('traceSteps', 'a boolean', options.traceSteps);
    this.traceSteps = options.traceSteps ?? false;
    const d = this.decoding;
    if ((d.generator === 'beam' || d.generator === 'beam-sync') && d.repair !== undefined && options.repairWords !== undefined) {
      this.repairIndex = new DeletionIndex(options.repairWords, d.repairDistance ?? 1);
    } else {
      this.repairIndex = null;
    }
    if (d.generator !== 'greedy' && d.priorWeight !== undefined && options.prior instanceof WordPrior) {
      this.prior = options.prior;
    } else {
      this.prior = null;
    }
    this.autoBatch = bs === 'auto'
      ? chooseAutoBatchSize(model.device, {
        metadata: m, decoding: this.decoding, incremental: this.incremental && !this.reference, bytesPerElement: model.precision === 'float32' ? 4 : 2,
      })
      : null;
    this.batchSize = this.autoBatch ? this.autoBatch.batchSize : (bs as number);
    this.runBatchSize = this.batchSize;
    // The model's letters (single-letter char tokens): a grid of another alphabet is refused, not decoded.
    const letters = model.metadata.char_tokens.filter((t) => /^\p{L}$/u.test(t));
    this.features = new FeatureExtractor(options.grids ?? loadGrids(), transformSpecOf(model, options.seedCompatibleFeatures ?? false), letters);
  }

  /**
   * @throws TypeError/RangeError naming the option for bad options (e.g. `decoding.maxSteps` above the
   *   model's limit, `decoding.beamSize` < 1)
   */
  static async create(model: Model, options: DecoderOptions = {}): Promise<Decoder> {
    if (!(model instanceof Model)) throw new TypeError(`Decoder.create: model: expected a Model (from Model.load), got ${describeValue(model)}`);
    const given: unknown = options;
    if (typeof given !== 'object' || given === null) throw new TypeError(`Decoder.create: options: expected an object, got ${describeValue(given)}`);
    if (model.disposed) throw new Error('Decoder.create: the model has been disposed');
    if (options.vocabulary?.disposed) throw new Error('Decoder.create: the vocabulary has been disposed');
    return new Decoder(model, options);
  }

  /** Drops what the decoder cached for a grid removed from its grid map (a server's evicted inline grid). @internal */
  forgetGrid(gridName: string): void {
    this.features.forget(gridName);
  }

  private disposedFlag = false;

  /** Whether {@link Decoder.dispose} has been called. */
  get disposed(): boolean {
    return this.disposedFlag;
  }

  /**
   * Ends this decoder: later `decode` calls throw; calls already running finish normally. The model and the
   * vocabulary belong to the caller (several decoders may share them) and stay usable: dispose them
   * separately.
   */
  dispose(): void {
    this.disposedFlag = true;
  }

  /** Same as {@link Decoder.dispose}, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.dispose();
  }

  /**
   * The batch size the next search starts with: {@link Decoder.batchSize}, or less once a search of this
   * decoder ran out of memory and had to split its batch (later searches start where it ended, instead of
   * running out of memory again).
   */
  get currentBatchSize(): number {
    return this.runBatchSize;
  }

  /**
   * Decodes swipes; results are in the order of `swipes`.
   *
   * With `call.signal`, an abort stops the call's native searches before their next round (a running
   * search sees the abort within one model call; no work of the call is left once it rejects) and the
   * promise rejects with the signal's reason (a `DOMException` named `AbortError` unless the reason says
   * otherwise). With `call.onProgress`, the work is cut into chunks of at least
   * {@link Decoder.batchSize} × 8 swipes (about 1% of the input each, for large inputs; at most
   * 10 with `exact`) and the callback receives `{ done, total }` swipes after each chunk.
   * @throws RangeError naming the swipe when it is longer than the model's positional table
   * @throws Error when the decoder, its model or its vocabulary has been disposed
   * @throws TypeError naming the option when `call` is not an object, `call.signal` not an AbortSignal or
   *   `call.onProgress` not a function
   * @throws InvalidSwipeError (a TypeError) naming the position and field of a swipe that is not valid
   *   (not an object, coordinates that are not int16 integers, lengths that differ, an unknown grid, …)
   */
  async decode(input: readonly Swipe[], call: DecodeCallOptions = {}): Promise<{ rows: DecodedSwipe[]; stats: DecodeStats }> {
    if (this.disposedFlag) throw new Error('Decoder.decode: the decoder has been disposed');
    checkCallOptions(call);
    throwIfAborted(call.signal);
    const swipes = checkSwipes(input, (g) => this.features.hasGrid(g));
    const cut = call.signal !== undefined || call.onProgress !== undefined;
    const parts = Math.min(this.workers, Math.max(1, Math.floor(swipes.length / this.batchSize)));
    if (parts <= 1 && !cut) return this.decodePart(swipes);
    // Independent searches, each on its own libuv thread, pull contiguous chunks from a shared queue, so a
    // worker that drew cheap swipes takes more chunks; results keep input order. Chunks are several batches
    // long, so each search keeps its slots full most of the time.
    const chunk = cut
      ? progressChunk(swipes.length, parts, this.batchSize, this.decoding.generator === 'exact' ? EXACT_PROGRESS_SWIPES : Infinity)
      : Math.min(Math.ceil(swipes.length / parts), Math.max(this.batchSize * 8, Math.ceil(swipes.length / (parts * 4))));
    const chunks = Math.ceil(swipes.length / chunk);
    const results = new Array<{ rows: DecodedSwipe[]; stats: DecodeStats }>(chunks);
    let next = 0;
    let done = 0;
    let stop = false;
    const worker = async (): Promise<void> => {
      try {
        while (next < chunks && !stop) {
          throwIfAborted(call.signal);
          const c = next++;
          const part = swipes.slice(c * chunk, (c + 1) * chunk);
          results[c] = await this.decodePart(part, call.signal);
          done += part.length;
          call.onProgress?.({ done, total: swipes.length });
        }
      } catch (err) {
        stop = true;
        throw err;
      }
    };
    // Every worker settles before the call does, so nothing of it still runs once it has rejected.
    const settled = await Promise.allSettled(Array.from({ length: parts }, worker));
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    const stats = emptyDecodeStats();
    for (const r of results) addDecodeStats(stats, r.stats);
    return { rows: results.flatMap((r) => r.rows), stats };
  }

  /**
   * Runs one native search, stopped before its next round when `signal` aborts (the call then rejects
   * with the signal's reason).
   */
  private async search(what: string, signal: AbortSignal | undefined, run: (cancel: NativeCancelFlag | null) => Promise<NativeDecodeResult>): Promise<NativeDecodeResult> {
    if (signal === undefined) return withJsStack(what, () => run(null));
    signal.throwIfAborted();
    const addon = native();
    const flag = addon.createCancelFlag();
    const onAbort = (): void => addon.cancelDecode(flag);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      return await withJsStack(what, () => run(flag));
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      throw err;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  private async decodePart(swipes: readonly Swipe[], signal?: AbortSignal): Promise<{ rows: DecodedSwipe[]; stats: DecodeStats }> {
    const m = this.model.metadata;
    // Features in slices with the event loop free in between, as the rows are built (a large call's
    // extraction would otherwise hold the thread for tens of milliseconds at a stretch).
    const feats = new Array<ReturnType<FeatureExtractor['extract']>>(swipes.length);
    let sliceStart = performance.now();
    for (let i = 0; i < swipes.length; i++) {
      const s = at(swipes, i);
      if (s.x.length > m.max_curve_len) {
        throw new RangeError(`swipe ${s.index}: ${s.x.length} points, but the model accepts at most ${m.max_curve_len} (max_curve_len)`);
      }
      feats[i] = this.features.extract(s);
      if (performance.now() - sliceStart > ROWS_SLICE_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
    }
    const f = m.n_traj_feats;
    let total = 0;
    for (const x of feats) {
      if (x.nTrajFeats !== f) throw new Error(`${this.model.path}: the features have ${x.nTrajFeats} trajectory columns, the model expects ${f}`);
      total += x.length;
    }
    const keyCols = feats[0]?.nKeyColumns ?? m.n_key_columns;
    const traj = new Float32Array(total * f);
    const keys = keyCols === 0 ? new Int32Array(total) : new Float32Array(total * keyCols);
    const lengths = new Int32Array(feats.length);
    let row = 0;
    feats.forEach((x, i) => {
      traj.set(x.traj, row * f);
      keys.set(x.keys, row * Math.max(keyCols, 1));
      lengths[i] = x.length;
      row += x.length;
    });
    const d = this.decoding;
    const opts: NativeDecodeOptions = {
      generator: d.generator,
      maxSteps: d.maxSteps,
      batchSize: this.runBatchSize,
      reference: this.reference,
      incremental: this.incremental,
      nativeStep: this.nativeStep,
      skipForced: this.skipForced,
      seedTies: this.seedTies,
      vocabScoring: this.vocabScoring,
      traceSteps: this.traceSteps,
      margins: this.margins,
      sos: this.tokenizer.sosId,
      eos: this.tokenizer.eosId,
      pad: this.tokenizer.padId,
      nClasses: m.n_classes,
      maxTokenLen: m.max_token_len,
    };
    if (d.generator === 'exact' || d.generator === 'hybrid') {
      opts.normalizationFactor = d.normalizationFactor;
      opts.topN = d.returnHypotheses ?? 0;
      if (d.generator === 'hybrid') {
        opts.beamSize = d.beamSize;
        opts.hybridSteps = d.hybridSteps;
      }
    } else if (d.generator !== 'greedy') {
      opts.beamSize = d.beamSize;
      opts.normalizationFactor = d.normalizationFactor;
      if (d.tokenLogProbFloor !== undefined) opts.tokenLogProbFloor = d.tokenLogProbFloor;
      if (d.scoreCeiling !== undefined) opts.scoreCeiling = d.scoreCeiling;
    }
    const addon = native();
    const handle = this.model.nativeHandle;
    const res = await this.search('Decoder.decode', signal, (cancel) =>
      addon.decodeSwipes(handle, this.vocabulary?.trie ?? null, traj, [total, f], keys, keyCols === 0 ? [total] : [total, keyCols], lengths, opts, cancel),
    );
    if (res.stats.oomSplits > 0 && res.stats.finalBatchSize > 0) this.runBatchSize = Math.min(this.runBatchSize, res.stats.finalBatchSize);
    // With the prior, the lists are cut to returnHypotheses only once it has reranked them.
    const prior = this.prior !== null && d.generator !== 'greedy' ? { weight: d.priorWeight ?? 0, length: d.priorLength ?? 0, keep: d.returnHypotheses } : null;
    const rows = await toRows(res, swipes, this.tokenizer, prior !== null && d.generator !== 'greedy' ? { ...d, returnHypotheses: null } : d);
    const stats: DecodeStats = res.stats;
    if (this.repairIndex && d.generator !== 'greedy' && d.generator !== 'exact' && d.generator !== 'hybrid') {
      const index = this.repairIndex;
      const k = d.repairDistance ?? 1;
      const lists = rows.map((r) => repairWords(r.candidates, index, k, d.repairRescore ?? 8));
      const ids: number[] = [];
      const wordOffsets = [0];
      const swipeOffsets = [0];
      for (const list of lists) {
        for (const w of list) {
          const t = this.tokenizer.encode(w);
          for (let i = 1; i < t.length - 1; i++) ids.push(at(t, i));
          wordOffsets.push(ids.length);
        }
        swipeOffsets.push(wordOffsets.length - 1);
      }
      const rescoreOpts: NativeDecodeOptions = {
        ...opts, generator: 'exact', topN: 0, margins: false, normalizationFactor: d.normalizationFactor,
        wordLists: { ids: Int32Array.from(ids), wordOffsets: Int32Array.from(wordOffsets), swipeOffsets: Int32Array.from(swipeOffsets) },
      };
      delete rescoreOpts.beamSize;
      delete rescoreOpts.tokenLogProbFloor;
      delete rescoreOpts.scoreCeiling;
      const again = await this.search('Decoder.decode (repair)', signal, (cancel) =>
        addon.decodeSwipes(handle, null, traj, [total, f], keys, keyCols === 0 ? [total] : [total, keyCols], lengths, rescoreOpts, cancel),
      );
      const rescored = await toRows(again, swipes, this.tokenizer, { generator: 'exact', normalizationFactor: d.normalizationFactor, maxSteps: d.maxSteps, returnHypotheses: null });
      rows.forEach((r, i) => {
        r.candidates = mergeRepaired(r.candidates, at(rescored, i).candidates, index, prior !== null ? null : d.returnHypotheses, compareCodePoints);
      });
      addDecodeStats(stats, again.stats);
    }
    if (prior !== null && this.prior !== null) {
      const p = this.prior;
      let priorSlice = performance.now();
      for (const r of rows) {
        r.candidates = applyPrior(r.candidates, p, prior.weight, prior.length);
        if (prior.keep !== null && r.candidates.length > prior.keep) r.candidates.length = prior.keep;
        if (performance.now() - priorSlice > ROWS_SLICE_MS) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          priorSlice = performance.now();
        }
      }
    }
    if (this.margins) {
      for (const r of rows) if (r.margins) stats.margins = stats.margins ? smallerMargins(stats.margins, r.margins) : { ...r.margins };
    }
    return { rows, stats };
  }
}
