/**
 * Strict generator options in configs (docs/SEED.md §7.4): a config names exactly the parameters of its
 * generator, no more and no fewer, so two identical predictors always have the same options and two
 * different ones never do. The seed's keyword names map one to one onto ours.
 */
import { DECODING_DEFAULTS, GENERATOR_NAMES, OPTIONAL_DECODING_OPTIONS, type DecodingOptions, type GeneratorName, resolveDecodingOptions } from '../decode/decoding.js';
import { DECODING_OPTIONS } from '../options/schema.js';
import { optionOf } from '../invalid-option.js';

/** The generator options of the schema, in the seed's `generator_call_kwargs` order (docs/SEED.md §3.11). */
const GENERATOR_SPECS = DECODING_OPTIONS.filter((o) => o.scope === 'decoding');

/** Seed `generator_call_kwargs` names → neuroswipe option names. */
export const SEED_KWARG_NAMES: Readonly<Record<string, string>> = Object.freeze(Object.fromEntries(GENERATOR_SPECS.map((o) => [o.seed, o.name])));

/** The seed name of option `name` (the name itself when it has none). */
function seedName(name: string): string {
  return GENERATOR_SPECS.find((o) => o.name === name)?.seed ?? name;
}

/** How option names are spelled: the seed's `generator_call_kwargs` or neuroswipe's `decoding`. */
export type OptionNaming = 'seed' | 'native';

/** The exact option names of a generator in the given naming (every one required). */
export function generatorOptionNames(generator: GeneratorName, naming: OptionNaming): string[] {
  return inNaming(Object.keys(DECODING_DEFAULTS[generator]), naming);
}

function inNaming(ours: string[], naming: OptionNaming): string[] {
  if (naming === 'native') return ours;
  return GENERATOR_SPECS.filter((o) => ours.includes(o.name)).map((o) => o.seed);
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
    const bad = optionOf(err);
    if (bad === null) throw err;
    const name = bad.option.replace(/^decoding\.?/, '');
    const shown = naming === 'seed' ? seedName(name) : name;
    throw new Error(`${where}${shown === '' ? '' : `.${shown}`}: ${bad.problem}`, { cause: err });
  }
}

/** The options in the seed's `generator_call_kwargs` naming and order (for prediction metadata). */
export function seedKwargs(options: DecodingOptions): Record<string, unknown> {
  const o = options as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const spec of GENERATOR_SPECS) if (spec.name in o) out[spec.seed] = o[spec.name];
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
