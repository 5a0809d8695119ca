/**
 * The evaluation results table (seed `src/evaluate.py`): a CSV with one row per evaluated prediction
 * file, written like pandas' `to_csv(index=False)`, rows appended only when no existing row is equal in
 * every column.
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../io/atomic-write.js';
import { formatCsv, parseCsv } from '../io/csv.js';
import type { EvaluationResult } from './evaluate.js';

/** Prediction-record columns, in the seed's order. */
export const RECORD_COLUMNS = [
  'model_name',
  'model_weights',
  'generator_name',
  'generator_call_kwargs',
  'use_vocab_for_generation',
  'grid_name',
  'dataset_split',
  'include_coords',
  'include_time',
  'include_velocities',
  'include_accelerations',
  'transform_name',
] as const;

/** All columns: the seed's (record columns, `mmr`, `accuracy`) then `swipes` and `predictions_path`. */
export const RESULTS_COLUMNS: readonly string[] = [...RECORD_COLUMNS, 'mmr', 'accuracy', 'swipes', 'predictions_path'];

/**
 * Formats a number as Python's `repr(float)` does (shortest round-trip digits; scientific notation with a
 * two-digit signed exponent outside 1e-4 ≤ |x| < 1e16; `.0` on integral values).
 * @param x - the number
 */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mant = '', expStr] = x.toExponential().split('e');
  const exp = Number(expStr);
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  let body: string;
  if (exp >= -4 && exp < 16) {
    if (exp < 0) body = `0.${'0'.repeat(-exp - 1)}${digits}`;
    else if (digits.length <= exp + 1) body = `${digits}${'0'.repeat(exp + 1 - digits.length)}.0`;
    else body = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  } else {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    body = `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return neg ? `-${body}` : body;
}

/**
 * Serialises a value like Python's `json.dumps` with default arguments (separators `, ` and `: `,
 * non-ASCII characters escaped). Integral numbers are written as integers.
 * @param v - a JSON-compatible value
 */
export function pyJsonDumps(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : pyFloatRepr(v);
  if (typeof v === 'string') return JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (Array.isArray(v)) return `[${v.map(pyJsonDumps).join(', ')}]`;
  return `{${Object.entries(v as Record<string, unknown>)
    .map(([k, x]) => `${pyJsonDumps(k)}: ${pyJsonDumps(x)}`)
    .join(', ')}}`;
}

function cell(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : pyFloatRepr(v);
  if (typeof v === 'string') return v;
  return pyJsonDumps(v);
}

/**
 * The table row of an evaluation result, as strings in {@link RESULTS_COLUMNS} order. Metadata fields
 * the file lacks are empty; `generator_call_kwargs` is serialised like Python's `json.dumps`.
 * @param r - the evaluation result
 */
export function resultsRow(r: EvaluationResult): string[] {
  const meta = r.meta ?? {};
  const rec = RECORD_COLUMNS.map((c) => (c === 'generator_call_kwargs' && meta[c] !== undefined ? pyJsonDumps(meta[c]) : cell(meta[c])));
  return [...rec, pyFloatRepr(r.mrr), pyFloatRepr(r.accuracy), String(r.swipes), r.path];
}

export { csvField, parseCsv } from '../io/csv.js';

/**
 * Adds evaluation results to a results table: creates it with a header when it does not exist, otherwise
 * checks its header and appends each row that no existing row equals in every column. The file is
 * rewritten through a temporary file.
 * @param path - the CSV file
 * @param results - evaluation results in order
 * @returns how many rows were added
 * @throws Error naming the file when its header differs or a row has the wrong number of fields
 */
export function appendResults(path: string, results: readonly EvaluationResult[]): number {
  const existing: string[][] = [];
  if (existsSync(path)) {
    const rows = parseCsv(readFileSync(path, 'utf8'), path);
    const header = rows.shift() ?? [];
    if (header.join(',') !== RESULTS_COLUMNS.join(',')) {
      throw new Error(`${path}: header is ${JSON.stringify(header.join(','))}, expected ${JSON.stringify(RESULTS_COLUMNS.join(','))}`);
    }
    rows.forEach((r, i) => {
      if (r.length !== RESULTS_COLUMNS.length) throw new Error(`${path}:${i + 2}: expected ${RESULTS_COLUMNS.length} fields, got ${r.length}`);
      for (const c of ['mmr', 'accuracy', 'swipes']) {
        const v = r[RESULTS_COLUMNS.indexOf(c)];
        if (v === '' || Number.isNaN(Number(v))) throw new Error(`${path}:${i + 2}: ${c}: expected a number, got ${JSON.stringify(v)}`);
      }
    });
    existing.push(...rows);
  }
  const before = existing.length;
  for (const r of results) {
    const row = resultsRow(r);
    if (!existing.some((e) => e.every((v, k) => v === row[k]))) existing.push(row);
  }
  const text = formatCsv([RESULTS_COLUMNS, ...existing]);
  writeFileAtomic(path, text);
  return existing.length - before;
}
