/**
 * Strict generator options in configs (docs/SEED.md §7.4): a config names exactly the parameters of its
 * generator, no more and no fewer, so two identical predictors always have the same options and two
 * different ones never do. The seed's keyword names map one to one onto ours.
 */
import { DECODING_DEFAULTS, GENERATOR_NAMES, OPTIONAL_DECODING_OPTIONS, type DecodingOptions, type GeneratorName, resolveDecodingOptions } from '../decode/decoding.js';

/** Seed `generator_call_kwargs` names → neuroswipe option names. */
export const SEED_KWARG_NAMES: Readonly<Record<string, string>> = Object.freeze({
  max_steps_n: 'maxSteps',
  return_hypotheses_n: 'returnHypotheses',
  beamsize: 'beamSize',
  normalization_factor: 'normalizationFactor',
  hybrid_steps: 'hybridSteps',
  token_log_prob_floor: 'tokenLogProbFloor',
  score_ceiling: 'scoreCeiling',
  repair: 'repair',
  repair_distance: 'repairDistance',
  repair_rescore: 'repairRescore',
  prior_weight: 'priorWeight',
  prior_length: 'priorLength',
});

/** neuroswipe option names → seed names, in the order the seed's configs write them (docs/SEED.md §3.11). */
const OURS_TO_SEED: readonly [string, string][] = [
  ['maxSteps', 'max_steps_n'],
  ['returnHypotheses', 'return_hypotheses_n'],
  ['beamSize', 'beamsize'],
  ['normalizationFactor', 'normalization_factor'],
  // Not the seed's: the hybrid's beam steps, and the pruning thresholds, repair and prior (written only when set).
  ['hybridSteps', 'hybrid_steps'],
  ['tokenLogProbFloor', 'token_log_prob_floor'],
  ['scoreCeiling', 'score_ceiling'],
  ['repair', 'repair'],
  ['repairDistance', 'repair_distance'],
  ['repairRescore', 'repair_rescore'],
  ['priorWeight', 'prior_weight'],
  ['priorLength', 'prior_length'],
];

/** How option names are spelled: the seed's `generator_call_kwargs` or neuroswipe's `decoding`. */
export type OptionNaming = 'seed' | 'native';

/** The exact option names of a generator in the given naming (every one required). */
export function generatorOptionNames(generator: GeneratorName, naming: OptionNaming): string[] {
  return inNaming(Object.keys(DECODING_DEFAULTS[generator]), naming);
}

function inNaming(ours: string[], naming: OptionNaming): string[] {
  if (naming === 'native') return ours;
  return OURS_TO_SEED.filter(([o]) => ours.includes(o)).map(([, s]) => s);
}

/**
 * Checks a generator's options from a config: every parameter of the generator must be present and no
 * other key is allowed; values are validated by `resolveDecodingOptions`.
 * @param generator - the generator name as written in the config
 * @param options - the options object as written in the config
 * @param naming - `seed` for `generator_call_kwargs`, `native` for `decoding`
 * @param where - `file: field` prefix for error messages (the field holding `options`)
 * @throws Error naming the file and the field for an unknown generator, a missing or unknown option, or a
 *   bad value
 */
export function strictDecodingOptions(generator: unknown, options: Record<string, unknown>, naming: OptionNaming, where: string): DecodingOptions {
  if (!GENERATOR_NAMES.includes(generator as GeneratorName)) {
    throw new Error(`${where}: unknown generator ${JSON.stringify(generator)} (expected one of ${GENERATOR_NAMES.join(', ')})`);
  }
  const g = generator as GeneratorName;
  const expected = generatorOptionNames(g, naming);
  const optional = inNaming([...OPTIONAL_DECODING_OPTIONS[g]], naming);
  const given = Object.keys(options).filter((k) => !(naming === 'native' && k === 'generator'));
  const unknown = given.filter((k) => !expected.includes(k) && !optional.includes(k));
  if (unknown.length > 0) {
    const more = optional.length > 0 ? `, and optionally: ${optional.join(', ')}` : '';
    throw new Error(`${where}.${unknown[0]}: not a parameter of generator ${g} (it takes exactly: ${expected.join(', ')}${more})`);
  }
  const missing = expected.filter((k) => !given.includes(k));
  if (missing.length > 0) {
    throw new Error(`${where}: missing ${missing.join(', ')}: generator ${g} takes exactly ${expected.join(', ')}, each written out (no implicit defaults, docs/SEED.md §7.4)`);
  }
  const input: { generator: string; [k: string]: unknown } = { generator: g };
  for (const k of given) input[naming === 'seed' ? (SEED_KWARG_NAMES[k] ?? k) : k] = options[k];
  try {
    return resolveDecodingOptions(input);
  } catch (err) {
    const msg = (err as Error).message.replace(/^decoding\.(\w+)/, (_m, name: string) => {
      const shown = naming === 'seed' ? (OURS_TO_SEED.find(([o]) => o === name)?.[1] ?? name) : name;
      return `${where}.${shown}`;
    });
    throw new Error(msg, { cause: err });
  }
}

/** The options in the seed's `generator_call_kwargs` naming and order (for prediction metadata). */
export function seedKwargs(options: DecodingOptions): Record<string, unknown> {
  const o = options as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [ours, seed] of OURS_TO_SEED) if (ours in o) out[seed] = o[ours];
  return out;
}

/**
 * Canonical JSON of the options (without `generator`), keys sorted: equal options ⇔ equal strings.
 * @param extra - more members of the predictor's identity that belong with the options (the prior's
 *   frequency-file hash), merged in before sorting
 */
export function canonicalOptions(options: DecodingOptions, extra: Readonly<Record<string, unknown>> = {}): string {
  const o = { ...(options as unknown as Record<string, unknown>), ...extra };
  const keys = Object.keys(o).filter((k) => k !== 'generator').sort();
  return JSON.stringify(Object.fromEntries(keys.map((k) => [k, o[k]])));
}
