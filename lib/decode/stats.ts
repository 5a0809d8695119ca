/** Counters of one `Decoder.decode` call: the native searches' counters, summed over searches and workers. */
export interface DecodeStats {
  encodeCalls: number;
  decodeCalls: number;
  decodeRows: number;
  /** Seconds spent inside the model's encode/decode calls. */
  modelSeconds: number;
  /** Of `modelSeconds`: encoding the swipes (`encode`, and `memory_kv` with caches). */
  encodeSeconds: number;
  /** Seconds of the whole native search. */
  totalSeconds: number;
  /** Whether key/value caches were used. */
  incremental: boolean;
  /** Whether the steps ran in the built-in CPU decoder step (see `DecoderOptions.nativeStep`). */
  nativeStep: boolean;
  /** Expansions answered without the model (see `DecoderOptions.skipForced`). */
  forcedSteps: number;
  /**
   * Rows scored ahead in forced chains, included in `decodeRows`: under `vocabScoring: 'model'`, the prefixes the
   * vocabulary forces after a requested one (one allowed letter, then the next, …), scored in the same model call
   * (built-in CPU step and full-prefix decoding; see `DecoderOptions.skipForced`).
   */
  chainRows: number;
  /** Expansions answered by such a chain row, scored in an earlier call, instead of by a new model call. */
  chainSteps: number;
  /**
   * Swipes whose returned candidates are certified to be the vocabulary's best words in order
   * ({@link DecodedSwipe.certified}).
   */
  certified: number;
  /** Swipes whose first candidate is certified to be the vocabulary's best word ({@link DecodedSwipe.certifiedTop}). */
  certifiedFirst: number;
  /** Near ties decided by the seed's arithmetic (see `DecoderOptions.seedTies`). */
  tieDecisions: number;
  /** Full-prefix `decode` calls those decisions made. */
  tieDecodeCalls: number;
  /**
   * Times a search halved its batch because a model call ran out of memory (the swipes in flight were
   * decoded again from scratch, with the same results). Summed over searches.
   */
  oomSplits: number;
  /** Swipes whose decoding started over after such a split (they were in flight or encoded). */
  oomRestarts: number;
  /** The batch size the searches ended with (the smallest, over searches); 0 when nothing was decoded. */
  finalBatchSize: number;
  /** Work computed (padding included), for FLOP estimates: see `estimateFlops` (lib/decode/flops.ts). */
  work: DecodeWork;
  /** The smallest of every swipe's {@link SearchMargins} (only with `DecoderOptions.margins`). */
  margins?: SearchMargins;
}

/** Positions and attention pairs the model computed during a decode. */
export interface DecodeWork {
  encodedPositions: number;
  encoderPairs: number;
  queryPositions: number;
  projectedMemory: number;
  selfPairs: number;
  crossPairs: number;
  outputRows: number;
}

/**
 * How `addDecodeStats` merges a counter: `sum` adds, `any` is true when either is (a flag), `smallest` keeps
 * the smaller of the two that are set (0 = not set).
 */
type Merge = 'sum' | 'any' | 'smallest';

/**
 * Every counter of {@link DecodeStats} but `work` and `margins`, in order, with how it merges: the one list the
 * zero value, the sum and the native field names derive from. The engine's counters are those of
 * native/common/decode_stats.h (NEUROSWIPE_DECODE_COUNTERS), in the same order; test/native/options.test.ts
 * checks that a real decode returns exactly these.
 */
export const DECODE_COUNTERS = {
  encodeCalls: 'sum',
  decodeCalls: 'sum',
  decodeRows: 'sum',
  modelSeconds: 'sum',
  encodeSeconds: 'sum',
  totalSeconds: 'sum',
  incremental: 'any',
  nativeStep: 'any',
  forcedSteps: 'sum',
  chainRows: 'sum',
  chainSteps: 'sum',
  certified: 'sum',
  certifiedFirst: 'sum',
  tieDecisions: 'sum',
  tieDecodeCalls: 'sum',
  oomSplits: 'sum',
  oomRestarts: 'sum',
  finalBatchSize: 'smallest',
} as const satisfies Record<string, Merge>;

/** The counters the decoder counts itself, from the rows it returns; the engine does not count them. */
export const DECODER_COUNTERS = ['certified', 'certifiedFirst'] as const satisfies readonly (keyof typeof DECODE_COUNTERS)[];

/** The fields of {@link DecodeWork}, in the engine's order (NEUROSWIPE_DECODE_WORK in native/common/decode_stats.h). */
export const DECODE_WORK_FIELDS = ['encodedPositions', 'encoderPairs', 'queryPositions', 'projectedMemory', 'selfPairs', 'crossPairs', 'outputRows'] as const;

type Counter = keyof typeof DECODE_COUNTERS;
/** The counters' types as the list gives them: a flag is a boolean, every other counter a number. */
type CountersOf<M extends Record<string, Merge>> = { -readonly [K in keyof M]: M[K] extends 'any' ? boolean : number };
/** True when A and B are the same type. */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** Compiles only when its argument is `true`. */
type Assert<T extends true> = T;
/** Compiles only when the documented interfaces and the lists above name the same fields with the same types. */
export type DecodeStatsMatchLists = [
  Assert<Same<Omit<DecodeStats, 'work' | 'margins'>, CountersOf<typeof DECODE_COUNTERS>>>,
  Assert<Same<DecodeWork, Record<(typeof DECODE_WORK_FIELDS)[number], number>>>,
];

/** The statistics one native search call returns: {@link DecodeStats} without what only the decoder sets. */
export type NativeDecodeStats = Omit<DecodeStats, 'margins' | (typeof DECODER_COUNTERS)[number]>;

/** The top-level keys of a native call's statistics, in the engine's order: its counters, then `work`. */
export const NATIVE_STATS_KEYS: readonly string[] = [...(Object.keys(DECODE_COUNTERS) as Counter[]).filter((k) => !(DECODER_COUNTERS as readonly Counter[]).includes(k)), 'work'];

/** Zeroed counters. */
export function emptyDecodeStats(): DecodeStats {
  const counters = Object.fromEntries(Object.entries(DECODE_COUNTERS).map(([k, merge]) => [k, merge === 'any' ? false : 0]));
  const work = Object.fromEntries(DECODE_WORK_FIELDS.map((k) => [k, 0]));
  return { ...counters, work } as unknown as DecodeStats;
}

/**
 * The statistics of one native search call, with the counts only the decoder sets (margins, certified rows)
 * not yet counted.
 */
export function searchStats(native: NativeDecodeStats): DecodeStats {
  return { ...native, certified: 0, certifiedFirst: 0 };
}

/**
 * Adds `b` into `a`, each counter as {@link DECODE_COUNTERS} says (counters summed; `incremental` true when
 * either used caches; `finalBatchSize` the smaller of the two that are set); margins the smaller of each kind.
 */
export function addDecodeStats(a: DecodeStats, b: DecodeStats): void {
  const to = a as unknown as Record<Counter, number | boolean>;
  const from = b as unknown as Record<Counter, number | boolean>;
  for (const [k, merge] of Object.entries(DECODE_COUNTERS) as [Counter, Merge][]) {
    const x = to[k], y = from[k];
    if (merge === 'any') to[k] = x === true || y === true;
    else if (merge === 'sum') to[k] = Number(x) + Number(y);
    else to[k] = x === 0 ? y : y === 0 ? x : Math.min(Number(x), Number(y));
  }
  for (const k of DECODE_WORK_FIELDS) a.work[k] += b.work[k];
  if (b.margins) a.margins = a.margins ? smallerMargins(a.margins, b.margins) : { ...b.margins };
}

/**
 * How close a swipe's search came to deciding otherwise, measured by the engine on its own search: the
 * smallest gap at each kind of decision (`Infinity` where the search never made one with two finite sides).
 * Logits that differ by less than these gaps (e.g. two exact implementations of one model step, a few ulp
 * apart) cannot change the search's path, so a swipe with all margins above about 1e-4 decodes identically;
 * a difference below them is a near tie, not a bug.
 */
export interface SearchMargins {
  /**
   * Log-probability gap at the top-k cut: the last expansion taken minus the best one left out, over every
   * expansion (greedy: the best minus the second best).
   */
  topK: number;
  /** Score gap between the last partial kept and the first one dropped when the partials were cut to the beam. */
  prune: number;
  /** Score gap between the partial expanded next and the runner-up (best-first `beam`; `Infinity` otherwise). */
  select: number;
}

/** The smaller gap of each kind. */
export function smallerMargins(a: SearchMargins, b: SearchMargins): SearchMargins {
  return { topK: Math.min(a.topK, b.topK), prune: Math.min(a.prune, b.prune), select: Math.min(a.select, b.select) };
}

/** The smallest of a swipe's three margins. */
export function smallestMargin(m: SearchMargins): number {
  return Math.min(m.topK, m.prune, m.select);
}
