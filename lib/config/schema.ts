/**
 * The one JSON schema of prediction configs. A config holds either the seed's `prediction_config`
 * section (accepted exactly as the seed's `configs/*.json` write it, docs/SEED.md §3.11) or neuroswipe's own
 * `predict` section (docs/CONFIG.md). Unknown members are errors in both.
 */
import { Ajv, type ErrorObject } from 'ajv';
import { GENERATOR_NAMES } from '../options/schema.js';
import { vocabularyConfigProperties } from '../options/vocabulary-options.js';
import { engineConfigProperties } from '../options/engine.js';
import { TRANSFORM_NAMES } from '../features/types.js';
import { ARCHITECTURES } from '../model/model-metadata.js';

const str = { type: 'string', minLength: 1 };
const bool = { type: 'boolean' };

/** Schema of the seed's `prediction_config`. */
export const SEED_SECTION_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: [
    'model_params', 'out_path', 'data_split', 'data_split__to__path', 'models_root', 'voc_path', 'transform_name',
    'generator', 'generator_call_kwargs', 'use_vocab_for_generation',
  ],
  properties: {
    model_params: {
      type: 'array',
      items: { type: 'array', minItems: 3, maxItems: 3, items: [str, { type: 'string', enum: [...ARCHITECTURES] }, str] },
    },
    out_path: str,
    csv_path: { type: ['string', 'null'] },
    data_split: { type: 'string', enum: ['val', 'test'] },
    data_split__to__path: { type: 'object', minProperties: 1, additionalProperties: str },
    grid_name_to_grid__path: str,
    models_root: { type: 'string' },
    voc_path: str,
    prior_path: str,
    transform_name: { type: 'string', enum: [...TRANSFORM_NAMES] },
    include_coords: bool,
    include_time: bool,
    include_velocities: bool,
    include_accelerations: bool,
    generator: { type: 'string', enum: [...GENERATOR_NAMES] },
    generator_call_kwargs: { type: 'object' },
    use_vocab_for_generation: bool,
    // Not the seed's: accepted so that a seed config asking for another scoring is told why it cannot.
    ...vocabularyConfigProperties('seed'),
    n_classes: { type: ['integer', 'null'], minimum: 2 },
  },
} as const;

/** Schema of neuroswipe's `predict` section. */
export const NATIVE_SECTION_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['split', 'data', 'models', 'decoding', 'useVocabulary', 'outDir'],
  properties: {
    split: { type: 'string', enum: ['val', 'test'] },
    data: { type: 'object', minProperties: 1, additionalProperties: false, properties: { val: str, test: str } },
    grids: str,
    vocabulary: str,
    prior: str,
    useVocabulary: bool,
    ...vocabularyConfigProperties('name'),
    modelsRoot: str,
    models: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['grid', 'architecture', 'weights'],
        properties: { grid: str, architecture: { type: 'string', enum: [...ARCHITECTURES] }, weights: str },
      },
    },
    decoding: {
      type: 'object',
      required: ['generator'],
      properties: { generator: { type: 'string', enum: [...GENERATOR_NAMES] } },
    },
    transform: {
      type: 'object',
      additionalProperties: false,
      required: ['name'],
      properties: {
        name: { type: 'string', enum: [...TRANSFORM_NAMES] },
        includeCoords: bool,
        includeTime: bool,
        includeVelocities: bool,
        includeAccelerations: bool,
      },
    },
    nClasses: { type: 'integer', minimum: 2 },
    outDir: str,
    registry: str,
    // device, batchSize, workers, threads, chunkSize: declared with the engine options.
    ...engineConfigProperties(),
  },
} as const;

/** The whole config document: exactly one of `prediction_config` (seed) or `predict` (neuroswipe). */
export const CONFIG_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    prediction_config: SEED_SECTION_SCHEMA,
    aggregation_config: { type: 'object' },
    predict: NATIVE_SECTION_SCHEMA,
  },
  oneOf: [
    { required: ['prediction_config'], not: { required: ['predict'] } },
    { required: ['predict'], not: { anyOf: [{ required: ['prediction_config'] }, { required: ['aggregation_config'] }] } },
  ],
} as const;

const ajv = new Ajv({ allErrors: true, strictTuples: false });
const validate = ajv.compile(CONFIG_SCHEMA);

/** `/a/0/b` → `a[0].b`. */
function fieldPath(pointer: string): string {
  if (pointer === '') return '(root)';
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, seg) => (/^\d+$/.test(seg) ? `${acc}[${seg}]` : acc === '' ? seg : `${acc}.${seg}`), '');
}

function describe(e: ErrorObject): string {
  const where = fieldPath(e.instancePath);
  switch (e.keyword) {
    case 'additionalProperties':
      return `${where === '(root)' ? '' : where + '.'}${String(e.params.additionalProperty)}: unknown field`;
    case 'required':
      return `${where === '(root)' ? '' : where + '.'}${String(e.params.missingProperty)}: missing field`;
    case 'enum':
      return `${where}: expected one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return `${where}: ${(e.message ?? e.keyword).replace(/^must be /, 'expected ').replace(/^must /, 'expected to ')}`;
  }
}

/**
 * Validates a parsed config document against {@link CONFIG_SCHEMA}.
 * @param doc - the parsed JSON
 * @param file - the config file, for messages
 * @throws Error `file: field: problem` listing every problem found
 */
export function validateConfigDocument(doc: unknown, file: string): void {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new Error(`${file}: (root): expected a JSON object`);
  const d = doc as Record<string, unknown>;
  const hasSeed = 'prediction_config' in d;
  const hasOurs = 'predict' in d;
  if (hasSeed === hasOurs) {
    throw new Error(`${file}: (root): expected exactly one of prediction_config (seed format) or predict (neuroswipe format)`);
  }
  if (validate(doc)) return;
  const problems = (validate.errors ?? []).filter((e) => e.keyword !== 'oneOf' && !e.schemaPath.startsWith('#/oneOf')).map(describe);
  const unique = [...new Set(problems)];
  throw new Error(`${file}: ${unique.length ? unique.join('; ') : 'invalid config'}`);
}
