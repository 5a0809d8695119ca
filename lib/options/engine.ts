/**
 * The one declaration of every engine option: how the searches run (device, precision, batch size, searches
 * at once, libtorch threads, the server's concurrent batches, predict's chunk size), never what they find.
 * The CLI flags and their help (lib/options/cli.ts `engineFlag`), the members of a neuroswipe config's
 * `predict` section (lib/config/schema.ts) and the checks of the library's values (`Decoder.create`,
 * `startServer`) are derived from {@link ENGINE_OPTIONS}; the rules that pick a default from the device
 * are in lib/decode/defaults.ts.
 */
import { invalidOption } from '../invalid-option.js';
import { PRECISIONS, type DeviceRequest } from '../model/model.js';

/** Device when none is given: CUDA when libtorch has it and a GPU is visible, else the CPU. */
export const DEFAULT_DEVICE: DeviceRequest = 'auto';

/** Swipes decoded together by one search on the CPU (and the default of `DecoderOptions.batchSize`). */
export const CPU_BATCH_SIZE = 16;

/** libtorch intra-op threads per search. */
export const DEFAULT_THREADS_PER_SEARCH = 1;

/** Swipes per chunk of `predict`, the unit of sharding. */
export const DEFAULT_CHUNK_SIZE = 256;

/** The commands that take engine flags. */
export type EngineCommand = 'decode' | 'predict' | 'reproduce' | 'serve';

/** The values an engine option takes. */
export type EngineValue =
  | { kind: 'device' }
  | { kind: 'int'; min: number; max: number }
  | { kind: 'int-or-auto'; min: number }
  | { kind: 'enum'; values: readonly string[] }
  /** A flag without a value that sets the option to `flagSets` (the option is the opposite unless given). */
  | { kind: 'switch'; flagSets: boolean };

/** One engine option, declared once. */
export interface EngineOptionSpec {
  /** camelCase name: `DecoderOptions.<name>` or `ServeOptions.<name>`, a neuroswipe config's `predict.<name>`. */
  readonly name: string;
  /** CLI flag with its value placeholder. */
  readonly flag: string;
  readonly group: 'engine';
  readonly value: EngineValue;
  /** The commands with the flag. */
  readonly commands: readonly EngineCommand[];
  /** A neuroswipe config's `predict` section takes it (the command line's flag then overrides the config's value). */
  readonly config?: boolean;
  /** The default as help states it (a rule where it depends on the device). */
  readonly defaultHelp: string;
  /** The default a command applies when the flag is absent; absent where the rule needs the device first. */
  readonly flagDefault?: unknown;
  /** An earlier spelling still accepted, with a deprecation message. */
  readonly deprecated?: { flag: string; name: string };
  /** Help line. */
  readonly doc: string;
}

/** Every engine option. */
export const ENGINE_OPTIONS: readonly EngineOptionSpec[] = [
  {
    name: 'device', flag: '--device <device>', group: 'engine', value: { kind: 'device' }, commands: ['decode', 'predict', 'reproduce', 'serve'], config: true,
    defaultHelp: DEFAULT_DEVICE, flagDefault: DEFAULT_DEVICE,
    doc: 'auto (CUDA when libtorch has it and a GPU is visible, else the CPU) | cpu | cuda | cuda:N',
  },
  {
    name: 'precision', flag: '--precision <dtype>', group: 'engine', value: { kind: 'enum', values: PRECISIONS }, commands: ['decode', 'serve'],
    defaultHelp: 'float32', flagDefault: 'float32',
    doc: 'dtype the model computes in; bfloat16 (CPU or CUDA) and float16 (CUDA only) drift slightly from float32, the seed-exact mode',
  },
  {
    name: 'batchSize', flag: '--batch-size <n>', group: 'engine', value: { kind: 'int-or-auto', min: 1 }, commands: ['decode', 'predict', 'reproduce'], config: true,
    defaultHelp: `${CPU_BATCH_SIZE} on the CPU, auto on CUDA`,
    doc: "swipes decoded together by each search (continuous batching), or 'auto' (from the GPU's free memory)",
  },
  {
    name: 'nativeStep', flag: '--torchscript-step', group: 'engine', value: { kind: 'switch', flagSets: false }, commands: ['decode', 'serve'],
    defaultHelp: 'the built-in decoder step',
    doc: "on the CPU, call the model's decode_step instead of the built-in decoder step (same results, slower)",
  },
  {
    name: 'skipForced', flag: '--no-skip-forced', group: 'engine', value: { kind: 'switch', flagSets: false }, commands: ['decode'],
    defaultHelp: 'forced tokens skip the model',
    doc: 'run the model even where the vocabulary allows a single next token (same results, slower)',
  },
  {
    name: 'workers', flag: '--workers <n>', group: 'engine', value: { kind: 'int', min: 1, max: 64 }, commands: ['decode', 'predict', 'reproduce'], config: true,
    defaultHelp: 'one per core divided by --threads on the CPU, 1 on CUDA',
    doc: 'searches run at once on parts of the data, each on its own thread',
  },
  {
    name: 'threads', flag: '--threads <n>', group: 'engine', value: { kind: 'int', min: 1, max: 1024 }, commands: ['decode', 'predict', 'serve'], config: true,
    defaultHelp: String(DEFAULT_THREADS_PER_SEARCH), flagDefault: DEFAULT_THREADS_PER_SEARCH,
    doc: 'libtorch intra-op threads per search',
  },
  {
    name: 'concurrentBatches', flag: '--concurrent-batches <n>', group: 'engine', value: { kind: 'int', min: 1, max: 1024 }, commands: ['serve'],
    defaultHelp: 'one per core on the CPU, 1 on CUDA', deprecated: { flag: '--workers <n>', name: 'workers' },
    doc: 'batches of requests decoded at once, each one native search on its own thread',
  },
  {
    name: 'chunkSize', flag: '--chunk-size <n>', group: 'engine', value: { kind: 'int', min: 1, max: Number.MAX_SAFE_INTEGER }, commands: ['predict'], config: true,
    defaultHelp: String(DEFAULT_CHUNK_SIZE),
    doc: 'swipes per chunk, the unit of sharding; must be the same for all shards',
  },
];

/** The spec of engine option `name`. @throws Error for a name that is not declared (a programming error) */
export function engineSpec(name: string): EngineOptionSpec {
  const s = ENGINE_OPTIONS.find((o) => o.name === name);
  if (s === undefined) throw new Error(`no engine option ${name}`);
  return s;
}

/** What a value of the option must be, in words. */
export function expectedEngineValue(v: EngineValue): string {
  switch (v.kind) {
    case 'device':
      return 'auto, cpu, cuda or cuda:N';
    case 'int':
      return v.max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${v.min}` : `an integer in ${v.min}..${v.max}`;
    case 'int-or-auto':
      return `an integer ≥ ${v.min} or 'auto'`;
    case 'enum':
      return v.values.join(' | ');
    case 'switch':
      return 'true or false';
  }
}

/** Whether `v` is a value of the option. */
function isEngineValue(t: EngineValue, v: unknown): boolean {
  switch (t.kind) {
    case 'device':
      return typeof v === 'string' && /^(auto|cpu|cuda|cuda:\d+)$/.test(v);
    case 'int':
      return typeof v === 'number' && Number.isInteger(v) && v >= t.min && v <= t.max;
    case 'int-or-auto':
      return v === 'auto' || (typeof v === 'number' && Number.isInteger(v) && v >= t.min);
    case 'enum':
      return typeof v === 'string' && t.values.includes(v);
    case 'switch':
      return typeof v === 'boolean';
  }
}

/**
 * Checks a value of engine option `name`.
 * @param path - the option in messages (`batchSize`, `predict.batchSize`)
 * @throws OptionTypeError or OptionRangeError naming `path`
 */
export function checkEngineValue<T>(name: string, v: T, path: string = name): T {
  const spec = engineSpec(name);
  if (!isEngineValue(spec.value, v)) throw invalidOption(path, expectedEngineValue(spec.value), v);
  return v;
}

/**
 * Reads a flag's text as a value of the option.
 * @throws RangeError in the option's words (commander shows it as the flag's invalid argument)
 */
export function parseEngineFlag(spec: EngineOptionSpec, text: string): unknown {
  const n = Number(text);
  const v = spec.value.kind === 'int' || (spec.value.kind === 'int-or-auto' && text !== 'auto') ? (text.trim() === '' ? NaN : n) : text;
  if (!isEngineValue(spec.value, v)) throw new RangeError(`expected ${expectedEngineValue(spec.value)}`);
  return v;
}

/** The JSON schema of an option's value, for a config section. */
function jsonSchemaOf(v: EngineValue): object {
  switch (v.kind) {
    case 'device':
      return { type: 'string', pattern: '^(auto|cpu|cuda|cuda:[0-9]+)$' };
    case 'int':
      return v.max === Number.MAX_SAFE_INTEGER ? { type: 'integer', minimum: v.min } : { type: 'integer', minimum: v.min, maximum: v.max };
    case 'int-or-auto':
      return { anyOf: [{ type: 'integer', minimum: v.min }, { const: 'auto' }] };
    case 'enum':
      return { type: 'string', enum: [...v.values] };
    case 'switch':
      return { type: 'boolean' };
  }
}

/** The members of a neuroswipe config's `predict` section that the engine options declare (`config: true`). */
export function engineConfigProperties(): Record<string, object> {
  return Object.fromEntries(ENGINE_OPTIONS.filter((o) => o.config === true).map((o) => [o.name, jsonSchemaOf(o.value)]));
}

/**
 * The engine values of a config section, checked, by name (absent members left out).
 * @param where - the section in messages (`predict`)
 */
export function engineConfigValues(section: Readonly<Record<string, unknown>>, where: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const o of ENGINE_OPTIONS) {
    if (o.config !== true || section[o.name] === undefined) continue;
    out[o.name] = checkEngineValue(o.name, section[o.name], `${where}.${o.name}`);
  }
  return out;
}
