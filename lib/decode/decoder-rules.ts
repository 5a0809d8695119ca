/**
 * The cross-option rules (lib/options/rules.ts) in the library's words: the option of `DecoderOptions` at
 * fault, as an OptionTypeError naming it.
 */
import { OptionTypeError } from '../invalid-option.js';
import type { ModelMetadata } from '../model/model-metadata.js';
import { checkOptionValue } from '../options/resolve.js';
import { checkDecodingRules, type RuleNaming, type RuleTerm } from '../options/rules.js';
import { optionSpec } from '../options/schema.js';
import type { DecoderOptions } from './decoder-types.js';
import type { DecodingOptions } from './decoding.js';
import { WordPrior } from './prior.js';

const LIBRARY_NAMES: Record<RuleTerm, string> = {
  generator: 'decoding.generator', useVocabulary: 'vocabulary', vocabulary: 'repairWords', repair: 'decoding.repair',
  prior: 'prior', priorWeight: 'decoding.priorWeight', vocabScoring: 'vocabScoring', seedScoring: 'reference',
};

const LIBRARY_NAMING: RuleNaming = {
  name: (t) => LIBRARY_NAMES[t],
  need: (t) => (t === 'useVocabulary' ? 'give one (vocabulary)' : t === 'prior' ? 'give the word frequencies (a WordPrior, e.g. new WordPrior(readFrequencyTable(path)))' : `give them (${LIBRARY_NAMES[t]})`),
  drop: (t) => `drop ${LIBRARY_NAMES[t]}`,
  fail: (t, text) => new OptionTypeError(LIBRARY_NAMES[t], text),
};

/**
 * Checks a decoder's options against each other: the cross-option rules, the vocabulary scoring's value, and
 * reference mode's one prefix per call.
 * @throws OptionTypeError naming the option at fault
 */
export function checkDecoderRules(options: DecoderOptions, decoding: DecodingOptions, m: ModelMetadata): void {
  const reference = options.reference ?? false;
  const g = decoding.generator;
  if (options.vocabScoring !== undefined) {
    checkOptionValue(optionSpec('vocabScoring'), options.vocabScoring, 'vocabScoring', { limits: { nClasses: m.n_classes, maxTokenLen: m.max_token_len }, generator: g, resolved: {} });
  }
  checkDecodingRules({
    generator: g, decoding, useVocabulary: options.vocabulary !== undefined && options.vocabulary !== null,
    vocabulary: (options.repairWords?.length ?? 0) > 0, prior: options.prior instanceof WordPrior, seedScoring: reference,
    ...(options.vocabScoring !== undefined ? { vocabScoring: options.vocabScoring } : {}),
  }, LIBRARY_NAMING);
  if (reference && (g === 'exact' || g === 'hybrid')) {
    throw new OptionTypeError('reference', "exact scoring runs many prefixes per model call; the seed's loop (reference) runs one");
  }
}
