/**
 * The word-frequency prior's options as the prior's numbers: λ, the weight of −log p(word), which turns the
 * prior on; μ, added per character; and k, the rank of the floor on log p (score − λ·max(log p(word), log p_k)
 * + μ·length; lib/decode/prior.ts). The options' declarations are in lib/options/schema.ts; the decoder's
 * post-processor, the server's per-model weights, `fit-prior`'s result, a fitted-prior file and the bundled
 * example's fitted values go through these functions.
 */
import { readFileSync } from 'node:fs';
import { checkOptionValue } from './resolve.js';
import { optionSpec, type PostprocessOptionsOf } from './schema.js';

/** The option that turns the prior on (λ). */
export const PRIOR_WEIGHT = optionSpec('priorWeight');

/** The prior's options. */
type PriorDecoding = PostprocessOptionsOf<'exact'>;

/** The prior's options as fitted: λ and μ always, the floor's rank k when there is one. */
export interface PriorWeights {
  /** λ, the weight of −log p(word). */
  priorWeight: number;
  /** μ, added per character. */
  priorLength: number;
  /** k, the floor's rank; absent: no floor. */
  priorFloorRank?: number;
}

/** λ, μ and the floor's rank k (`null`: no floor) of a prior, as lib/decode/prior.ts applies them. */
export interface PriorTerms {
  lambda: number;
  mu: number;
  floorRank: number | null;
}

/** Whether the generator's options turn the word-frequency prior on (its frequency file is then part of a predictor). */
export function needsPrior(decoding: object): boolean {
  const v = (decoding as Record<string, unknown>)[PRIOR_WEIGHT.name];
  return v !== undefined && v !== null;
}

/** λ, μ (default 0) and the floor's rank (default none) of the generator's options, or null when the prior is off. */
export function priorTerms(decoding: object): PriorTerms | null {
  if (!needsPrior(decoding)) return null;
  const d = decoding as PriorDecoding;
  return { lambda: d.priorWeight ?? 0, mu: d.priorLength ?? 0, floorRank: d.priorFloorRank ?? null };
}

/** The generator options that turn the prior on with weight λ, length term μ and the floor's rank k (`null`: no floor). */
export function priorOptions(lambda: number, mu: number, floorRank: number | null = null): PriorWeights {
  return floorRank === null ? { priorWeight: lambda, priorLength: mu } : { priorWeight: lambda, priorLength: mu, priorFloorRank: floorRank };
}

/** The members of a fitted-prior file, in the order {@link priorOptions} writes them; the floor is optional. */
const FITTED: readonly { name: keyof PriorWeights; optional: boolean }[] = [
  { name: 'priorWeight', optional: false }, { name: 'priorLength', optional: false }, { name: 'priorFloorRank', optional: true },
];

/**
 * Reads fitted prior options from a JSON file such as `fit-prior --out` writes (λ, μ and, with a floor, k, each
 * under its option name; other members are ignored), each checked against its declaration in
 * lib/options/schema.ts.
 * @throws Error naming the file for unreadable JSON; an error naming the file and the member for a missing or bad value
 */
export function readPriorOptions(path: string): PriorWeights {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`${path}: cannot read the fitted prior: ${(err as Error).message}`, { cause: err });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error(`${path}: expected a JSON object with ${FITTED.filter((f) => !f.optional).map((f) => f.name).join(' and ')}`);
  const o = json as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const { name, optional } of FITTED) {
    const v = o[name];
    if (v === undefined) {
      if (!optional) throw new Error(`${path}: ${name}: missing`);
      continue;
    }
    out[name] = checkOptionValue(optionSpec(name), v, `${path}: ${name}`, { limits: { nClasses: 1, maxTokenLen: 1 }, generator: 'beam', resolved: {} });
  }
  return out as unknown as PriorWeights;
}
