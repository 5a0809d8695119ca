/**
 * The cross-option rules, each declared once and checked by {@link checkDecodingRules}: the library
 * (`Decoder.create`), the CLI (before a model is loaded) and the config loader call it, each with its own
 * {@link RuleNaming}, so that a broken rule names the flag, the config field or the library option the
 * reader wrote. The native engine keeps only the guards that protect memory (a trie a search reads).
 */
import { optionSpec, type GeneratorName, type OptionSpec, type VocabScoring } from './schema.js';
import { PRIOR_WEIGHT } from './prior-options.js';

/** What the rules are about besides the options, named by each caller in its own words. */
export type ContextTerm = 'generator' | 'useVocabulary' | 'vocabulary' | 'prior' | 'seedScoring';

/** A term of a rule: a {@link ContextTerm}, or an option (its declaration: each caller names it in its own naming scheme). */
export type RuleTerm = ContextTerm | OptionSpec;

/**
 * An option's name in a naming scheme where the generator's own options (scope `'decoding'`) sit under
 * `prefix` and the vocabulary's beside it: `decoding.repair`, `generator_call_kwargs.prior_weight`, `vocabScoring`.
 * @param key - which of the option's names the scheme uses
 */
export function optionPath(spec: OptionSpec, prefix: string, key: 'name' | 'seed' = 'name'): string {
  return spec.scope === 'decoding' ? `${prefix}.${spec[key]}` : spec[key];
}

/** What the rules read: the generator, its options as given or resolved, and what else the decoder has. */
export interface RuleInput {
  generator: GeneratorName;
  /** The generator's options (`repair`, `priorWeight` are read). */
  decoding: object;
  /** Outputs are restricted to the vocabulary. */
  useVocabulary: boolean;
  /** The vocabulary's words are at hand (a vocabulary file, or repair words). */
  vocabulary: boolean;
  /** The prior's word frequencies are at hand. */
  prior: boolean;
  /** Vocabulary scoring, when named. */
  vocabScoring?: VocabScoring;
  /** Why the vocabulary must be scored as the seed scores it (reference mode, a seed-format config), if it must. */
  seedScoring?: boolean;
}

/** How a caller names the terms and phrases a broken rule. */
export interface RuleNaming {
  /** The term as the reader wrote it (`--use-vocab`, `prediction_config.use_vocab_for_generation`, `vocabulary`). */
  name(term: RuleTerm): string;
  /** How to supply a term that is missing (`it must be true`, `missing field`, `it needs --use-vocab --vocab <file>`). */
  need(term: RuleTerm): string;
  /** How to remove a term that is in the way (`it must be false`, `drop --use-vocab`). */
  drop(term: RuleTerm): string;
  /** The error to throw, naming the term at fault. */
  fail(term: RuleTerm, text: string): Error;
}

/** One cross-option rule. */
interface Rule {
  /** The term at fault when the rule is broken. */
  at: RuleTerm;
  broken(x: RuleInput): boolean;
  text(n: RuleNaming, x: RuleInput): string;
}

/** The option that replaces non-vocabulary candidates by vocabulary words (it reads the vocabulary's words). */
const REPAIR = optionSpec('repair');
/** How the vocabulary restricts the model's log-probabilities. */
const VOCAB_SCORING = optionSpec('vocabScoring');
/** The first words a beam proves to be the vocabulary's best. */
const CERTIFY_TOP = optionSpec('certifyTop');
/** The most prefixes the proof of certifyTop may expand per swipe. */
const CERTIFY_ROWS = optionSpec('certifyRows');

/** Whether option `spec` of the generator's options is set. */
const isSet = (decoding: object, spec: OptionSpec): boolean => {
  const v = (decoding as Record<string, unknown>)[spec.name];
  return v !== undefined && v !== null;
};
const has = (x: RuleInput, spec: OptionSpec): boolean => isSet(x.decoding, spec);
/** Whether numeric option `spec` is set above 0. */
const positive = (x: RuleInput, spec: OptionSpec): boolean => has(x, spec) && ((x.decoding as Record<string, unknown>)[spec.name] as number) > 0;

/** Whether the generator's options read the vocabulary's words without restricting the search to them (repair). */
export function needsVocabularyWords(decoding: object): boolean {
  return isSet(decoding, REPAIR);
}

/** The options that read the vocabulary's words without restricting the search (for a message naming them). */
export const VOCABULARY_WORD_READERS: readonly OptionSpec[] = [REPAIR];

/** Every cross-option rule. */
const RULES: readonly Rule[] = [
  {
    // Exact and hybrid score the vocabulary's words: without it there is nothing to score.
    at: 'useVocabulary',
    broken: (x) => (x.generator === 'exact' || x.generator === 'hybrid') && !x.useVocabulary,
    text: (n, x) => `${n.name('generator')} ${x.generator} scores vocabulary words: ${n.need('useVocabulary')}`,
  },
  {
    at: 'useVocabulary',
    broken: (x) => has(x, REPAIR) && x.useVocabulary,
    text: (n) => `${n.name(REPAIR)} repairs a search without the vocabulary; ${n.drop('useVocabulary')}`,
  },
  {
    at: 'vocabulary',
    broken: (x) => has(x, REPAIR) && !x.vocabulary,
    text: (n) => `${n.name(REPAIR)} needs the vocabulary words: ${n.need('vocabulary')}`,
  },
  {
    at: 'prior',
    broken: (x) => has(x, PRIOR_WEIGHT) && !x.prior,
    text: (n) => `${n.need('prior')} (${n.name(PRIOR_WEIGHT)} is set: the word-frequency file of the prior)`,
  },
  {
    at: 'prior',
    broken: (x) => !has(x, PRIOR_WEIGHT) && x.prior,
    text: (n) => `applies only with ${n.name(PRIOR_WEIGHT)} (the word-frequency prior); add it or drop ${n.name('prior')}`,
  },
  {
    at: 'useVocabulary',
    broken: (x) => positive(x, CERTIFY_TOP) && !x.useVocabulary,
    text: (n) => `${n.name(CERTIFY_TOP)} proves words of the vocabulary: ${n.need('useVocabulary')}`,
  },
  {
    at: CERTIFY_ROWS,
    broken: (x) => positive(x, CERTIFY_ROWS) && !x.useVocabulary,
    text: (n) => `${n.name(CERTIFY_ROWS)} bounds a proof over the vocabulary: ${n.need('useVocabulary')}`,
  },
  // The proof and its cap are not the seed's: reference mode refuses both.
  ...[CERTIFY_TOP, CERTIFY_ROWS].map((spec): Rule => ({
    at: spec,
    broken: (x) => positive(x, spec) && x.seedScoring === true,
    text: (n) => `${n.name('seedScoring')} runs the seed's search alone; ${n.drop(spec)}`,
  })),
  {
    at: CERTIFY_ROWS,
    // certifyTop is 0 when set so, and by default under seed scoring (vocabularySearchDefaults).
    broken: (x) => positive(x, CERTIFY_ROWS) && x.useVocabulary && (has(x, CERTIFY_TOP) ? !positive(x, CERTIFY_TOP) : x.vocabScoring === 'seed'),
    text: (n) => `bounds the proof of ${n.name(CERTIFY_TOP)}, which is 0 here (no proof to bound)`,
  },
  {
    at: VOCAB_SCORING,
    broken: (x) => x.vocabScoring !== undefined && !x.useVocabulary,
    text: (n) => `applies only with ${n.name('useVocabulary')} (it says how the vocabulary restricts the model's log-probabilities)`,
  },
  {
    at: VOCAB_SCORING,
    broken: (x) => x.seedScoring === true && x.vocabScoring === 'model',
    text: (n) => `${n.name('seedScoring')} scores the vocabulary as the seed does ('seed'); ${n.drop(VOCAB_SCORING)}`,
  },
];

/**
 * Checks every cross-option rule.
 * @throws the naming's error for the first broken rule, naming the term at fault
 */
export function checkDecodingRules(x: RuleInput, naming: RuleNaming): void {
  for (const r of RULES) if (r.broken(x)) throw naming.fail(r.at, r.text(naming, x));
}
