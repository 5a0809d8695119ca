/**
 * Generator names and their exact, validated options. Each generator accepts exactly its own options;
 * unknown keys are errors, and defaults are written out by {@link resolveDecodingOptions}, so two
 * identical predictors always have identical resolved options.
 */
import { invalidOption } from '../invalid-option.js';

/**
 * The searches: the seed's greedy, the seed's best-first beam, a level-synchronous beam, exact scoring of every
 * vocabulary word, and a hybrid of a few beam steps then exact scoring (the last two need a vocabulary).
 */
export type GeneratorName = 'greedy' | 'beam' | 'beam-sync' | 'exact' | 'hybrid';

/** Every {@link GeneratorName}. */
export const GENERATOR_NAMES: readonly GeneratorName[] = Object.freeze(['greedy', 'beam', 'beam-sync', 'exact', 'hybrid']);

/**
 * How a vocabulary restricts the log-probabilities the searches read: `'model'` keeps the model's own
 * log-probability of every allowed token, `'seed'` renormalises each step over the allowed tokens (the seed's
 * `use_vocab_for_generation`). See docs/SEARCH.md, "Vocabulary scoring".
 */
export type VocabScoring = 'model' | 'seed';

/** Every {@link VocabScoring}. */
export const VOCAB_SCORINGS: readonly VocabScoring[] = Object.freeze(['model', 'seed']);

/** Options of `greedy` (docs/SEED.md §6.3). */
export interface GreedyOptions {
  generator: 'greedy';
  /** Most tokens generated, `<eos>` included. Default 35; at most the model's `max_token_len`. */
  maxSteps: number;
}

/**
 * The word-frequency prior, off unless `priorWeight` is given: each candidate's score becomes
 * `score − priorWeight·log p(word) + priorLength·length(word)` (lower is better; lib/decode/prior.ts), the list is
 * sorted again and then cut to `returnHypotheses` (the beams rerank every finished hypothesis; `exact` and
 * `hybrid` keep their best `returnHypotheses` words by model score, and those are reranked). The frequencies are the decoder's `prior`
 * (`DecoderOptions.prior`). Present in the resolved options only when set.
 */
export interface PriorOptions {
  /** λ, the weight of −log p(word). Finite, ≥ 0. */
  priorWeight?: number;
  /** With `priorWeight`: μ, added per character of the word. Finite. Default 0. */
  priorLength?: number;
}

/** Options of `beam` (docs/SEED.md §6.4) and `beam-sync`. */
export interface BeamOptions extends PriorOptions {
  generator: 'beam' | 'beam-sync';
  /** Expansions per step and partial hypotheses kept. Default 6; 1..n_classes. */
  beamSize: number;
  /** Length normalisation exponent: score = −Σ log p / len^nf. Default 0.5; finite, ≥ 0. */
  normalizationFactor: number;
  /** Most tokens generated, `<eos>` included. Default 35; at most the model's `max_token_len`. */
  maxSteps: number;
  /**
   * Candidates returned per swipe (best first); `null` = all. Default `null` (the seed's; the `decode` and
   * `serve` commands keep 7 without a vocabulary; a config names it).
   */
  returnHypotheses: number | null;
  /**
   * Pruning threshold, off unless given: a token whose log-probability is at or below this floor is never
   * expanded (the seed skips only impossible tokens). Finite, ≤ 0. Present in the resolved options only when set.
   */
  tokenLogProbFloor?: number;
  /**
   * Pruning threshold, off unless given: a hypothesis (partial or final) whose score is above this ceiling is
   * dropped. Finite, ≥ 0. Present in the resolved options only when set.
   */
  scoreCeiling?: number;
  /**
   * Post-processing, off unless given: `'levenshtein'` replaces each candidate that is not a vocabulary word by
   * the vocabulary words within {@link BeamOptions.repairDistance} edits, rescored by the model (for a search
   * without the vocabulary; the decoder needs the word list, `repairWords`). Present only when set.
   */
  repair?: 'levenshtein';
  /** With `repair`: the largest edit distance (1..3). Default 1. */
  repairDistance?: number;
  /** With `repair`: most vocabulary words rescored per swipe (1..1000). Default 8. */
  repairRescore?: number;
}

/** Options a generator takes without requiring them: off when absent, and then absent from the resolved options. */
export const OPTIONAL_DECODING_OPTIONS: { readonly [G in GeneratorName]: readonly string[] } = {
  greedy: [],
  beam: ['tokenLogProbFloor', 'scoreCeiling', 'repair', 'repairDistance', 'repairRescore', 'priorWeight', 'priorLength'],
  'beam-sync': ['tokenLogProbFloor', 'scoreCeiling', 'repair', 'repairDistance', 'repairRescore', 'priorWeight', 'priorLength'],
  exact: ['priorWeight', 'priorLength'],
  hybrid: ['priorWeight', 'priorLength'],
};

/**
 * Options of `exact`: the model scores every word of the vocabulary (teacher-forced, shared prefixes computed
 * once) with the beams' length-normalised score, and the best `returnHypotheses` are returned. The upper bound
 * of any search with the same model and vocabulary.
 */
export interface ExactOptions extends PriorOptions {
  generator: 'exact';
  /** Length normalisation exponent: score = −Σ log p / len^nf, as the beams. Default 0.5; finite, ≥ 0. */
  normalizationFactor: number;
  /** Most tokens per word, `<eos>` included: longer words are not scored. Default 35; at most `max_token_len`. */
  maxSteps: number;
  /** Best words returned per swipe; `null` = every vocabulary word. Default 6. */
  returnHypotheses: number | null;
}

/**
 * Options of `hybrid`: a level-synchronous beam over the vocabulary for the first `hybridSteps` steps, then
 * exact scoring of every vocabulary word under the prefixes the beam kept; the best `returnHypotheses` of
 * those words and of the words the beam finished are returned. 0 steps is `exact`.
 */
export interface HybridOptions extends PriorOptions {
  generator: 'hybrid';
  /** Prefixes the beam keeps per step. Default 6; 1..n_classes. */
  beamSize: number;
  /** Beam steps before exact scoring. Default 3; 0..maxSteps. */
  hybridSteps: number;
  /** Length normalisation exponent, as the beams. Default 0.5; finite, ≥ 0. */
  normalizationFactor: number;
  /** Most tokens per word, `<eos>` included. Default 35; at most `max_token_len`. */
  maxSteps: number;
  /** Best words returned per swipe; `null` = every word scored. Default 6. */
  returnHypotheses: number | null;
}

/** Options of one generator, defaults filled in. */
export type DecodingOptions = GreedyOptions | BeamOptions | ExactOptions | HybridOptions;

/**
 * Options of one generator as a caller writes them: `generator` names the search, the other options of
 * that search may be left out (defaults in {@link DECODING_DEFAULTS}); options of another search do not
 * type-check.
 */
export type DecodingInput =
  | ({ generator: 'greedy' } & Partial<Omit<GreedyOptions, 'generator'>>)
  | ({ generator: 'beam' | 'beam-sync' } & Partial<Omit<BeamOptions, 'generator'>>)
  | ({ generator: 'exact' } & Partial<Omit<ExactOptions, 'generator'>>)
  | ({ generator: 'hybrid' } & Partial<Omit<HybridOptions, 'generator'>>);

/** The options type of generator `G`. */
export type GeneratorOptions<G extends GeneratorName> = G extends 'greedy' ? GreedyOptions : G extends 'exact' ? ExactOptions : G extends 'hybrid' ? HybridOptions : BeamOptions;

/** The defaults of each generator's options. */
export const DECODING_DEFAULTS: { readonly [G in GeneratorName]: Readonly<Omit<GeneratorOptions<G>, 'generator'>> } = {
  greedy: { maxSteps: 35 },
  beam: { beamSize: 6, normalizationFactor: 0.5, maxSteps: 35, returnHypotheses: null },
  'beam-sync': { beamSize: 6, normalizationFactor: 0.5, maxSteps: 35, returnHypotheses: null },
  exact: { normalizationFactor: 0.5, maxSteps: 35, returnHypotheses: 6 },
  hybrid: { beamSize: 6, hybridSteps: 3, normalizationFactor: 0.5, maxSteps: 35, returnHypotheses: 6 },
};

/**
 * Candidates a beam search keeps per swipe when it runs without a vocabulary, no repair, and no
 * `returnHypotheses` is given: the seed's Yandex Cup submission keeps 7 for its vocabulary-free beams
 * (configs/yandex-cup.json), enough for the 4 words the metric scores after the aggregation drops
 * non-vocabulary words. Every finished hypothesis would be hundreds of mostly non-words per swipe (16.5 MB
 * of predictions for 1,000 swipes). With a vocabulary the beams keep all: they finish few words.
 */
export const NO_VOCAB_RETURN_HYPOTHESES = 7;

/**
 * `input` with the vocabulary-free default of `returnHypotheses` ({@link NO_VOCAB_RETURN_HYPOTHESES}) filled
 * in when it applies: a beam search (`beam`, `beam-sync`) without a vocabulary or repair that leaves
 * `returnHypotheses` out. Anything else is returned as it is.
 */
export function withNoVocabularyDefault<T extends { generator: string }>(input: T, hasVocabulary: boolean): T {
  if (hasVocabulary || (input.generator !== 'beam' && input.generator !== 'beam-sync')) return input;
  const given = input as { returnHypotheses?: unknown; repair?: unknown };
  if (given.returnHypotheses !== undefined || (given.repair !== undefined && given.repair !== null)) return input;
  return { ...input, returnHypotheses: NO_VOCAB_RETURN_HYPOTHESES };
}

/** Model limits the options are checked against. */
export interface DecodingLimits {
  /** Decoder output size. */
  nClasses: number;
  /** Longest token prefix the decoder accepts (`<sos>` included). */
  maxTokenLen: number;
}

/** Reads the optional prior weights of `input` into `out` (both written when `priorWeight` is set). */
function resolvePrior<T extends PriorOptions>(input: { [k: string]: unknown }, out: T): T {
  const w = input.priorWeight;
  if (w !== undefined && w !== null) {
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) throw invalidOption('decoding.priorWeight', 'a finite number ≥ 0', w);
    const l = input.priorLength ?? 0;
    if (typeof l !== 'number' || !Number.isFinite(l)) throw invalidOption('decoding.priorLength', 'a finite number', l);
    out.priorWeight = w;
    out.priorLength = l;
  } else if (input.priorLength !== undefined && input.priorLength !== null) {
    throw new TypeError('decoding.priorLength: applies only with decoding.priorWeight (the word-frequency prior)');
  }
  return out;
}

function intIn(path: string, v: unknown, lo: number, hi: number): number {
  if (typeof v !== 'number') throw invalidOption(path, `an integer in ${lo}..${hi}`, v);
  if (!Number.isInteger(v) || v < lo || v > hi) throw invalidOption(path, `an integer in ${lo}..${hi}`, v);
  return v;
}

/**
 * Checks a generator's options and fills in its defaults.
 * @param input - `{ generator, ...options }`; keys not accepted by that generator are errors
 * @param limits - the model's limits (defaults: 35 classes, 35 positions)
 * @throws TypeError for a wrong type or unknown key, RangeError for a value out of range; the message names
 *   `decoding.<option>`
 */
export function resolveDecodingOptions(input: { generator: string; [k: string]: unknown }, limits: DecodingLimits = { nClasses: 35, maxTokenLen: 35 }): DecodingOptions {
  if (typeof input !== 'object' || input === null) throw invalidOption('decoding', 'an object', input);
  const generator = input.generator;
  if (!GENERATOR_NAMES.includes(generator as GeneratorName)) throw invalidOption('decoding.generator', GENERATOR_NAMES.join(' | '), generator);
  const g = generator as GeneratorName;
  const defaults = DECODING_DEFAULTS[g] as Record<string, unknown>;
  const optional = OPTIONAL_DECODING_OPTIONS[g];
  for (const key of Object.keys(input)) {
    if (key !== 'generator' && !(key in defaults) && !optional.includes(key)) {
      throw new TypeError(`decoding.${key}: not an option of generator ${g} (its options: ${[...Object.keys(defaults), ...optional].join(', ')})`);
    }
  }
  const get = (k: string): unknown => (input[k] === undefined ? defaults[k] : input[k]);
  const maxSteps = intIn('decoding.maxSteps', get('maxSteps'), 1, limits.maxTokenLen);
  if (g === 'greedy') return { generator: 'greedy', maxSteps };
  const nf = get('normalizationFactor');
  if (typeof nf !== 'number' || !Number.isFinite(nf) || nf < 0) throw invalidOption('decoding.normalizationFactor', 'a finite number ≥ 0', nf);
  const rh = get('returnHypotheses');
  if (g === 'exact' || g === 'hybrid') {
    // The native side keeps the best N in an int32.
    const returnHypotheses = rh === null ? null : intIn('decoding.returnHypotheses', rh, 1, 2 ** 31 - 1);
    if (g === 'exact') return resolvePrior<ExactOptions>(input, { generator: 'exact', normalizationFactor: nf, maxSteps, returnHypotheses });
    const beamSize = intIn('decoding.beamSize', get('beamSize'), 1, limits.nClasses);
    const hybridSteps = intIn('decoding.hybridSteps', get('hybridSteps'), 0, maxSteps);
    return resolvePrior<HybridOptions>(input, { generator: 'hybrid', beamSize, hybridSteps, normalizationFactor: nf, maxSteps, returnHypotheses });
  }
  const returnHypotheses = rh === null ? null : intIn('decoding.returnHypotheses', rh, 1, Number.MAX_SAFE_INTEGER);
  const beamSize = intIn('decoding.beamSize', get('beamSize'), 1, limits.nClasses);
  const out: BeamOptions = { generator: g, beamSize, normalizationFactor: nf, maxSteps, returnHypotheses };
  const floor = input.tokenLogProbFloor;
  if (floor !== undefined && floor !== null) {
    if (typeof floor !== 'number' || !Number.isFinite(floor) || floor > 0) throw invalidOption('decoding.tokenLogProbFloor', 'a finite number ≤ 0 (a log-probability)', floor);
    out.tokenLogProbFloor = floor;
  }
  const ceiling = input.scoreCeiling;
  if (ceiling !== undefined && ceiling !== null) {
    if (typeof ceiling !== 'number' || !Number.isFinite(ceiling) || ceiling < 0) throw invalidOption('decoding.scoreCeiling', 'a finite number ≥ 0', ceiling);
    out.scoreCeiling = ceiling;
  }
  const repair = input.repair;
  if (repair !== undefined && repair !== null) {
    if (repair !== 'levenshtein') throw invalidOption('decoding.repair', "'levenshtein' or null", repair);
    out.repair = repair;
    out.repairDistance = intIn('decoding.repairDistance', input.repairDistance ?? 1, 1, 3);
    out.repairRescore = intIn('decoding.repairRescore', input.repairRescore ?? 8, 1, 1000);
  } else {
    for (const k of ['repairDistance', 'repairRescore']) {
      if (input[k] !== undefined && input[k] !== null) throw new TypeError(`decoding.${k}: applies only with decoding.repair ('levenshtein')`);
    }
  }
  return resolvePrior(input, out);
}
