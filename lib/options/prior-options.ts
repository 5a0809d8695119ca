/**
 * The word-frequency prior's options as the prior's two numbers: λ, the weight of −log p(word), which turns
 * the prior on, and μ, added per character (score − λ·log p(word) + μ·length; lib/decode/prior.ts). The
 * options' declarations are in lib/options/schema.ts; the decoder's post-processor, the server's per-model
 * weights, `fit-prior`'s result and the bundled example's fitted values go through these functions.
 */
import { optionSpec, type PostprocessOptionsOf } from './schema.js';

/** The option that turns the prior on (λ). */
export const PRIOR_WEIGHT = optionSpec('priorWeight');

/** The prior's options (both of them written out). */
export type PriorWeights = Required<PostprocessOptionsOf<'exact'>>;

/** Whether the generator's options turn the word-frequency prior on (its frequency file is then part of a predictor). */
export function needsPrior(decoding: object): boolean {
  const v = (decoding as Record<string, unknown>)[PRIOR_WEIGHT.name];
  return v !== undefined && v !== null;
}

/** λ and μ of the generator's options, or null when the prior is off (μ defaults to 0). */
export function priorWeights(decoding: object): { weight: number; length: number } | null {
  if (!needsPrior(decoding)) return null;
  const d = decoding as Partial<PriorWeights>;
  return { weight: d.priorWeight ?? 0, length: d.priorLength ?? 0 };
}

/** The generator options that turn the prior on with weight λ and length term μ. */
export function priorOptions(weight: number, length: number): PriorWeights {
  return { priorWeight: weight, priorLength: length };
}
