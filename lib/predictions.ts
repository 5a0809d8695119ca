/**
 * Prediction files: JSONL, one row per decoded swipe, optionally preceded by one metadata line.
 * The format is described in `docs/PREDICTION_FORMAT.md`.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { AtomicTextWriter } from './io/atomic-write.js';
import { JsonDepthError, parseJson } from './io/json.js';
import { checkInputFile } from './io/count-lines.js';

/** One hypothesis: `[score, word]`, lower score is better. */
export type Candidate = [number, string];

/** One decoded swipe. */
export interface PredictionRow {
  /** 0-based line number of the swipe in its data file. */
  index: number;
  /** Grid name of the swipe. */
  grid_name: string;
  /** Hypotheses in the producer's order (for generators: ascending score). */
  candidates: Candidate[];
}

/**
 * Predictor description carried by a prediction file: the fields of the seed's prediction record except
 * the predictions themselves (`model_name`, `model_weights`, `generator_name`, `generator_call_kwargs`,
 * `use_vocab_for_generation`, `grid_name`, `dataset_split`, `include_*`, `transform_name`). Producers may
 * add fields; readers ignore what they do not know.
 */
export type PredictorMeta = Record<string, unknown>;

/** A whole prediction file in memory. */
export interface PredictionFile {
  /** The `predictor` object of the metadata line, when the file has one. */
  meta?: PredictorMeta;
  /** Rows in file order. */
  rows: PredictionRow[];
}

/** Marker member of the metadata line and the format version it carries. */
export const PREDICTION_FORMAT_VERSION = 1;

function fail(file: string, line: number, field: string, message: string): never {
  throw new Error(`${file}:${line}: ${field}: ${message}`);
}

/**
 * Validates one parsed row.
 * @param value - the parsed JSON value of the line
 * @param file - file name for error messages
 * @param line - 1-based line number for error messages
 * @throws Error naming the file, the line and the field
 */
export function validateRow(value: unknown, file: string, line: number): PredictionRow {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(file, line, '(row)', 'expected an object');
  const v = value as Record<string, unknown>;
  if (typeof v.index !== 'number' || !Number.isInteger(v.index) || v.index < 0) {
    fail(file, line, 'index', `expected a non-negative integer, got ${JSON.stringify(v.index)}`);
  }
  if (typeof v.grid_name !== 'string') fail(file, line, 'grid_name', `expected a string, got ${JSON.stringify(v.grid_name)}`);
  if (!Array.isArray(v.candidates)) fail(file, line, 'candidates', 'expected an array');
  const candidates: Candidate[] = v.candidates.map((c: unknown, i: number) => {
    if (!Array.isArray(c) || c.length !== 2) fail(file, line, `candidates[${i}]`, 'expected a [score, word] pair');
    if (typeof c[0] !== 'number') fail(file, line, `candidates[${i}][0]`, `expected a number, got ${JSON.stringify(c[0])}`);
    if (typeof c[1] !== 'string') fail(file, line, `candidates[${i}][1]`, `expected a string, got ${JSON.stringify(c[1])}`);
    return [c[0], c[1]];
  });
  return { index: v.index, grid_name: v.grid_name, candidates };
}

/** What {@link iteratePredictionFile} yields: the metadata (first, at most once) or a row. */
export type PredictionItem = { kind: 'meta'; meta: PredictorMeta } | { kind: 'row'; row: PredictionRow; line: number };

/**
 * Streams a prediction file: the metadata line (if any) first, then the rows in file order.
 * Empty lines are not allowed except a final newline.
 * @param path - the JSONL file
 * @throws Error naming the file, the line and the field on any malformed line
 */
export async function* iteratePredictionFile(path: string): AsyncGenerator<PredictionItem> {
  checkInputFile(path, 'prediction file');
  const rl = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let lineNo = 0;
  for await (const text of rl) {
    lineNo += 1;
    if (text.trim() === '') fail(path, lineNo, '(line)', 'empty line');
    let parsed: unknown;
    try {
      parsed = parseJson(text);
    } catch (err) {
      if (err instanceof JsonDepthError) fail(path, lineNo, err.field === '(root)' ? '(line)' : err.field, err.problem);
      fail(path, lineNo, '(line)', `invalid JSON: ${(err as Error).message}`);
    }
    const obj = parsed as Record<string, unknown> | null;
    if (obj !== null && typeof obj === 'object' && !Array.isArray(obj) && 'neuroswipe_prediction' in obj) {
      if (lineNo !== 1) fail(path, lineNo, 'neuroswipe_prediction', 'the metadata line must be the first line');
      if (obj.neuroswipe_prediction !== PREDICTION_FORMAT_VERSION) {
        fail(path, lineNo, 'neuroswipe_prediction', `unsupported format version ${JSON.stringify(obj.neuroswipe_prediction)}`);
      }
      const meta = obj.predictor;
      if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) fail(path, lineNo, 'predictor', 'expected an object');
      yield { kind: 'meta', meta: meta as PredictorMeta };
      continue;
    }
    yield { kind: 'row', row: validateRow(parsed, path, lineNo), line: lineNo };
  }
}

/**
 * Reads a whole prediction file. Row indices must be unique within the file.
 * @param path - the JSONL file
 * @throws Error naming the file, the line and the field on any malformed line or a repeated index
 */
export async function readPredictionFile(path: string): Promise<PredictionFile> {
  const out: PredictionFile = { rows: [] };
  const seen = new Map<number, number>();
  for await (const item of iteratePredictionFile(path)) {
    if (item.kind === 'meta') {
      out.meta = item.meta;
      continue;
    }
    const prev = seen.get(item.row.index);
    if (prev !== undefined) fail(path, item.line, 'index', `index ${item.row.index} already appears on line ${prev}`);
    seen.set(item.row.index, item.line);
    out.rows.push(item.row);
  }
  return out;
}

/** Serialises one row as a single JSON line (without the newline). Scores must be finite (JSON has no infinity). */
export function formatRow(row: PredictionRow): string {
  for (const c of row.candidates) {
    if (!Number.isFinite(c[0])) throw new Error(`row ${row.index}: candidate ${JSON.stringify(c[1])} has a non-finite score ${c[0]}`);
  }
  return JSON.stringify({ index: row.index, grid_name: row.grid_name, candidates: row.candidates });
}

/** Serialises the metadata line (without the newline). */
export function formatMeta(meta: PredictorMeta): string {
  return JSON.stringify({ neuroswipe_prediction: PREDICTION_FORMAT_VERSION, predictor: meta });
}

/**
 * Writes a prediction file row by row into a temporary file next to the target and renames it into
 * place on {@link PredictionWriter.close}; {@link PredictionWriter.abort} removes the temporary file.
 */
export class PredictionWriter {
  private readonly file: AtomicTextWriter;
  private done = false;

  /**
   * @param path - the final file
   * @param meta - optional predictor metadata written as the first line
   */
  constructor(
    readonly path: string,
    meta?: PredictorMeta,
  ) {
    this.file = new AtomicTextWriter(path);
    if (meta !== undefined) void this.file.write(formatMeta(meta) + '\n');
  }

  /**
   * Appends one row (buffered; waits when the file asks for it to drain).
   * @throws Error naming the file when it cannot be written (the temporary file is then removed)
   */
  async write(row: PredictionRow): Promise<void> {
    await this.file.write(formatRow(row) + '\n');
  }

  /** Flushes, closes and renames the temporary file onto the target path. */
  async close(): Promise<void> {
    if (this.done) return;
    this.done = true;
    await this.file.commit();
  }

  /** Closes and deletes the temporary file, leaving the target untouched. */
  async abort(): Promise<void> {
    if (this.done) return;
    this.done = true;
    this.file.abort();
    return Promise.resolve();
  }
}

/**
 * Writes a whole prediction file (temporary file + rename).
 * @param path - the target file
 * @param rows - rows in the order to write
 * @param meta - optional predictor metadata
 */
export async function writePredictionFile(path: string, rows: Iterable<PredictionRow>, meta?: PredictorMeta): Promise<void> {
  const w = new PredictionWriter(path, meta);
  try {
    for (const r of rows) await w.write(r);
  } catch (err) {
    await w.abort();
    throw err;
  }
  await w.close();
}
