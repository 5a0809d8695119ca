/**
 * The search part of the native payload, derived from the option schema: every option of the `search`
 * group that the generator takes, by its name or its declared native name (`returnHypotheses` of the
 * vocabulary scorers as `topN`; the beams' lists are cut in TypeScript, where the post-processors may need
 * them whole).
 */
import type { NativeSearchOptions } from '../native.js';
import { DECODING_OPTIONS, type GeneratorName, type OptionSpec, type VocabularyOptions } from './schema.js';
import { vocabularyOptionsOf } from './vocabulary-options.js';

/** The search options of the native payload, in their declared order. */
const SEARCH = DECODING_OPTIONS.filter((o) => o.group === 'search' && o.scope === 'decoding');

/** The member and value of one option in the payload of generator `g`, or null where it has none. */
function member(spec: OptionSpec, g: GeneratorName, v: unknown, all: boolean): [string, unknown] | null {
  if (!spec.generators.includes(g)) return null;
  const n = spec.native;
  if (n !== undefined) return n.generators.includes(g) ? [n.name, all || v === undefined || v === null ? n.absent : v] : null;
  return v === undefined ? null : [spec.name, v];
}

/** The options object, by name. */
function given(decoding: object): Readonly<Record<string, unknown>> {
  return decoding as Readonly<Record<string, unknown>>;
}

/**
 * The search options of one native call.
 * @param decoding - resolved generator options
 * @param extra - the options of the vocabulary's use and the debug statistic
 */
export function nativeSearchOptions(decoding: { generator: GeneratorName }, extra: VocabularyOptions & { margins: boolean }): NativeSearchOptions {
  const out: Record<string, unknown> = { generator: decoding.generator };
  for (const spec of SEARCH) {
    const m = member(spec, decoding.generator, given(decoding)[spec.name], false);
    if (m !== null) out[m[0]] = m[1];
  }
  return { ...(out as NativeSearchOptions), ...extra };
}

/**
 * The options of an exact rescoring of given word lists with a search's scoring: the search options `exact`
 * takes, from the search's payload (its length normalisation, its steps, the options of its vocabulary's
 * use), every word kept, no margins.
 */
export function rescoringOptions(search: NativeSearchOptions): NativeSearchOptions {
  const from = given(search);
  const out: Record<string, unknown> = { generator: 'exact' };
  for (const spec of SEARCH) {
    const m = member(spec, 'exact', from[spec.native?.name ?? spec.name], true);
    if (m !== null) out[m[0]] = m[1];
  }
  return { ...(out as NativeSearchOptions), ...vocabularyOptionsOf(from), margins: false };
}
