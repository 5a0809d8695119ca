/**
 * A predictor's description: the metadata line of its prediction files (the seed's prediction record
 * fields plus content hashes), the registry identity derived from it, and its file names.
 */
import type { DecodingOptions } from '../decode/decoding.js';
import { VOCABULARY_OPTIONS, type VocabularyOptions } from '../options/schema.js';
import { checkOptionValue } from '../options/resolve.js';
import { vocabularyOptionsOf } from '../options/vocabulary-options.js';
import { needsVocabularyWords } from '../options/rules.js';
import { needsPrior } from '../options/prior-options.js';
import type { ModelMetadata } from '../model/model-metadata.js';
import type { PredictorMeta } from '../predictions.js';
import type { PredictorEntry } from '../config/plan.js';
import { canonicalOptions, seedKwargs, strictDecodingOptions } from '../config/generator-options.js';
import type { PredictorIdentity } from '../registry/schema.js';
import { IDENTITY_COLUMNS } from '../registry/schema.js';
import { sha256Text } from './hash.js';

/**
 * What {@link predictorMeta} needs besides the config entry; with the vocabulary, the options of its use
 * (scope `'vocabulary'` in lib/options/schema.ts).
 */
export interface MetaInputs extends VocabularyOptions {
  /** The config entry. */
  entry: PredictorEntry;
  /** The loaded model's metadata. */
  model: ModelMetadata;
  /** The exact generator options. */
  decoding: DecodingOptions;
  /** Whether outputs are restricted to the vocabulary. */
  useVocabulary: boolean;
  /** Data split decoded. */
  split: string;
  /** SHA-256 of the weights file named by the config. */
  weightsSha256: string;
  /** SHA-256 of the vocabulary file when `useVocabulary` or `decoding.repair` (its words), else `null`. */
  vocabularySha256: string | null;
  /** SHA-256 of the prior's frequency file when `decoding.priorWeight` is set; absent or `null` otherwise. */
  priorSha256?: string | null;
}

/**
 * The options of the vocabulary's use that are part of a predictor's identity, by their seed name: each one
 * only when it differs from the value every prediction had before the option existed, so that the identity
 * of those predictions stays as it was.
 */
function vocabularyMembers(values: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const o of VOCABULARY_OPTIONS) {
    const v = values[o.name];
    if (v !== undefined && v !== o.identityUnless) out[o.seed] = v;
  }
  return out;
}

/**
 * The `predictor` object of a prediction file's metadata line: the seed's `Prediction` record fields in
 * the seed's order (docs/SEED.md §7.3; `model_weights` as the config writes it, transform and flags as the
 * model was exported with), then `weights_sha256` and `vocabulary_sha256`, and `prior_sha256` only with the
 * word-frequency prior (so that the metadata of every other predictor stays as it was).
 */
export function predictorMeta(x: MetaInputs): PredictorMeta {
  const t = x.model.transform;
  const meta: PredictorMeta = {
    model_name: x.entry.architecture,
    model_weights: x.entry.weights,
    generator_name: x.decoding.generator,
    generator_call_kwargs: seedKwargs(x.decoding),
    use_vocab_for_generation: x.useVocabulary,
    grid_name: x.entry.grid,
    dataset_split: x.split,
    include_coords: t.include_coords,
    include_time: t.include_time,
    include_velocities: t.include_velocities,
    include_accelerations: t.include_accelerations,
    transform_name: t.name,
    weights_sha256: x.weightsSha256,
    vocabulary_sha256: x.vocabularySha256,
  };
  if (x.priorSha256 !== undefined && x.priorSha256 !== null) meta.prior_sha256 = x.priorSha256;
  if (x.useVocabulary) Object.assign(meta, vocabularyMembers({ ...vocabularyOptionsOf(x) }));
  return meta;
}

function field<T>(meta: PredictorMeta, name: string, type: 'string' | 'boolean', where: string): T {
  const v = meta[name];
  if (typeof v !== type) throw new Error(`${where}: predictor.${name}: expected a ${type}, got ${JSON.stringify(v)}`);
  return v as T;
}

/**
 * The registry identity of the predictor described by a metadata object.
 * @param meta - a prediction file's `predictor` object (as written by {@link predictorMeta})
 * @param where - the file, for messages
 * @throws Error naming the file and the field when a member is missing or mistyped
 */
export function identityFromMeta(meta: PredictorMeta, where: string): PredictorIdentity {
  const generator = field<string>(meta, 'generator_name', 'string', where);
  const kwargs = meta.generator_call_kwargs;
  if (typeof kwargs !== 'object' || kwargs === null || Array.isArray(kwargs)) {
    throw new Error(`${where}: predictor.generator_call_kwargs: expected an object, got ${JSON.stringify(kwargs)}`);
  }
  const options = strictDecodingOptions(generator, kwargs as Record<string, unknown>, 'seed', `${where}: predictor.generator_call_kwargs`);
  const useVocab = field<boolean>(meta, 'use_vocab_for_generation', 'boolean', where);
  const vocab = meta.vocabulary_sha256;
  // Levenshtein repair's words are the vocabulary file's: its hash is part of the identity then too.
  const vocabMatters = useVocab || needsVocabularyWords(options);
  if (vocabMatters && typeof vocab !== 'string') throw new Error(`${where}: predictor.vocabulary_sha256: expected a string, got ${JSON.stringify(vocab)}`);
  // The prior's frequency file is part of the options' identity, and only with the prior.
  const extra: Record<string, unknown> = {};
  if (needsPrior(options)) {
    const prior = meta.prior_sha256;
    if (typeof prior !== 'string') throw new Error(`${where}: predictor.prior_sha256: expected a string (generator_call_kwargs.prior_weight is set), got ${JSON.stringify(prior)}`);
    extra.priorSha256 = prior;
  }
  // The vocabulary's options (its scoring), by their seed names, checked against the schema.
  for (const o of VOCABULARY_OPTIONS) {
    const v = meta[o.seed];
    if (v === undefined) continue;
    if (!useVocab) throw new Error(`${where}: predictor.${o.seed}: applies only with use_vocab_for_generation`);
    checkOptionValue(o, v, `${where}: predictor.${o.seed}`, { limits: { nClasses: Infinity, maxTokenLen: Infinity }, generator: options.generator, resolved: {} });
    if (v !== o.identityUnless) extra[o.name] = v;
  }
  const transform = {
    include_accelerations: field<boolean>(meta, 'include_accelerations', 'boolean', where),
    include_coords: field<boolean>(meta, 'include_coords', 'boolean', where),
    include_time: field<boolean>(meta, 'include_time', 'boolean', where),
    include_velocities: field<boolean>(meta, 'include_velocities', 'boolean', where),
    name: field<string>(meta, 'transform_name', 'string', where),
  };
  return {
    architecture: field<string>(meta, 'model_name', 'string', where),
    weightsPath: field<string>(meta, 'model_weights', 'string', where),
    weightsSha256: field<string>(meta, 'weights_sha256', 'string', where),
    generator,
    generatorOptions: canonicalOptions(options, extra),
    useVocab,
    vocabSha256: vocabMatters ? (vocab as string) : '',
    transform: JSON.stringify(transform),
    grid: field<string>(meta, 'grid_name', 'string', where),
  };
}

/** A stable key of an identity (canonical JSON of its columns in order). */
export function identityKey(p: PredictorIdentity): string {
  return JSON.stringify(IDENTITY_COLUMNS.map(([ts]) => p[ts]));
}

/**
 * The prediction file name of a predictor on a split:
 * `<weights with "/" → "__">.<grid>.<generator>.<first 8 hex of the identity's hash>.<split>.jsonl`.
 * The hash makes different predictors' files distinct even when they share weights.
 */
export function predictionFileName(entry: PredictorEntry, identity: PredictorIdentity, split: string): string {
  const flat = entry.weightsName.split('/').join('__');
  return `${flat}.${entry.grid}.${identity.generator}.${sha256Text(identityKey(identity)).slice(0, 8)}.${split}.jsonl`;
}
