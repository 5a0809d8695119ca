/**
 * The `neuroswipe.json` metadata inside every model file (docs/MODEL_FORMAT.md), with its validator.
 */
import { Ajv, type JSONSchemaType } from 'ajv';

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
    value = JSON.parse(json);
  } catch (err) {
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
