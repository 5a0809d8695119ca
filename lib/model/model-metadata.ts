/**
 * The `neuroswipe.json` metadata inside every model file (docs/MODEL_FORMAT.md): its schema and parser,
 * and its checks against the archive it came in. The fields must agree with one another, with the weights
 * (shapes, attention heads) and with what `encode`/`decode` actually return, so that a contradicting
 * export fails at load with the field named, not later with an unrelated message.
 */
import { Ajv, type JSONSchemaType } from 'ajv';
import type { NativeScriptModel } from '../native.js';
import { JsonDepthError, parseJson } from '../io/json.js';

/** Seed architecture names (docs/SEED.md §5). */
export const ARCHITECTURES = [
  'm1',
  'm1_bigger',
  'm1_smaller',
  'v3_weighted_and_traj_transformer_bigger',
  'v3_nearest_and_traj_transformer_bigger',
  'v3_nearest_only_transformer_bigger',
  'v3_trainable_gaussian_weights_and_traj_transformer_bigger',
] as const;

/** A seed architecture name. */
export type Architecture = (typeof ARCHITECTURES)[number];

/** What the model's `keys` input holds. */
export type KeyInput = 'nearest' | 'weights' | 'distances' | 'xy';

/** The feature transform a model was trained with (docs/SEED.md §3.6). */
export interface ModelTransform {
  name: string;
  include_time: boolean;
  include_velocities: boolean;
  include_accelerations: boolean;
  include_coords: boolean;
}

/** Parsed `neuroswipe.json`. */
export interface ModelMetadata {
  format: 'neuroswipe-model';
  format_version: 1;
  architecture: Architecture;
  transform: ModelTransform;
  n_traj_feats: number;
  key_input: KeyInput;
  n_key_columns: number;
  char_tokens: string[];
  n_classes: number;
  d_model: number;
  max_curve_len: number;
  max_token_len: number;
  grid_names: string[];
  exported_with: { torch: string };
  source_weights?: { path: string; sha256: string };
  /** The model has `memory_kv` and `decode_step` (incremental decoding). */
  incremental?: boolean;
  /** Layout of the incremental caches; only `heads` (`[L, 2, B, H, N, D/H]`) is used by the engine. */
  kv_layout?: string;
  /** Decoder layers `L`. */
  n_decoder_layers?: number;
  /** Attention heads `H`. */
  n_heads?: number;
}

const schema: JSONSchemaType<ModelMetadata> = {
  type: 'object',
  additionalProperties: true,
  required: [
    'format', 'format_version', 'architecture', 'transform', 'n_traj_feats', 'key_input', 'n_key_columns',
    'char_tokens', 'n_classes', 'd_model', 'max_curve_len', 'max_token_len', 'grid_names', 'exported_with',
  ],
  properties: {
    format: { type: 'string', const: 'neuroswipe-model' },
    format_version: { type: 'integer', const: 1 },
    architecture: { type: 'string', enum: [...ARCHITECTURES] },
    transform: {
      type: 'object',
      required: ['name', 'include_time', 'include_velocities', 'include_accelerations', 'include_coords'],
      additionalProperties: false,
      properties: {
        name: { type: 'string' },
        include_time: { type: 'boolean' },
        include_velocities: { type: 'boolean' },
        include_accelerations: { type: 'boolean' },
        include_coords: { type: 'boolean' },
      },
    },
    n_traj_feats: { type: 'integer', minimum: 0 },
    key_input: { type: 'string', enum: ['nearest', 'weights', 'distances', 'xy'] },
    n_key_columns: { type: 'integer', minimum: 0 },
    char_tokens: { type: 'array', items: { type: 'string' }, minItems: 5 },
    n_classes: { type: 'integer', minimum: 2 },
    d_model: { type: 'integer', minimum: 1 },
    max_curve_len: { type: 'integer', minimum: 1 },
    max_token_len: { type: 'integer', minimum: 2 },
    grid_names: { type: 'array', items: { type: 'string' }, minItems: 1 },
    exported_with: {
      type: 'object',
      required: ['torch'],
      properties: { torch: { type: 'string' } },
    },
    source_weights: {
      type: 'object',
      nullable: true,
      required: ['path', 'sha256'],
      properties: { path: { type: 'string' }, sha256: { type: 'string' } },
    },
    incremental: { type: 'boolean', nullable: true },
    kv_layout: { type: 'string', nullable: true },
    n_decoder_layers: { type: 'integer', minimum: 1, nullable: true },
    n_heads: { type: 'integer', minimum: 1, nullable: true },
  },
};

const ajv = new Ajv({ allErrors: true });
const validate = ajv.compile(schema);

/**
 * Parses and validates a model's metadata.
 * @param json - the raw `neuroswipe.json` text
 * @param file - the model file, for error messages
 * @throws Error naming the file and every wrong or missing field
 */
export function parseModelMetadata(json: string, file: string): ModelMetadata {
  let value: unknown;
  try {
    value = parseJson(json);
  } catch (err) {
    if (err instanceof JsonDepthError) throw new Error(`${file}: neuroswipe.json:${err.line}: ${err.message}`, { cause: err });
    throw new Error(`${file}: neuroswipe.json is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  if (!validate(value)) {
    const problems = (validate.errors ?? []).map((e) => {
      const where = e.instancePath ? e.instancePath.slice(1).replace(/\//g, '.') : '(root)';
      return e.keyword === 'required' ? `missing field ${String(e.params.missingProperty)}` : `${where} ${e.message}`;
    });
    throw new Error(`${file}: neuroswipe.json: ${problems.join('; ')}`);
  }
  const m = value;
  const tail = m.char_tokens.slice(-4).join(',');
  if (tail !== '<eos>,<unk>,<pad>,<sos>') {
    throw new Error(`${file}: neuroswipe.json: char_tokens must end with <eos>, <unk>, <pad>, <sos>; ends with ${tail}`);
  }
  if (m.n_classes > m.char_tokens.length) {
    throw new Error(`${file}: neuroswipe.json: n_classes ${m.n_classes} exceeds the ${m.char_tokens.length} char tokens`);
  }
  return m;
}

/** The weights' names and shapes and the attention modules' head counts (native `structure`). */
export interface ArchiveStructure {
  tensors: Record<string, number[]>;
  attentionHeads: Record<string, number>;
}

/** Cache layouts this version reads (docs/MODEL_FORMAT.md). */
export const KV_LAYOUTS: readonly string[] = ['heads'];

/** The key input each transform gives (lib/features). */
const TRANSFORM_KEY_INPUT: Readonly<Record<string, KeyInput>> = {
  traj_feats_and_nearest_key: 'nearest',
  nearest_key_only: 'nearest',
  traj_feats_and_distance_weights: 'weights',
  traj_feats_and_distances__actual: 'distances',
  traj_feats_and_xy: 'xy',
};

function fail(file: string, field: string, problem: string): never {
  throw new Error(`${file}: neuroswipe.json: ${field}: ${problem}`);
}

/**
 * The checks that need only the metadata: a known `kv_layout` (required when `incremental`), and
 * `key_input` / `n_key_columns` agreeing with the transform.
 * @throws Error naming the file and the field
 */
export function checkMetadataFields(m: ModelMetadata, file: string): void {
  if (m.kv_layout !== undefined && m.kv_layout !== null && !KV_LAYOUTS.includes(m.kv_layout)) {
    fail(file, 'kv_layout', `${JSON.stringify(m.kv_layout)} is not a cache layout this version reads (known: ${KV_LAYOUTS.join(', ')})`);
  }
  if (m.incremental === true && (m.kv_layout === undefined || m.kv_layout === null)) {
    fail(file, 'kv_layout', 'missing; it is required when incremental is true');
  }
  const expected = TRANSFORM_KEY_INPUT[m.transform.name];
  if (expected !== undefined && expected !== m.key_input) {
    fail(file, 'key_input', `${JSON.stringify(m.key_input)} contradicts transform.name ${JSON.stringify(m.transform.name)}, which gives ${JSON.stringify(expected)}`);
  }
  if (m.key_input === 'nearest' && m.n_key_columns !== 0) fail(file, 'n_key_columns', `${m.n_key_columns}, but key_input "nearest" has one key id per point (0 columns)`);
  if (m.key_input !== 'nearest' && m.n_key_columns === 0) fail(file, 'n_key_columns', `0, but key_input ${JSON.stringify(m.key_input)} has key feature columns`);
}

const DECODER_SELF_ATTN = /(?:^|\.)decoder\.(?:[\w]+\.)*layers\.(\d+)\.self_attn\.in_proj_weight$/;
const OUT_WEIGHT = /(?:^|\.)out\.weight$/;
const POSITIONAL = /(?:^|\.)pe$/;

/**
 * Compares the metadata with the weights: `d_model` and `n_decoder_layers` with the decoder's attention
 * projections, `n_heads` with its attention modules, `n_classes` with the output projection,
 * `max_curve_len` with the longest positional table. A quantity the archive does not show under the
 * usual names is not checked here (the probe in {@link checkModelArchive} still runs).
 * @throws Error naming the file and the field
 */
export function checkMetadataAgainstWeights(m: ModelMetadata, s: ArchiveStructure, file: string): void {
  const layers = new Map<number, number[]>();
  for (const [name, shape] of Object.entries(s.tensors)) {
    const hit = DECODER_SELF_ATTN.exec(name);
    if (hit) layers.set(Number(hit[1]), shape);
  }
  if (layers.size > 0) {
    const [first = []] = layers.values();
    const d = first[first.length - 1];
    if (d !== m.d_model) fail(file, 'd_model', `${m.d_model}, but the archive's decoder attention works on ${d} features`);
    if (m.n_decoder_layers !== undefined && m.n_decoder_layers !== null && m.n_decoder_layers !== layers.size) {
      fail(file, 'n_decoder_layers', `${m.n_decoder_layers}, but the archive's decoder has ${layers.size} layers`);
    }
  }
  if (m.n_heads !== undefined && m.n_heads !== null) {
    const heads = Object.entries(s.attentionHeads).filter(([name]) => /(?:^|\.)decoder\.(?:[\w]+\.)*layers\.\d+\.self_attn$/.test(name));
    const wrong = heads.find(([, h]) => h !== m.n_heads);
    if (wrong) fail(file, 'n_heads', `${m.n_heads}, but the archive's ${wrong[0]} has ${wrong[1]} heads`);
  }
  const outs = Object.entries(s.tensors).filter(([name, shape]) => OUT_WEIGHT.test(name) && shape.length === 2 && shape[1] === m.d_model);
  const [out] = outs;
  if (outs.length === 1 && out !== undefined && out[1][0] !== m.n_classes) {
    fail(file, 'n_classes', `${m.n_classes}, but the archive's output layer ${out[0]} gives ${out[1][0]} classes`);
  }
  let table: [string, number] | null = null;
  for (const [name, shape] of Object.entries(s.tensors)) {
    const positions = shape[0];
    if (POSITIONAL.test(name) && shape.length === 3 && positions !== undefined && (table === null || positions > table[1])) table = [name, positions];
  }
  if (table !== null && m.max_curve_len > table[1]) {
    fail(file, 'max_curve_len', `${m.max_curve_len}, but the archive's longest positional table ${table[0]} has ${table[1]} positions`);
  }
}

function firstLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  const lines = msg.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
  return lines.find((l) => /Error|error|expected|mismatch|shape|size/.test(l) && !l.startsWith('File ')) ?? lines[0] ?? msg;
}

/**
 * Runs `encode` on a two-point swipe built from the metadata (`n_traj_feats`, `key_input`,
 * `n_key_columns`) and `decode` on one `<sos>` token, and compares the outputs' widths with `d_model`
 * and `n_classes`.
 * @throws Error naming the file and the fields that do not fit
 */
export async function probeModel(handle: NativeScriptModel, m: ModelMetadata, file: string): Promise<void> {
  const s = 2;
  const traj = new Float32Array(s * m.n_traj_feats);
  const keys = m.key_input === 'nearest' ? new Int32Array(s) : new Float32Array(s * m.n_key_columns);
  const keysShape = m.key_input === 'nearest' ? [s, 1] : [s, 1, m.n_key_columns];
  let memory;
  try {
    memory = await handle.encode(traj, [s, 1, m.n_traj_feats], keys, keysShape, null);
  } catch (err) {
    fail(file, 'n_traj_feats / key_input / n_key_columns',
      `${m.n_traj_feats} trajectory features and ${m.key_input === 'nearest' ? 'one key id' : `${m.n_key_columns} key columns (${m.key_input})`} per point do not fit the archive's encode: ${firstLine(err)}`);
  }
  const d = memory.shape[memory.shape.length - 1];
  if (memory.shape.length !== 3 || d !== m.d_model) fail(file, 'd_model', `${m.d_model}, but the archive's encode returns [${memory.shape.join(', ')}]`);
  const sos = m.char_tokens.length - 1;
  let logits;
  try {
    logits = await handle.decode(Int32Array.of(sos), [1, 1], memory.data, memory.shape, null);
  } catch (err) {
    fail(file, 'char_tokens / n_classes', `decoding <sos> (token ${sos}) fails in the archive's decode: ${firstLine(err)}`);
  }
  const c = logits.shape[logits.shape.length - 1];
  if (c !== m.n_classes) fail(file, 'n_classes', `${m.n_classes}, but the archive's decode gives ${c} classes`);
}

/**
 * Every check of this module, in order: fields, weights, probe.
 * @throws Error naming the file and the field
 */
export async function checkModelArchive(handle: NativeScriptModel, m: ModelMetadata, file: string): Promise<void> {
  checkMetadataFields(m, file);
  checkMetadataAgainstWeights(m, handle.structure, file);
  await probeModel(handle, m, file);
}
