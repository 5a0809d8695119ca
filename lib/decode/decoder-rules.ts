/**
 * The cross-option rules (lib/options/rules.ts) in the library's words: the option of `DecoderOptions` at
 * fault, as an OptionTypeError naming it.
 */
import { OptionTypeError } from '../invalid-option.js';
import { checkDecodingRules, optionPath, type ContextTerm, type RuleNaming, type RuleTerm } from '../options/rules.js';
import { vocabularyOptionsOf } from '../options/vocabulary-options.js';
import type { DecoderOptions } from './decoder-types.js';
import type { DecodingOptions } from './decoding.js';
import { WordPrior } from './prior.js';

const LIBRARY_NAMES: Record<ContextTerm, string> = {
  generator: 'decoding.generator', useVocabulary: 'vocabulary', vocabulary: 'repairWords', prior: 'prior', seedScoring: 'reference',
};

/** A term as the library's option: a generator's option under `decoding`, the vocabulary's beside it. */
const libraryName = (t: RuleTerm): string => (typeof t === 'string' ? LIBRARY_NAMES[t] : optionPath(t, 'decoding'));

const LIBRARY_NAMING: RuleNaming = {
  name: libraryName,
  need: (t) => (t === 'useVocabulary' ? 'give one (vocabulary)' : t === 'prior' ? 'give the word frequencies (a WordPrior, e.g. new WordPrior(readFrequencyTable(path)))' : `give them (${libraryName(t)})`),
  drop: (t) => `drop ${libraryName(t)}`,
  fail: (t, text) => new OptionTypeError(libraryName(t), text),
};

/**
 * Checks a decoder's options against each other: the cross-option rules, the values of the vocabulary's options, and
 * reference mode's one prefix per call.
 * @throws OptionTypeError naming the option at fault
 */
export function checkDecoderRules(options: DecoderOptions, decoding: DecodingOptions): void {
  const reference = options.reference ?? false;
  const g = decoding.generator;
  const vocabularyOptions = vocabularyOptionsOf(options);
  checkDecodingRules({
    generator: g, decoding, useVocabulary: options.vocabulary !== undefined && options.vocabulary !== null,
    vocabulary: (options.repairWords?.length ?? 0) > 0, prior: options.prior instanceof WordPrior, seedScoring: reference,
    ...vocabularyOptions,
  }, LIBRARY_NAMING);
  if (reference && (g === 'exact' || g === 'hybrid')) {
    throw new OptionTypeError('reference', "exact scoring runs many prefixes per model call; the seed's loop (reference) runs one");
  }
}
