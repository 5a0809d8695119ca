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

/** Zeroed counters. */
export function emptyDecodeStats(): DecodeStats {
  return {
    encodeCalls: 0, decodeCalls: 0, decodeRows: 0, modelSeconds: 0, encodeSeconds: 0, totalSeconds: 0, incremental: false, nativeStep: false, forcedSteps: 0,
    chainRows: 0, chainSteps: 0, certified: 0, certifiedFirst: 0,
    tieDecisions: 0, tieDecodeCalls: 0,
    oomSplits: 0, oomRestarts: 0, finalBatchSize: 0,
    work: { encodedPositions: 0, encoderPairs: 0, queryPositions: 0, projectedMemory: 0, selfPairs: 0, crossPairs: 0, outputRows: 0 },
  };
}

/**
 * The statistics of one native search call, with the counts only the decoder sets (margins, certified rows)
 * not yet counted.
 */
export function searchStats(native: Omit<DecodeStats, 'margins' | 'certified' | 'certifiedFirst'>): DecodeStats {
  return { ...native, certified: 0, certifiedFirst: 0 };
}

/**
 * Adds `b` into `a` (counters summed; `incremental` true when either used caches; `finalBatchSize` the
 * smaller of the two that are set).
 */
export function addDecodeStats(a: DecodeStats, b: DecodeStats): void {
  a.encodeCalls += b.encodeCalls;
  a.decodeCalls += b.decodeCalls;
  a.decodeRows += b.decodeRows;
  a.modelSeconds += b.modelSeconds;
  a.encodeSeconds += b.encodeSeconds;
  a.totalSeconds += b.totalSeconds;
  a.incremental ||= b.incremental;
  a.nativeStep ||= b.nativeStep;
  a.forcedSteps += b.forcedSteps;
  a.chainRows += b.chainRows;
  a.chainSteps += b.chainSteps;
  a.certified += b.certified;
  a.certifiedFirst += b.certifiedFirst;
  a.tieDecisions += b.tieDecisions;
  a.tieDecodeCalls += b.tieDecodeCalls;
  a.oomSplits += b.oomSplits;
  a.oomRestarts += b.oomRestarts;
  a.finalBatchSize = a.finalBatchSize === 0 ? b.finalBatchSize : b.finalBatchSize === 0 ? a.finalBatchSize : Math.min(a.finalBatchSize, b.finalBatchSize);
  for (const k of Object.keys(a.work) as (keyof DecodeWork)[]) a.work[k] += b.work[k];
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
