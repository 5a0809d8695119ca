/**
 * Generator names and their exact, validated options. Each generator accepts exactly its own options;
 * unknown keys are errors, and defaults are written out by {@link resolveDecodingOptions}, so two
 * identical predictors always have identical resolved options.
 */
import { invalidOption } from '../invalid-option.js';

/** The searches: the seed's greedy, the seed's best-first beam, and a level-synchronous beam. */
export type GeneratorName = 'greedy' | 'beam' | 'beam-sync';

/** Every {@link GeneratorName}. */
export const GENERATOR_NAMES: readonly GeneratorName[] = Object.freeze(['greedy', 'beam', 'beam-sync']);

/** Options of `greedy` (docs/SEED.md §6.3). */
export interface GreedyOptions {
  generator: 'greedy';
  /** Most tokens generated, `<eos>` included. Default 35; at most the model's `max_token_len`. */
  maxSteps: number;
}

/** Options of `beam` (docs/SEED.md §6.4) and `beam-sync`. */
export interface BeamOptions {
  generator: 'beam' | 'beam-sync';
  /** Expansions per step and partial hypotheses kept. Default 6; 1..n_classes. */
  beamSize: number;
  /** Length normalisation exponent: score = −Σ log p / len^nf. Default 0.5; finite, ≥ 0. */
  normalizationFactor: number;
  /** Most tokens generated, `<eos>` included. Default 35; at most the model's `max_token_len`. */
  maxSteps: number;
  /** Candidates returned per swipe (best first); `null` = all. Default `null`. */
  returnHypotheses: number | null;
}

/** Options of one generator, defaults filled in. */
export type DecodingOptions = GreedyOptions | BeamOptions;

/**
 * Options of one generator as a caller writes them: `generator` names the search, the other options of
 * that search may be left out (defaults in {@link DECODING_DEFAULTS}); options of another search do not
 * type-check.
 */
export type DecodingInput =
  | ({ generator: 'greedy' } & Partial<Omit<GreedyOptions, 'generator'>>)
  | ({ generator: 'beam' | 'beam-sync' } & Partial<Omit<BeamOptions, 'generator'>>);

/** The defaults of each generator's options. */
export const DECODING_DEFAULTS: { readonly [G in GeneratorName]: Readonly<Omit<G extends 'greedy' ? GreedyOptions : BeamOptions, 'generator'>> } = {
  greedy: { maxSteps: 35 },
  beam: { beamSize: 6, normalizationFactor: 0.5, maxSteps: 35, returnHypotheses: null },
  'beam-sync': { beamSize: 6, normalizationFactor: 0.5, maxSteps: 35, returnHypotheses: null },
};

/** Model limits the options are checked against. */
export interface DecodingLimits {
  /** Decoder output size. */
  nClasses: number;
  /** Longest token prefix the decoder accepts (`<sos>` included). */
  maxTokenLen: number;
}

function intIn(path: string, v: unknown, lo: number, hi: number): number {
  if (typeof v !== 'number') throw invalidOption(path, `an integer in ${lo}..${hi}`, v);
  if (!Number.isInteger(v) || v < lo || v > hi) throw invalidOption(path, `an integer in ${lo}..${hi}`, v);
  return v;
}

/**
 * Checks a generator's options and fills in its defaults.
 * @param input - `{ generator, ...options }`; keys not accepted by that generator are errors
 * @param limits - the model's limits (defaults: 35 classes, 35 positions)
 * @throws TypeError for a wrong type or unknown key, RangeError for a value out of range; the message names
 *   `decoding.<option>`
 */
export function resolveDecodingOptions(input: { generator: string; [k: string]: unknown }, limits: DecodingLimits = { nClasses: 35, maxTokenLen: 35 }): DecodingOptions {
  if (typeof input !== 'object' || input === null) throw invalidOption('decoding', 'an object', input);
  const generator = input.generator;
  if (!GENERATOR_NAMES.includes(generator as GeneratorName)) throw invalidOption('decoding.generator', GENERATOR_NAMES.join(' | '), generator);
  const g = generator as GeneratorName;
  const defaults = DECODING_DEFAULTS[g] as Record<string, unknown>;
  for (const key of Object.keys(input)) {
    if (key !== 'generator' && !(key in defaults)) {
      throw new TypeError(`decoding.${key}: not an option of generator ${g} (its options: ${Object.keys(defaults).join(', ')})`);
    }
  }
  const get = (k: string): unknown => (input[k] === undefined ? defaults[k] : input[k]);
  const maxSteps = intIn('decoding.maxSteps', get('maxSteps'), 1, limits.maxTokenLen);
  if (g === 'greedy') return { generator: 'greedy', maxSteps };
  const beamSize = intIn('decoding.beamSize', get('beamSize'), 1, limits.nClasses);
  const nf = get('normalizationFactor');
  if (typeof nf !== 'number' || !Number.isFinite(nf) || nf < 0) throw invalidOption('decoding.normalizationFactor', 'a finite number ≥ 0', nf);
  const rh = get('returnHypotheses');
  const returnHypotheses = rh === null ? null : intIn('decoding.returnHypotheses', rh, 1, Number.MAX_SAFE_INTEGER);
  return { generator: g, beamSize, normalizationFactor: nf, maxSteps, returnHypotheses };
}
