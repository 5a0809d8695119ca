/**
 * The types of the native search's interface (native/binding/decode_binding.cc, dtw_baseline_binding.cc): the
 * options of one `decodeSwipes` call in three parts, its result, and the DTW baseline's input and output.
 */
import type { DecodeWork, NativeDecodeStats } from './decode/stats.js';
import type { SearchPayload } from './options/schema.js';

/** The searches the native engine runs (native/search/). */
export type NativeGenerator = 'greedy' | 'beam' | 'beam-sync' | 'exact' | 'hybrid';

/**
 * What the search does (native SearchOptions): the search options of lib/options/schema.ts by their names,
 * derived from their declarations (`returnHypotheses` of exact and hybrid as `topN`, 0 = all), and a debug
 * statistic.
 */
export type NativeSearchOptions = SearchPayload & {
  /** Debug statistic: record each swipe's search decision margins (returned in `margins`). */
  margins?: boolean;
};

/** How the engine runs the search (native EngineOptions); only `seedTies` may change a result. */
export interface NativeEngineOptions {
  /** Swipes decoded together (continuous batching). */
  batchSize: number;
  /** Batch of one and full-prefix decoding: the seed's own loop. */
  reference: boolean;
  /** Use the model's key/value-cached step when it has one. */
  incremental: boolean;
  /** Run cached CPU steps in the built-in decoder step when the model exports its weights. */
  nativeStep: boolean;
  /** Answer expansions the vocabulary forces without the model. */
  skipForced: boolean;
  /** Greedy and best-first beam: decide near ties by the seed's arithmetic (native/search/tie_referee.h). */
  seedTies?: boolean;
  /** Debug statistic: return every row the model scored (in `trace`). */
  traceSteps?: boolean;
}

/** The model's constants the search and the engine respect (native ModelLimits). */
export interface NativeModelLimits {
  sos: number;
  eos: number;
  pad: number;
  nClasses: number;
  maxTokenLen: number;
}

/**
 * Options of `decodeSwipes`, read by native/binding/decode_options_reader.cc into DecodingOptions, part by part.
 * Every option must have its type (a wrong type is a TypeError naming it, e.g. `options.engine.nativeStep`).
 */
export interface NativeDecodeOptions {
  search: NativeSearchOptions;
  engine: NativeEngineOptions;
  limits: NativeModelLimits;
  /**
   * Exact scoring without a trie only: per swipe, the words to score (unmasked). Word w is
   * `ids[wordOffsets[w] .. wordOffsets[w+1])` (token ids without `<sos>`/`<eos>`), swipe i owns words
   * `swipeOffsets[i] .. swipeOffsets[i+1]`.
   */
  wordLists?: { ids: Int32Array; wordOffsets: Int32Array; swipeOffsets: Int32Array };
}

/** Model work counted by the engine, for FLOP estimates (the public DecodeWork, field for field). */
export type NativeDecodeWork = DecodeWork;

/** Counters of one `decodeSwipes` call: the public DecodeStats without the margins and certified counts the decoder adds. */
export type { NativeDecodeStats };

/**
 * What `decodeSwipes` resolves to, flat: swipe i owns `counts[i]` candidates (in the seed's collection order,
 * unsorted), candidate j scores `scores[j]` and has the tokens `tokens[tokenOffsets[j] .. tokenOffsets[j+1])`.
 */
export interface NativeDecodeResult {
  counts: Int32Array;
  scores: Float64Array;
  tokenOffsets: Int32Array;
  tokens: Int32Array;
  stats: NativeDecodeStats;
  /** With the `margins` option: per swipe its top-k, prune and select margins, three values each. */
  margins?: Float64Array;
  /**
   * When a search gave a certificate (a vocabulary; not greedy): per swipe, how many of its candidates, best
   * first, are proven to be the vocabulary's best words in order; −1 where none was given.
   */
  certifiedTop?: Int32Array;
  /**
   * With the `traceSteps` option: swipe i owns `counts[i]` rows, in the order the model scored them; row r's
   * prefix (from `<sos>`) is `tokens[tokenOffsets[r] .. tokenOffsets[r+1])` and its log-probabilities (after the
   * vocabulary mask) are `logProbs[r·C .. (r+1)·C)`.
   */
  trace?: { counts: Int32Array; tokenOffsets: Int32Array; tokens: Int32Array; logProbs: Float32Array };
}

/** One keyboard prepared for the native DTW baseline (see native/baseline/dtw_baseline.h `DtwGrid`). */
export interface NativeDtwGrid {
  left: Int32Array;
  right: Int32Array;
  top: Int32Array;
  bottom: Int32Array;
  cx: Float64Array;
  cy: Float64Array;
  rangeBegin: Uint32Array;
  rangeEnd: Uint32Array;
  fallbackBegin: number;
  fallbackEnd: number;
  wordOffsets: Uint32Array;
  wordKeys: Uint16Array;
}

/** Input of the native `dtwBaseline` (see native/baseline/dtw_baseline.h `DtwBaselineInput`). */
export interface NativeDtwInput {
  grids: NativeDtwGrid[];
  wordRank: Uint32Array;
  curveOffsets: Uint32Array;
  xs: Int32Array;
  ys: Int32Array;
  curveGrid: Uint32Array;
  k: number;
  prune: boolean;
  threads: number;
}

/** Output of the native `dtwBaseline`: per swipe `k` slots of word index (−1: none) and distance. */
export interface NativeDtwOutput {
  words: Int32Array;
  dists: Float64Array;
  /** DTW matrix cells computed. */
  cells: number;
}

/** An opaque cancel flag shared between JS and running native searches. */
export interface NativeCancelFlag {
  readonly __nativeCancelFlag: unique symbol;
}

