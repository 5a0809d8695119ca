/**
 * The one declaration of every search and post-processing option: its name, its seed (snake_case) name,
 * its CLI flag, its group, the generators it applies to, its type and range, its default and its help line.
 * Validation (lib/options/resolve.ts), both config namings (lib/config/generator-options.ts), the CLI flags
 * (lib/options/cli.ts), the server's request merge (lib/serve/request.ts) and the native payload
 * (lib/options/native-payload.ts) are derived from {@link DECODING_OPTIONS}; the cross-option rules are
 * declared once in lib/options/rules.ts.
 */

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

/** Every generator. */
const ALL = ['greedy', 'beam', 'beam-sync', 'exact', 'hybrid'] as const;
/** The searches that rank several candidates. */
const RANKED = ['beam', 'beam-sync', 'exact', 'hybrid'] as const;
/** The two beam searches (the seed's best-first beam and the level-synchronous one). */
const BEAMS = ['beam', 'beam-sync'] as const;
/** The searches that score the vocabulary's words themselves. */
const VOCABULARY_SCORERS = ['exact', 'hybrid'] as const;

/**
 * Vocabulary scoring when none is named (library, `decode`, `serve`, `predict` with a neuroswipe config):
 * `'model'`, words ranked by the model's own probability (docs/SEARCH.md, "Vocabulary scoring": on four
 * synthetic sets and two trained models it raises Swipe MRR by 0.1–0.25 over the seed's renormalised mask at
 * 1.3–2× its cost). Seed-format configs, `reproduce` and reference mode always use `'seed'`
 * (lib/options/rules.ts), so the Yandex Cup reproduction and the seed parity are unchanged.
 */
export const DEFAULT_VOCAB_SCORING: VocabScoring = 'model';

/**
 * Candidates a beam search keeps per swipe when it runs without a vocabulary, no repair, and no
 * `returnHypotheses` is given: the seed's Yandex Cup submission keeps 7 for its vocabulary-free beams
 * (configs/yandex-cup.json), enough for the 4 words the metric scores after the aggregation drops
 * non-vocabulary words. Every finished hypothesis would be hundreds of mostly non-words per swipe (16.5 MB
 * of predictions for 1,000 swipes). With a vocabulary the beams keep all: they finish few words.
 */
export const NO_VOCAB_RETURN_HYPOTHESES = 7;

/** Model limits the options are checked against. */
export interface DecodingLimits {
  /** Decoder output size. */
  nClasses: number;
  /** Longest token prefix the decoder accepts (`<sos>` included). */
  maxTokenLen: number;
}

/** What an upper bound may depend on: the model's limits, the generator and the options resolved so far. */
export interface BoundContext {
  limits: DecodingLimits;
  generator: GeneratorName;
  resolved: Readonly<Record<string, unknown>>;
}

/** The values an option takes. */
export type OptionValue =
  | { kind: 'int'; min: number; max: number | ((c: BoundContext) => number); nullable?: boolean }
  | { kind: 'number'; min?: number; max?: number; expected: string }
  | { kind: 'enum'; values: readonly string[]; expected: string };

/** Which part of the decoder reads an option: the native search, or a post-processor of its candidates. */
export type OptionGroup = 'search' | 'postprocess';

/** One option, declared once. */
export interface OptionSpec {
  /** camelCase name: library `decoding.<name>`, neuroswipe configs, serve requests, the native payload. */
  readonly name: string;
  /** snake_case name: the seed's `generator_call_kwargs`, prediction metadata, serve requests. */
  readonly seed: string;
  /** CLI flag with its value placeholder. */
  readonly flag: string;
  readonly group: OptionGroup;
  /**
   * Where the option is carried: `'decoding'`, with the generator's own options (`decoding.<name>`, the seed's
   * `generator_call_kwargs`); `'vocabulary'`, next to the use of the vocabulary (`DecoderOptions.<name>`, a
   * neuroswipe config's `predict.<name>`, a prediction's `predictor.<seed>`), applying only with it.
   */
  readonly scope: 'decoding' | 'vocabulary';
  /** Generators the option applies to; any other generator refuses it. */
  readonly generators: readonly GeneratorName[];
  readonly value: OptionValue;
  /**
   * Default per generator; `undefined` = the option is off unless given (then absent from the resolved
   * options). Options with a default are written out in resolved options and required in configs.
   */
  readonly default?: (g: GeneratorName) => unknown;
  /** The option applies only with this other option set (then its default is {@link OptionSpec.withDefault}). */
  readonly with?: { option: string; note: string };
  /** Default when {@link OptionSpec.with} is set and this option is not given; none: the option stays off unless given. */
  readonly withDefault?: unknown;
  /** A server's request may set it. */
  readonly request?: boolean;
  /** The server's upper limit of the option: its member of the server's request limits and its flag. */
  readonly requestLimit?: { name: string; flag: string };
  /** Part of the predictor identity only when it differs from this value (older predictions lack it). */
  readonly identityUnless?: unknown;
  /** The value the seed's own paths use (seed-format configs, `reproduce`, reference mode). */
  readonly seedValue?: unknown;
  /**
   * The option's member in the native payload when it is not its name: `name`, for `generators` only, with
   * `absent` where the option is null or not given (`returnHypotheses` of the vocabulary scorers is `topN`).
   */
  readonly native?: { name: string; generators: readonly GeneratorName[]; absent: unknown };
  /** Help line. */
  readonly doc: string;
}

const finiteAtLeast0 = { kind: 'number', min: 0, expected: 'a finite number ≥ 0' } as const;

/** The declarations, with their literal types (the option types below are derived from them). */
const DECLARED = [
  {
    name: 'maxSteps', seed: 'max_steps_n', flag: '--max-steps <n>', group: 'search', scope: 'decoding', generators: ALL, request: true,
    value: { kind: 'int', min: 1, max: (c: BoundContext) => c.limits.maxTokenLen }, default: () => 35,
    doc: 'most tokens generated, <eos> included',
  },
  {
    name: 'returnHypotheses', seed: 'return_hypotheses_n', flag: '--return-hypotheses <n>', group: 'search', scope: 'decoding', generators: RANKED, request: true,
    // The native side keeps exact's best N in an int32.
    value: { kind: 'int', min: 1, max: (c: BoundContext) => (c.generator === 'exact' || c.generator === 'hybrid' ? 2 ** 31 - 1 : Number.MAX_SAFE_INTEGER), nullable: true },
    default: (g: GeneratorName) => (g === 'exact' || g === 'hybrid' ? 6 : null),
    // The native search keeps the vocabulary scorers' best N itself (0 = all); the beams' lists are cut in
    // TypeScript, where the post-processors may need them whole.
    native: { name: 'topN', generators: VOCABULARY_SCORERS, absent: 0 },
    doc: `candidates kept per swipe (default: all with --use-vocab; ${NO_VOCAB_RETURN_HYPOTHESES} without, as the seed's submission, unless --repair: every finished hypothesis would be hundreds of non-words; exact, hybrid: best words kept, default 6)`,
  },
  {
    name: 'beamSize', seed: 'beamsize', flag: '--beam-size <n>', group: 'search', scope: 'decoding', generators: ['beam', 'beam-sync', 'hybrid'], request: true,
    requestLimit: { name: 'maxBeamSize', flag: '--max-beam-size' },
    value: { kind: 'int', min: 1, max: (c: BoundContext) => c.limits.nClasses }, default: () => 6,
    doc: 'expansions per step and partial hypotheses kept',
  },
  {
    name: 'normalizationFactor', seed: 'normalization_factor', flag: '--normalization-factor <x>', group: 'search', scope: 'decoding', generators: RANKED, request: true,
    value: finiteAtLeast0, default: () => 0.5,
    doc: 'length normalisation: score = −Σ log p / len^x',
  },
  {
    name: 'hybridSteps', seed: 'hybrid_steps', flag: '--hybrid-steps <n>', group: 'search', scope: 'decoding', generators: ['hybrid'],
    value: { kind: 'int', min: 0, max: (c: BoundContext) => c.resolved.maxSteps as number }, default: () => 3,
    doc: 'beam steps before every vocabulary word under the kept prefixes is scored',
  },
  {
    name: 'tokenLogProbFloor', seed: 'token_log_prob_floor', flag: '--token-log-prob-floor <x>', group: 'search', scope: 'decoding', generators: BEAMS,
    value: { kind: 'number', max: 0, expected: 'a finite number ≤ 0 (a log-probability)' },
    doc: 'never expand a token whose log-probability is at or below x (≤ 0; default off)',
  },
  {
    name: 'scoreCeiling', seed: 'score_ceiling', flag: '--score-ceiling <x>', group: 'search', scope: 'decoding', generators: BEAMS,
    value: finiteAtLeast0,
    doc: 'drop a hypothesis whose score is above x (≥ 0; default off)',
  },
  {
    // No declared default: with a vocabulary under model scoring the beams prove their first word (1), else 0
    // (vocabularySearchDefaults below).
    name: 'certifyTop', seed: 'certify_top', flag: '--certify-top <n>', group: 'search', scope: 'decoding', generators: BEAMS, request: true, identityUnless: 0,
    value: { kind: 'int', min: 0, max: 100 },
    doc: 'with the vocabulary: prove the first n words are the vocabulary\'s best (a branch-and-bound search from the beam\'s words where its own certificate falls short); default 1 under model scoring, 0 under seed scoring',
  },
  {
    name: 'certifyRows', seed: 'certify_rows', flag: '--certify-rows <n>', group: 'search', scope: 'decoding', generators: BEAMS, request: true, identityUnless: 0,
    value: { kind: 'int', min: 0, max: 100_000_000 },
    doc: 'with --certify-top: the most prefixes the proof may expand for one swipe (their forced letter chains add model rows); where it stops short, the best words found so far come first and the row is not certified (default: 0, no limit)',
  },
  {
    name: 'repair', seed: 'repair', flag: '--repair <kind>', group: 'postprocess', scope: 'decoding', generators: BEAMS,
    value: { kind: 'enum', values: ['levenshtein'], expected: "'levenshtein' or null" },
    doc: 'without the vocabulary: replace non-vocabulary candidates by vocabulary words within --repair-distance edits, rescored by the model (levenshtein)',
  },
  {
    name: 'repairDistance', seed: 'repair_distance', flag: '--repair-distance <k>', group: 'postprocess', scope: 'decoding', generators: BEAMS,
    value: { kind: 'int', min: 1, max: 3 }, with: { option: 'repair', note: "'levenshtein'" }, withDefault: 1,
    doc: 'with --repair: largest edit distance, 1..3 (default: 1)',
  },
  {
    name: 'repairRescore', seed: 'repair_rescore', flag: '--repair-rescore <n>', group: 'postprocess', scope: 'decoding', generators: BEAMS,
    value: { kind: 'int', min: 1, max: 1000 }, with: { option: 'repair', note: "'levenshtein'" }, withDefault: 8,
    doc: 'with --repair: most vocabulary words rescored per swipe (default: 8)',
  },
  {
    name: 'priorWeight', seed: 'prior_weight', flag: '--prior-weight <λ>', group: 'postprocess', scope: 'decoding', generators: RANKED,
    value: finiteAtLeast0,
    doc: 'with --prior: λ of score − λ·max(log p(word), log p_k) + μ·length, finite, ≥ 0 (fit it with neuroswipe fit-prior)',
  },
  {
    name: 'priorLength', seed: 'prior_length', flag: '--prior-length <μ>', group: 'postprocess', scope: 'decoding', generators: RANKED,
    value: { kind: 'number', expected: 'a finite number' }, with: { option: 'priorWeight', note: 'the word-frequency prior' }, withDefault: 0,
    doc: 'with --prior: μ, added per character (default: 0)',
  },
  {
    name: 'priorFloorRank', seed: 'prior_floor_rank', flag: '--prior-floor-rank <k>', group: 'postprocess', scope: 'decoding', generators: RANKED,
    value: { kind: 'int', min: 1, max: 1e9 }, with: { option: 'priorWeight', note: 'the word-frequency prior' },
    doc: 'with --prior: floor log p(word) at that of the k-th most frequent word, so rarer words share one prior (integer ≥ 1; default: no floor)',
  },
  {
    name: 'vocabScoring', seed: 'vocab_scoring', flag: '--vocab-scoring <mode>', group: 'search', scope: 'vocabulary', generators: ALL, request: true, identityUnless: 'seed',
    default: () => DEFAULT_VOCAB_SCORING, seedValue: 'seed',
    value: { kind: 'enum', values: VOCAB_SCORINGS, expected: "'model' or 'seed'" },
    doc: `with the vocabulary: model keeps the model's log-probability of each allowed token, seed renormalises over the allowed tokens (default: ${DEFAULT_VOCAB_SCORING})`,
  },
] as const satisfies readonly OptionSpec[];

/**
 * The search options whose default depends on the vocabulary's use: with a vocabulary under model scoring, a
 * beam proves its first word (`certifyTop: 1`; docs/SEARCH.md, "Certified beam"), at about the cost of the
 * beam where its own certificate covers it; under seed scoring (the seed's paths) nothing is added.
 */
export function vocabularySearchDefaults(generator: GeneratorName, useVocabulary: boolean, vocabulary: VocabularyOptions): { certifyTop?: number } {
  return useVocabulary && vocabulary.vocabScoring === 'model' && (BEAMS as readonly GeneratorName[]).includes(generator) ? { certifyTop: 1 } : {};
}

/** Every search and post-processing option, in the seed's `generator_call_kwargs` order (docs/SEED.md §3.11). */
export const DECODING_OPTIONS: readonly OptionSpec[] = DECLARED;

/** The spec of option `name`. @throws Error for a name that is not declared (a programming error) */
export function optionSpec(name: string): OptionSpec {
  const s = DECODING_OPTIONS.find((o) => o.name === name);
  if (s === undefined) throw new Error(`no decoding option ${name}`);
  return s;
}

/** The options of the vocabulary's use (scope `'vocabulary'`). */
export const VOCABULARY_OPTIONS: readonly OptionSpec[] = DECODING_OPTIONS.filter((o) => o.scope === 'vocabulary');

/** The options generator `g` takes: those with a default (written out, required in configs), and the rest (off unless given). */
export function generatorOptions(g: GeneratorName): { required: OptionSpec[]; optional: OptionSpec[] } {
  const own = DECODING_OPTIONS.filter((o) => o.scope === 'decoding' && o.generators.includes(g));
  return { required: own.filter((o) => o.default !== undefined), optional: own.filter((o) => o.default === undefined) };
}

/** The declared options, each with its literal types. */
type Declared = (typeof DECLARED)[number];

/** The TypeScript type of an option's values. */
type ValueType<V> = V extends { kind: 'enum'; values: readonly (infer E)[] } ? E : V extends { nullable: true } ? number | null : number;

/** The options of `Declared` that generator `G` takes with its own options (scope `'decoding'`). */
type TakenBy<G extends GeneratorName> = Declared extends infer S ? (S extends { scope: 'decoding'; generators: readonly (infer X)[] } ? (G extends X ? S : never) : never) : never;

/** A plain object type of an intersection (how the option types below are written out). */
export type Plain<T> = { [K in keyof T]: T[K] };

/**
 * The resolved options of generator `G`, derived from the declarations (`DECODING_OPTIONS`): `generator`, the options with a
 * default (always present), and the others (present only when given).
 */
export type OptionsOf<G extends GeneratorName> = Plain<
  { generator: G } & { [S in TakenBy<G> as S extends { default: unknown } ? S['name'] : never]: ValueType<S['value']> } & {
    [S in TakenBy<G> as S extends { default: unknown } ? never : S['name']]?: ValueType<S['value']>;
  }
>;

/** The member an option has in the native payload: its name, or its declared native name. */
type NativeKey<S> = S extends { native: { name: infer N extends string } } ? N | (S extends { name: infer M extends string } ? M : never) : S extends { name: infer M extends string } ? M : never;

/**
 * The search part of the native payload (native SearchOptions), derived from {@link DECODING_OPTIONS}: every
 * option of group `'search'` by its name, or its declared native name (`topN`), when the generator takes it.
 */
export type SearchPayload = Plain<
  { generator: GeneratorName } & { [S in Extract<Declared, { group: 'search' }> as NativeKey<S>]?: Exclude<ValueType<S['value']>, null> }
>;

/** The post-processing options (group `'postprocess'`) generator `G` takes, all off unless given. */
export type PostprocessOptionsOf<G extends GeneratorName> = Plain<{ [S in Extract<TakenBy<G>, { group: 'postprocess' }> as S['name']]?: ValueType<S['value']> }>;

/** The options of the vocabulary's use (scope `'vocabulary'`), by name, derived from the declarations (`DECODING_OPTIONS`); each applies only with the vocabulary. */
export type VocabularyOptions = Plain<{ [S in Extract<Declared, { scope: 'vocabulary' }> as S['name']]?: ValueType<S['value']> }>;
