/**
 * Validation derived from the option schema: each value checked against its declared type and range, each
 * generator taking exactly its own options, defaults written out. Errors carry the option's path as a field
 * ({@link OptionTypeError}, {@link OptionRangeError}).
 */
import { invalidOption, OptionTypeError } from '../invalid-option.js';
import { DECODING_OPTIONS, GENERATOR_NAMES, generatorOptions, type BoundContext, type DecodingLimits, type GeneratorName, type OptionSpec } from './schema.js';

/**
 * Checks one value against its spec.
 * @param path - the option's path in messages (`decoding.beamSize`)
 * @throws OptionTypeError for a wrong type, OptionRangeError for a number out of range
 */
export function checkOptionValue(spec: OptionSpec, v: unknown, path: string, c: BoundContext): unknown {
  const t = spec.value;
  switch (t.kind) {
    case 'int': {
      if (v === null && t.nullable === true) return null;
      const hi = typeof t.max === 'function' ? t.max(c) : t.max;
      if (typeof v !== 'number' || !Number.isInteger(v) || v < t.min || v > hi) throw invalidOption(path, `an integer in ${t.min}..${hi}`, v);
      return v;
    }
    case 'number':
      if (typeof v !== 'number' || !Number.isFinite(v) || (t.min !== undefined && v < t.min) || (t.max !== undefined && v > t.max)) throw invalidOption(path, t.expected, v);
      return v;
    case 'enum':
      if (typeof v !== 'string' || !t.values.includes(v)) throw invalidOption(path, t.expected, v);
      return v;
  }
}

/**
 * Checks a generator's options and fills in its defaults: the options with a default are written out, the
 * others only when given.
 * @param input - `{ generator, ...options }`; keys not accepted by that generator are errors
 * @throws OptionTypeError for a wrong type or an unknown key, OptionRangeError for a value out of range; the
 *   option is `decoding.<name>`
 */
export function resolveGeneratorOptions(input: { generator: string; [k: string]: unknown }, limits: DecodingLimits): { generator: GeneratorName; [k: string]: unknown } {
  if (typeof input !== 'object' || input === null) throw invalidOption('decoding', 'an object', input);
  const generator = input.generator;
  if (!GENERATOR_NAMES.includes(generator as GeneratorName)) throw invalidOption('decoding.generator', GENERATOR_NAMES.join(' | '), generator);
  const g = generator as GeneratorName;
  const { required, optional } = generatorOptions(g);
  const own = [...required, ...optional];
  for (const key of Object.keys(input)) {
    if (key !== 'generator' && !own.some((o) => o.name === key)) {
      throw new OptionTypeError(`decoding.${key}`, `not an option of generator ${g} (its options: ${own.map((o) => o.name).join(', ')})`);
    }
  }
  const out: { generator: GeneratorName; [k: string]: unknown } = { generator: g };
  for (const spec of own) {
    let v = input[spec.name];
    if (spec.with !== undefined) {
      const parent = input[spec.with.option];
      if (parent === undefined || parent === null) {
        if (v !== undefined && v !== null) throw new OptionTypeError(`decoding.${spec.name}`, `applies only with decoding.${spec.with.option} (${spec.with.note})`);
        continue;
      }
      v ??= spec.withDefault;
      if (v === undefined || v === null) continue; // off unless given (no default with its parent)
    } else if (v === undefined) {
      v = spec.default?.(g);
      if (v === undefined) continue;
    } else if (v === null && spec.default === undefined) {
      continue;
    }
    out[spec.name] = checkOptionValue(spec, v, `decoding.${spec.name}`, { limits, generator: g, resolved: out });
  }
  return out;
}

/** An option above the server's limit for it. */
export interface OverLimit {
  spec: OptionSpec;
  value: number;
  /** The limit's value, member and flag. */
  max: number;
  limit: { name: string; flag: string };
}

/**
 * The first option of `decoding` above the server's limit for it (declared as `requestLimit`), or null.
 * @param limits - the server's limits by member name
 */
export function overRequestLimit(decoding: object, limits: object): OverLimit | null {
  for (const spec of DECODING_OPTIONS) {
    const limit = spec.requestLimit;
    if (limit === undefined) continue;
    const value = (decoding as Record<string, unknown>)[spec.name];
    const max = (limits as Record<string, unknown>)[limit.name];
    if (typeof value === 'number' && typeof max === 'number' && value > max) return { spec, value, max, limit };
  }
  return null;
}
