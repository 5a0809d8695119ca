/**
 * The types of each generator's options, and their validation. The options themselves (names, ranges,
 * defaults, generators) are declared once in lib/options/schema.ts; everything here is derived from it.
 * Each generator accepts exactly its own options; unknown keys are errors, and defaults are written out by
 * {@link resolveDecodingOptions}, so two identical predictors always have identical resolved options.
 */
import { generatorOptions, GENERATOR_NAMES, NO_VOCAB_RETURN_HYPOTHESES, type DecodingLimits, type GeneratorName, type OptionsOf, type PostprocessOptionsOf } from '../options/schema.js';
import { resolveGeneratorOptions } from '../options/resolve.js';
import { needsVocabularyWords } from '../options/rules.js';

export { GENERATOR_NAMES, VOCAB_SCORINGS, NO_VOCAB_RETURN_HYPOTHESES, type GeneratorName, type VocabScoring, type DecodingLimits } from '../options/schema.js';

/**
 * Each generator's options are derived from their declarations in lib/options/schema.ts (names, types,
 * ranges, defaults, help lines): the options with a default are always present in resolved options, the
 * others (the pruning thresholds, repair, the prior) only when given.
 */

/** Options of `greedy` (docs/SEED.md §6.3). */
export type GreedyOptions = OptionsOf<'greedy'>;

/**
 * The word-frequency prior's options, off unless `priorWeight` is given: each candidate's score becomes
 * `score − priorWeight·log p(word) + priorLength·length(word)` (lower is better; lib/decode/prior.ts), the list is
 * sorted again and then cut to `returnHypotheses`. The frequencies are the decoder's `prior`
 * (`DecoderOptions.prior`). Present in the resolved options only when set.
 */
export type PriorOptions = PostprocessOptionsOf<'exact'>;

/**
 * Options of `beam` (docs/SEED.md §6.4) and `beam-sync`: the beam, length normalisation, the pruning
 * thresholds, and the post-processors (Levenshtein repair of a search without the vocabulary, the prior).
 */
export type BeamOptions = OptionsOf<'beam' | 'beam-sync'>;

/** Options a generator takes without requiring them: off when absent, and then absent from the resolved options. */
export const OPTIONAL_DECODING_OPTIONS: { readonly [G in GeneratorName]: readonly string[] } = Object.fromEntries(
  GENERATOR_NAMES.map((g) => [g, Object.freeze(generatorOptions(g).optional.map((o) => o.name))]),
) as { [G in GeneratorName]: readonly string[] };

/**
 * Options of `exact`: the vocabulary's best `returnHypotheses` words by the beams' length-normalised score,
 * teacher-forced, found by branch and bound over the vocabulary trie (shared prefixes computed once; `null`
 * scores every word). The upper bound of any search with the same model and vocabulary.
 */
export type ExactOptions = OptionsOf<'exact'>;

/**
 * Options of `hybrid`: a level-synchronous beam over the vocabulary for the first `hybridSteps` steps, then
 * the exact best words under the prefixes the beam kept; the best `returnHypotheses` of
 * those words and of the words the beam finished are returned. 0 steps is `exact`.
 */
export type HybridOptions = OptionsOf<'hybrid'>;

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
export const DECODING_DEFAULTS: { readonly [G in GeneratorName]: Readonly<Omit<GeneratorOptions<G>, 'generator'>> } = Object.fromEntries(
  GENERATOR_NAMES.map((g) => [g, Object.freeze(Object.fromEntries(generatorOptions(g).required.map((o) => [o.name, o.default?.(g)])))]),
) as unknown as { [G in GeneratorName]: Readonly<Omit<GeneratorOptions<G>, 'generator'>> };

/**
 * `input` with the vocabulary-free default of `returnHypotheses` ({@link NO_VOCAB_RETURN_HYPOTHESES}) filled
 * in when it applies: a beam search (`beam`, `beam-sync`) without a vocabulary or repair that leaves
 * `returnHypotheses` out. Anything else is returned as it is.
 */
export function withNoVocabularyDefault<T extends { generator: string }>(input: T, hasVocabulary: boolean): T {
  if (hasVocabulary || (input.generator !== 'beam' && input.generator !== 'beam-sync')) return input;
  if ((input as { returnHypotheses?: unknown }).returnHypotheses !== undefined || needsVocabularyWords(input)) return input;
  return { ...input, returnHypotheses: NO_VOCAB_RETURN_HYPOTHESES };
}

/** Candidates each swipe's list keeps in the end: `returnHypotheses` of a ranked search (null: all), greedy's one. */
export function keptCandidates(d: DecodingOptions): number | null {
  return d.generator === 'greedy' ? null : d.returnHypotheses;
}

/** The longest word a search with these options can generate: `maxSteps` tokens, the last one `<eos>`. */
export function longestWord(d: DecodingOptions): number {
  return d.maxSteps - 1;
}

/**
 * Checks a generator's options and fills in its defaults.
 * @param input - `{ generator, ...options }`; keys not accepted by that generator are errors
 * @param limits - the model's limits (defaults: 35 classes, 35 positions)
 * @throws TypeError for a wrong type or unknown key, RangeError for a value out of range; the message names
 *   `decoding.<option>`
 */
export function resolveDecodingOptions(input: { generator: string; [k: string]: unknown }, limits: DecodingLimits = { nClasses: 35, maxTokenLen: 35 }): DecodingOptions {
  return resolveGeneratorOptions(input, limits) as unknown as DecodingOptions;
}
