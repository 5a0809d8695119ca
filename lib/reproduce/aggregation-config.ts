/**
 * The `aggregation_config` section of a reproduction config: how the per-model test predictions become
 * the submission (docs/SEED.md §8.4). The seed's configs carry this section as an empty placeholder; the
 * prediction step ignores it and `neuroswipe reproduce` reads it.
 */
import { readFileSync } from 'node:fs';
import { applyOverrides, parseOverride } from '../config/overrides.js';
import { parseJsonFile } from '../io/json.js';

/** How the models' predictions are combined and completed. */
export interface AggregationSettings {
  /** Only `appendage` (seed `aggregate_preds_raw_appendage`), the submission's method. */
  method: 'appendage';
  /** Out-of-vocabulary hypotheses are removed before appending (the seed always does). */
  outOfVocabulary: 'remove';
  /** Words per row (4 in the competition). */
  limit: number;
  /** Fill rows shorter than `limit` from the official DTW baseline's words. */
  baselineFill: boolean;
  /** Vocabulary words the baseline uses (−1: all, the seed's default). */
  baselineVocSize: number;
}

/** The docs/SEED.md §8.4 procedure; used when the section is the seed's empty placeholder `{}`. */
export const SUBMISSION_AGGREGATION: Readonly<AggregationSettings> = Object.freeze({
  method: 'appendage',
  outOfVocabulary: 'remove',
  limit: 4,
  baselineFill: true,
  baselineVocSize: -1,
});

const FIELDS = ['method', 'out_of_vocabulary', 'limit', 'baseline_fill', 'baseline_voc_size'] as const;

/**
 * Validates an `aggregation_config` object. `{}` (the seed's placeholder) means
 * {@link SUBMISSION_AGGREGATION}; otherwise every member must be present and no other.
 * @param value - the section
 * @param where - `file: aggregation_config`, for messages
 * @throws Error naming the file and the field for an unknown, missing or bad member
 */
export function parseAggregationSettings(value: unknown, where: string): AggregationSettings {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${where}: expected an object`);
  const v = value as Record<string, unknown>;
  const keys = Object.keys(v);
  if (keys.length === 0) return { ...SUBMISSION_AGGREGATION };
  for (const k of keys) {
    if (!(FIELDS as readonly string[]).includes(k)) throw new Error(`${where}.${k}: unknown field (known: ${FIELDS.join(', ')})`);
  }
  for (const k of FIELDS) if (!(k in v)) throw new Error(`${where}.${k}: missing field`);
  if (v.method !== 'appendage') throw new Error(`${where}.method: expected "appendage", got ${JSON.stringify(v.method)}`);
  if (v.out_of_vocabulary !== 'remove') throw new Error(`${where}.out_of_vocabulary: expected "remove", got ${JSON.stringify(v.out_of_vocabulary)}`);
  if (typeof v.limit !== 'number' || !Number.isInteger(v.limit) || v.limit < 1) throw new Error(`${where}.limit: expected an integer ≥ 1, got ${JSON.stringify(v.limit)}`);
  if (typeof v.baseline_fill !== 'boolean') throw new Error(`${where}.baseline_fill: expected a boolean, got ${JSON.stringify(v.baseline_fill)}`);
  const size = v.baseline_voc_size;
  if (typeof size !== 'number' || !Number.isInteger(size) || size < -1) throw new Error(`${where}.baseline_voc_size: expected -1 or an integer ≥ 0, got ${JSON.stringify(size)}`);
  return { method: 'appendage', outOfVocabulary: 'remove', limit: v.limit, baselineFill: v.baseline_fill, baselineVocSize: size };
}

/**
 * Reads a config file's `aggregation_config` after applying the `--set` overrides (so
 * `--set aggregation_config.limit=3` works).
 * @param path - the config file
 * @param sets - `--set a.b=c` arguments
 * @throws Error naming the file when it is not a seed-format config or the section is missing or bad
 */
export function readAggregationSettings(path: string, sets: readonly string[]): AggregationSettings {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`${path}: cannot read config: ${(err as Error).message}`, { cause: err });
  }
  const doc = parseJsonFile(text, path);
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc) || !('prediction_config' in doc)) {
    throw new Error(`${path}: reproduce needs a seed-format config (prediction_config + aggregation_config), as configs/yandex-cup.json`);
  }
  const d = doc as Record<string, unknown>;
  applyOverrides(d, sets.map(parseOverride));
  if (!('aggregation_config' in d)) throw new Error(`${path}: aggregation_config: missing field (reproduce needs it; {} means the Yandex Cup procedure)`);
  return parseAggregationSettings(d.aggregation_config, `${path}: aggregation_config`);
}
