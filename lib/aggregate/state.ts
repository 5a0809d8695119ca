/**
 * Predictor ids and the saved state of the weighted aggregator (predictor id → weight).
 *
 * Until predictors live in a registry, a predictor's id is derived from its prediction file: the
 * metadata's `predictor_id` when present; otherwise, when the file has metadata, the JSON array
 * `[model_name, model_weights, generator_name, generator_call_kwargs (keys sorted), grid_name]` — the
 * identity of a predictor without its data split, so that validation and test files of one predictor
 * share it; otherwise the file's path.
 */
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../io/atomic-write.js';
import type { PredictorMeta } from '../predictions.js';
import { parseJsonFile } from '../io/json.js';

function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return Object.fromEntries(Object.keys(o).sort().map((k) => [k, sortedKeys(o[k])]));
  }
  return value;
}

/**
 * The id of the predictor that produced a prediction file.
 * @param meta - the file's metadata, if any
 * @param path - the file's path (used when there is no metadata)
 */
export function predictorId(meta: PredictorMeta | undefined, path: string): string {
  if (meta === undefined) return path;
  const id = meta.predictor_id;
  if (typeof id === 'string' || typeof id === 'number') return String(id);
  return JSON.stringify([
    meta.model_name ?? null,
    meta.model_weights ?? null,
    meta.generator_name ?? null,
    sortedKeys(meta.generator_call_kwargs ?? null),
    meta.grid_name ?? null,
  ]);
}

/** Saved weighted-aggregator state: predictor id → weight. */
export type WeightState = Record<string, number>;

/**
 * Reads and validates a state file.
 * @param path - JSON object mapping predictor id to a finite positive number
 * @throws Error naming the file and the offending id
 */
export function readWeightState(path: string): WeightState {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`${path}: cannot read aggregator state: ${(err as Error).message}`, { cause: err });
  }
  const parsed = parseJsonFile(text, path);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`${path}: (root): expected an object mapping predictor id to weight`);
  }
  for (const [id, w] of Object.entries(parsed)) {
    if (typeof w !== 'number' || !Number.isFinite(w) || w <= 0) throw new Error(`${path}: ${id}: expected a positive number, got ${JSON.stringify(w)}`);
  }
  return parsed as WeightState;
}

/**
 * Writes a state file (temporary file + rename), keys in the given order.
 * @param path - target file
 * @param state - predictor id → weight
 */
export function writeWeightState(path: string, state: WeightState): void {
  writeFileAtomic(path, JSON.stringify(state, null, 2) + '\n');
}

/**
 * Looks up every predictor's weight in a state; every id must be present (seed plan: the aggregator
 * first checks that all the predictors of its state are available).
 * @param state - predictor id → weight
 * @param ids - the ids of the inputs, in input order
 * @throws Error listing the ids missing from the state, and the state's ids missing from the inputs
 */
export function weightsFromState(state: WeightState, ids: readonly string[]): number[] {
  const weights: number[] = [];
  const missing: string[] = [];
  for (const id of ids) {
    const w = Object.hasOwn(state, id) ? state[id] : undefined;
    if (w === undefined) missing.push(id);
    else weights.push(w);
  }
  const unused = Object.keys(state).filter((id) => !ids.includes(id));
  if (missing.length > 0 || unused.length > 0) {
    const parts: string[] = [];
    if (missing.length > 0) parts.push(`inputs without a weight: ${missing.join('; ')}`);
    if (unused.length > 0) parts.push(`state predictors not among the inputs: ${unused.join('; ')}`);
    throw new Error(`aggregator state does not match the inputs (${parts.join('; ')})`);
  }
  return weights;
}
