/**
 * Decodes swipes into ranked candidate words with a model: features in TypeScript, then the batched search
 * in the native addon (one crossing per batch of swipes).
 */
import { FeatureExtractor } from '../features/extractor.js';
import { TRANSFORM_NAMES, type TransformName, type TransformSpec } from '../features/types.js';
import type { Swipe } from '../data/dataset.js';
import type { GridMap } from '../keyboard/grid.js';
import { loadGrids } from '../keyboard/grid.js';
import { type Model, withJsStack } from '../model/model.js';
import { native } from '../native.js';
import { CharTokenizer } from '../tokenizer.js';
import { resolveDecodingOptions, type DecodingInput, type DecodingOptions } from './decoding.js';
import type { Vocabulary } from '../vocabulary.js';
import { invalidOption } from '../invalid-option.js';
import { chooseAutoBatchSize, type AutoBatchChoice } from './auto-batch.js';
import { addDecodeStats, emptyDecodeStats, type DecodeStats } from './stats.js';
import { at } from '../util/checked.js';
import { compareCodePoints } from '../util/code-points.js';

/** One decoded swipe: candidates `[score, word]`, lower score is better, in the seed's order. */
export interface DecodedSwipe {
  /** 0-based line index of the swipe in its file. */
  index: number;
  /** The swipe's grid. */
  gridName: string;
  /** `[score, word]` pairs. */
  candidates: [number, string][];
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
   * per-step batches keep the cached keys/values in the processor cache. Default 1. Counters in the
   * returned stats are summed over workers.
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
}

interface NativeDecodeResult {
  counts: Int32Array;
  scores: Float64Array;
  tokenOffsets: Int32Array;
  tokens: Int32Array;
  stats: DecodeStats;
}

type DecodeSwipesFn = (
  model: unknown, trie: unknown, traj: Float32Array, trajShape: number[], keys: Int32Array | Float32Array,
  keysShape: number[], lengths: Int32Array, options: Record<string, unknown>,
) => Promise<NativeDecodeResult>;

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

  private constructor(model: Model, options: DecoderOptions) {
    const m = model.metadata;
    this.model = model;
    this.decoding = resolveDecodingOptions(options.decoding ?? { generator: 'beam' }, { nClasses: m.n_classes, maxTokenLen: m.max_token_len });
    this.tokenizer = CharTokenizer.fromTokens([...m.char_tokens]);
    this.vocabulary = options.vocabulary ?? null;
    const bs = options.batchSize ?? 16;
    if (bs !== 'auto' && (!Number.isInteger(bs) || bs < 1)) throw invalidOption('batchSize', "an integer ≥ 1 or 'auto'", bs);
    const workers = options.workers ?? 1;
    if (!Number.isInteger(workers) || workers < 1 || workers > 64) throw invalidOption('workers', 'an integer in 1..64', workers);
    this.workers = workers;
    this.reference = options.reference ?? false;
    // Older exports with another cache layout fall back to full-prefix decoding.
    this.incremental = (options.incremental ?? true) && m.incremental === true && m.kv_layout === 'heads';
    this.nativeStep = options.nativeStep ?? true;
    this.skipForced = options.skipForced ?? true;
    this.autoBatch = bs === 'auto'
      ? chooseAutoBatchSize(model.device, {
        metadata: m, decoding: this.decoding, incremental: this.incremental && !this.reference, bytesPerElement: model.precision === 'float32' ? 4 : 2,
      })
      : null;
    this.batchSize = this.autoBatch ? this.autoBatch.batchSize : (bs as number);
    this.runBatchSize = this.batchSize;
    this.features = new FeatureExtractor(options.grids ?? loadGrids(), transformSpecOf(model, options.seedCompatibleFeatures ?? false));
  }

  /**
   * @throws TypeError/RangeError naming the option for bad options (e.g. `decoding.maxSteps` above the
   *   model's limit, `decoding.beamSize` < 1)
   */
  static async create(model: Model, options: DecoderOptions = {}): Promise<Decoder> {
    return new Decoder(model, options);
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
   * @throws RangeError naming the swipe when it is longer than the model's positional table
   */
  async decode(swipes: readonly Swipe[]): Promise<{ rows: DecodedSwipe[]; stats: DecodeStats }> {
    const parts = Math.min(this.workers, Math.max(1, Math.floor(swipes.length / this.batchSize)));
    if (parts <= 1) return this.decodePart(swipes);
    // Independent searches, each on its own libuv thread, pull contiguous chunks from a shared queue, so a
    // worker that drew cheap swipes takes more chunks; results keep input order. Chunks are several batches
    // long, so each search keeps its slots full most of the time.
    const chunk = Math.min(Math.ceil(swipes.length / parts), Math.max(this.batchSize * 8, Math.ceil(swipes.length / (parts * 4))));
    const chunks = Math.ceil(swipes.length / chunk);
    const results = new Array<{ rows: DecodedSwipe[]; stats: DecodeStats }>(chunks);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < chunks) {
        const c = next++;
        results[c] = await this.decodePart(swipes.slice(c * chunk, (c + 1) * chunk));
      }
    };
    await Promise.all(Array.from({ length: parts }, worker));
    const stats = emptyDecodeStats();
    for (const r of results) addDecodeStats(stats, r.stats);
    return { rows: results.flatMap((r) => r.rows), stats };
  }

  private async decodePart(swipes: readonly Swipe[]): Promise<{ rows: DecodedSwipe[]; stats: DecodeStats }> {
    const m = this.model.metadata;
    const feats = swipes.map((s) => {
      if (s.x.length > m.max_curve_len) {
        throw new RangeError(`swipe ${s.index}: ${s.x.length} points, but the model accepts at most ${m.max_curve_len} (max_curve_len)`);
      }
      return this.features.extract(s);
    });
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
    const opts: Record<string, unknown> = {
      generator: d.generator,
      maxSteps: d.maxSteps,
      batchSize: this.runBatchSize,
      reference: this.reference,
      incremental: this.incremental,
      nativeStep: this.nativeStep,
      skipForced: this.skipForced,
      sos: this.tokenizer.sosId,
      eos: this.tokenizer.eosId,
      pad: this.tokenizer.padId,
      nClasses: m.n_classes,
      maxTokenLen: m.max_token_len,
    };
    if (d.generator !== 'greedy') {
      opts.beamSize = d.beamSize;
      opts.normalizationFactor = d.normalizationFactor;
    }
    const decodeSwipes = native().decodeSwipes as DecodeSwipesFn;
    const handle = this.model.nativeHandle;
    const res = await withJsStack('Decoder.decode', () =>
      decodeSwipes(handle, this.vocabulary?.trie ?? null, traj, [total, f], keys, keyCols === 0 ? [total] : [total, keyCols], lengths, opts),
    );
    if (res.stats.oomSplits > 0 && res.stats.finalBatchSize > 0) this.runBatchSize = Math.min(this.runBatchSize, res.stats.finalBatchSize);
    const rows: DecodedSwipe[] = [];
    let j = 0;
    swipes.forEach((s, i) => {
      const cands: [number, string][] = [];
      for (let c = 0; c < at(res.counts, i); c++, j++) {
        cands.push([at(res.scores, j), this.tokenizer.decode(res.tokens.subarray(at(res.tokenOffsets, j), at(res.tokenOffsets, j + 1)))]);
      }
      if (d.generator !== 'greedy') {
        cands.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : compareCodePoints(a[1], b[1])));
        if (d.returnHypotheses !== null && cands.length > d.returnHypotheses) cands.length = d.returnHypotheses;
      }
      rows.push({ index: s.index, gridName: s.gridName, candidates: cands });
    });
    return { rows, stats: res.stats };
  }
}
