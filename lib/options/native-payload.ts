/**
 * The search part of the native payload, derived from the option schema: every option of the `search`
 * group that the generator takes, by its name, with `returnHypotheses` of the vocabulary scorers as `topN`
 * (the beams' lists are cut in TypeScript, where the post-processors may need them whole).
 */
import type { NativeSearchOptions } from '../native.js';
import { DECODING_OPTIONS, type GeneratorName, type VocabScoring } from './schema.js';

/** Generators whose `returnHypotheses` the native search applies itself (as `topN`, 0 = all). */
const NATIVE_TOP_N: readonly GeneratorName[] = ['exact', 'hybrid'];

/**
 * The search options of one native call.
 * @param decoding - resolved generator options
 * @param extra - the vocabulary's scoring and the debug statistic
 */
export function nativeSearchOptions(decoding: { generator: GeneratorName }, extra: { vocabScoring: VocabScoring; margins: boolean }): NativeSearchOptions {
  const given = decoding as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = { generator: decoding.generator };
  for (const spec of DECODING_OPTIONS) {
    if (spec.group !== 'search' || spec.scope !== 'decoding' || !spec.generators.includes(decoding.generator)) continue;
    const v = given[spec.name];
    if (spec.name === 'returnHypotheses') {
      if (NATIVE_TOP_N.includes(decoding.generator)) out.topN = v ?? 0;
    } else if (v !== undefined) {
      out[spec.name] = v;
    }
  }
  return { ...(out as unknown as NativeSearchOptions), vocabScoring: extra.vocabScoring, margins: extra.margins };
}
