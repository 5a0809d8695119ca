/**
 * Decodes swipes into ranked candidate words with a model: features in TypeScript, then the batched search
 * in the native addon (one crossing per batch of swipes).
 */
import { FeatureExtractor } from '../features/extractor.js';
import { TRANSFORM_NAMES, type TransformName, type TransformSpec } from '../features/types.js';
import type { Swipe } from '../data/dataset.js';
import { checkSwipes } from '../data/swipe-input.js';
import { loadGrids } from '../keyboard/grid.js';
import { Model, withJsStack } from '../model/model.js';
import { native, type NativeCancelFlag, type NativeDecodeOptions, type NativeDecodeResult, type NativeVocabTrie } from '../native.js';
import { CharTokenizer } from '../tokenizer.js';
import { keptCandidates, resolveDecodingOptions, type DecodingOptions } from './decoding.js';
import type { Vocabulary } from '../vocabulary.js';
import { invalidOption } from '../invalid-option.js';
import { checkDecoderRules } from './decoder-rules.js';
import { nativeSearchOptions } from '../options/native-payload.js';
import { checkEngineValue } from '../options/engine.js';
import { seedVocabularyOptions, vocabularyDefaults, vocabularyOptionsOf } from '../options/vocabulary-options.js';
import { vocabularySearchDefaults, type VocabularyOptions } from '../options/schema.js';
import { chooseAutoBatchSize, type AutoBatchChoice } from './auto-batch.js';
import { CPU_BATCH_SIZE, DEFAULT_NATIVE_STEP, DEFAULT_SKIP_FORCED, defaultWorkers } from './defaults.js';
import { addDecodeStats, emptyDecodeStats, searchStats, smallerMargins, type DecodeStats } from './stats.js';
import { WordPrior } from './prior.js';
import { describeValue } from '../util/checked.js';
import type { DecodeCallOptions, DecodedSwipe, DecoderOptions } from './decoder-types.js';
import { packFeatures } from './batch-input.js';
import { postProcessors, runPostProcessors, type PostProcessor } from './postprocess.js';
import { toRows } from './rows.js';
import { checkCallOptions, EXACT_PROGRESS_SWIPES, progressChunk, throwIfAborted } from './call-options.js';

export type { DecodeCallOptions, DecodedSwipe, DecodeProgress, DecoderOptions, ScoredStep } from './decoder-types.js';

export { EXACT_PROGRESS_SWIPES, progressChunk } from './call-options.js';

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
  /** The options of the vocabulary's use, defaults filled in (the seed's in reference mode). */
  private readonly vocabularyOptions: VocabularyOptions;
  private readonly traceSteps: boolean;
  /** The post-processors, in the order they run. */
  private readonly post: readonly PostProcessor[];

  private constructor(model: Model, options: DecoderOptions) {
    const m = model.metadata;
    this.model = model;
    this.vocabulary = options.vocabulary ?? null;
    this.reference = options.reference ?? false;
    this.vocabularyOptions = { ...(this.reference ? seedVocabularyOptions() : vocabularyDefaults()), ...vocabularyOptionsOf(options) };
    const given = options.decoding ?? { generator: 'beam' };
    const defaults = vocabularySearchDefaults(given.generator, this.vocabulary !== null, this.vocabularyOptions);
    this.decoding = resolveDecodingOptions({ ...defaults, ...given }, { nClasses: m.n_classes, maxTokenLen: m.max_token_len });
    this.tokenizer = CharTokenizer.fromTokens([...m.char_tokens]);
    checkDecoderRules(options, this.decoding);
    const bs = checkEngineValue('batchSize', options.batchSize ?? CPU_BATCH_SIZE);
    this.workers = checkEngineValue('workers', options.workers ?? defaultWorkers(model.device));
    // Older exports with another cache layout fall back to full-prefix decoding.
    this.incremental = (options.incremental ?? true) && m.incremental === true && m.kv_layout === 'heads';
    this.nativeStep = options.nativeStep ?? DEFAULT_NATIVE_STEP;
    this.skipForced = options.skipForced ?? DEFAULT_SKIP_FORCED;
    if (options.margins !== undefined && typeof options.margins !== 'boolean') throw invalidOption('margins', 'a boolean', options.margins);
    this.margins = options.margins ?? false;
    if (options.seedTies !== undefined && typeof options.seedTies !== 'boolean') throw invalidOption('seedTies', 'a boolean', options.seedTies);
    this.seedTies = options.seedTies ?? true;
    if (options.traceSteps !== undefined && typeof options.traceSteps !== 'boolean') throw invalidOption('traceSteps', 'a boolean', options.traceSteps);
    this.traceSteps = options.traceSteps ?? false;
    this.post = postProcessors(this.decoding, options.repairWords, options.prior instanceof WordPrior ? options.prior : undefined);
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

  /** The options of this decoder's native call, in three parts (search, engine, model limits). */
  private nativeOptions(): NativeDecodeOptions {
    const m = this.model.metadata;
    return {
      search: nativeSearchOptions(this.decoding, { ...this.vocabularyOptions, margins: this.margins }),
      engine: {
        batchSize: this.runBatchSize, reference: this.reference, incremental: this.incremental, nativeStep: this.nativeStep,
        skipForced: this.skipForced, seedTies: this.seedTies, traceSteps: this.traceSteps,
      },
      limits: { sos: this.tokenizer.sosId, eos: this.tokenizer.eosId, pad: this.tokenizer.padId, nClasses: m.n_classes, maxTokenLen: m.max_token_len },
    };
  }

  /** Features → search → rows, then the post-processors; the margins of the part last. */
  private async decodePart(swipes: readonly Swipe[], signal?: AbortSignal): Promise<{ rows: DecodedSwipe[]; stats: DecodeStats }> {
    const addon = native();
    const handle = this.model.nativeHandle;
    const trie = this.vocabulary?.trie ?? null;
    // Not awaited when extraction was quick: the native call then starts in this turn, holding the native objects.
    const packed = packFeatures(swipes, this.features, this.model.metadata, this.model.path);
    const batch = packed instanceof Promise ? await packed : packed;
    const call = (what: string, options: NativeDecodeOptions, trie: NativeVocabTrie | null): Promise<NativeDecodeResult> =>
      this.search(what, signal, (cancel) => addon.decodeSwipes(handle, trie, batch.traj, batch.trajShape, batch.keys, batch.keysShape, batch.lengths, options, cancel));
    const options = this.nativeOptions();
    const res = await call('Decoder.decode', options, trie);
    if (res.stats.oomSplits > 0 && res.stats.finalBatchSize > 0) this.runBatchSize = Math.min(this.runBatchSize, res.stats.finalBatchSize);
    const keep = keptCandidates(this.decoding);
    // A post-processor that cuts the lists (the prior) needs them whole.
    const rows = await toRows(res, swipes, this.tokenizer, { ranked: this.decoding.generator !== 'greedy', cutTo: this.post.some((p) => p.cuts) ? null : keep, keep });
    const stats = searchStats(res.stats);
    await runPostProcessors(this.post, rows, { swipes, tokenizer: this.tokenizer, native: options, rescore: (what, o) => call(what, o, null), stats, keep });
    for (const r of rows) {
      if (r.certified === true) stats.certified++;
      if ((r.certifiedTop ?? 0) > 0) stats.certifiedFirst++;
    }
    if (this.margins) {
      for (const r of rows) if (r.margins) stats.margins = stats.margins ? smallerMargins(stats.margins, r.margins) : { ...r.margins };
    }
    return { rows, stats };
  }
}
