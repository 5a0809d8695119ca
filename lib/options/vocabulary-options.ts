/**
 * The options of the vocabulary's use (scope `'vocabulary'` in lib/options/schema.ts, such as the vocabulary's
 * scoring) as one group: read from a config section or flags by either naming, their defaults, the values
 * the seed's paths use, and their members of a config section's JSON schema.
 */
import { checkOptionValue } from './resolve.js';
import { VOCABULARY_OPTIONS, type VocabularyOptions } from './schema.js';

/**
 * The vocabulary options an object gives, checked, by name.
 * @param key - which of the options' names the object uses
 * @param where - the object in messages (`file: predict`)
 * @throws OptionTypeError naming `<where>.<name>` for a value the option does not take
 */
export function vocabularyOptionsOf(given: object, key: 'name' | 'seed' = 'name', where?: string): VocabularyOptions {
  const out: Record<string, unknown> = {};
  for (const o of VOCABULARY_OPTIONS) {
    const v = (given as Readonly<Record<string, unknown>>)[o[key]];
    if (v === undefined) continue;
    out[o.name] = checkOptionValue(o, v, where === undefined ? o[key] : `${where}.${o[key]}`, { limits: { nClasses: Infinity, maxTokenLen: Infinity }, generator: 'beam', resolved: {} });
  }
  return out;
}

/** The vocabulary options' defaults (those with one). */
export function vocabularyDefaults(): VocabularyOptions {
  return Object.fromEntries(VOCABULARY_OPTIONS.filter((o) => o.default !== undefined).map((o) => [o.name, o.default?.('beam')]));
}

/** The values the seed's own paths use (seed-format configs, `reproduce`, reference mode). */
export function seedVocabularyOptions(): VocabularyOptions {
  return Object.fromEntries(VOCABULARY_OPTIONS.filter((o) => o.seedValue !== undefined).map((o) => [o.name, o.seedValue]));
}

/** The members of a config section's JSON schema for the vocabulary options, by either naming. */
export function vocabularyConfigProperties(key: 'name' | 'seed'): Record<string, object> {
  return Object.fromEntries(VOCABULARY_OPTIONS.map((o) => [o[key], o.value.kind === 'enum' ? { type: 'string', enum: [...o.value.values] } : { type: 'number' }]));
}
