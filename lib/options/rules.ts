/**
 * The cross-option rules, each declared once and checked by {@link checkDecodingRules}: the library
 * (`Decoder.create`), the CLI (before a model is loaded) and the config loader call it, each with its own
 * {@link RuleNaming}, so that a broken rule names the flag, the config field or the library option the
 * reader wrote. The native engine keeps only the guards that protect memory (a trie a search reads).
 */
import type { GeneratorName, VocabScoring } from './schema.js';

/** What the rules are about, named by each caller in its own words. */
export type RuleTerm = 'generator' | 'useVocabulary' | 'vocabulary' | 'repair' | 'prior' | 'priorWeight' | 'vocabScoring' | 'seedScoring';

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

/** Whether option `k` of the generator's options is set. */
const has = (x: RuleInput, k: string): boolean => {
  const v = (x.decoding as Record<string, unknown>)[k];
  return v !== undefined && v !== null;
};

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
    broken: (x) => has(x, 'repair') && x.useVocabulary,
    text: (n) => `${n.name('repair')} repairs a search without the vocabulary; ${n.drop('useVocabulary')}`,
  },
  {
    at: 'vocabulary',
    broken: (x) => has(x, 'repair') && !x.vocabulary,
    text: (n) => `${n.name('repair')} needs the vocabulary words: ${n.need('vocabulary')}`,
  },
  {
    at: 'prior',
    broken: (x) => has(x, 'priorWeight') && !x.prior,
    text: (n) => `${n.need('prior')} (${n.name('priorWeight')} is set: the word-frequency file of the prior)`,
  },
  {
    at: 'prior',
    broken: (x) => !has(x, 'priorWeight') && x.prior,
    text: (n) => `applies only with ${n.name('priorWeight')} (the word-frequency prior); add it or drop ${n.name('prior')}`,
  },
  {
    at: 'vocabScoring',
    broken: (x) => x.vocabScoring !== undefined && !x.useVocabulary,
    text: (n) => `applies only with ${n.name('useVocabulary')} (it says how the vocabulary restricts the model's log-probabilities)`,
  },
  {
    at: 'vocabScoring',
    broken: (x) => x.seedScoring === true && x.vocabScoring === 'model',
    text: (n) => `${n.name('seedScoring')} scores the vocabulary as the seed does ('seed'); ${n.drop('vocabScoring')}`,
  },
];

/**
 * Checks every cross-option rule.
 * @throws the naming's error for the first broken rule, naming the term at fault
 */
export function checkDecodingRules(x: RuleInput, naming: RuleNaming): void {
  for (const r of RULES) if (r.broken(x)) throw naming.fail(r.at, r.text(naming, x));
}
