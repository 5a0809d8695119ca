/**
 * Evaluation of prediction files against target words (seed `src/evaluate.py`): Swipe MRR on the first
 * four words of each row and top-1 accuracy.
 */
import { accuracy, swipeMrr } from './metrics.js';
import { type PredictionFile, type PredictionRow, type PredictorMeta, readPredictionFile } from '../predictions.js';
import { predictorId } from '../aggregate/state.js';
import type { DataLabels } from '../data/labels.js';
import { checkPredictionsMatchData } from './join.js';

/** Metrics of one prediction file. */
export interface EvaluationResult {
  /** The prediction file. */
  path: string;
  /** Predictor id (see `predictorId`). */
  predictor: string;
  /** The predictor's metadata, when the file has it. */
  meta?: PredictorMeta;
  /** Grid of the predictor (metadata `grid_name`), else the distinct grid names of the rows joined by `+`. */
  grid: string;
  /** Number of evaluated swipes (rows). */
  swipes: number;
  /** Swipe MRR of the first four words of each row. */
  mrr: number;
  /** Share of rows whose first word is the target. */
  accuracy: number;
}

/**
 * Computes the metrics of prediction rows. Rows are taken in ascending `index` order (the seed's grid
 * subset order), each row is cut to its first four words before Swipe MRR de-duplicates it, and a row
 * without candidates scores 0 and counts as wrong for accuracy (the seed would crash on it).
 * @param rows - prediction rows (unique indices)
 * @param labels - grid names and target words of the data file
 * @param file - prediction file name for error messages
 * @throws Error naming the row when its index is outside the data file, its grid differs from the data
 *   line's grid, or the data line has no target word
 */
export function evaluateRows(rows: readonly PredictionRow[], labels: DataLabels, file: string): { swipes: number; mrr: number; accuracy: number } {
  if (rows.length === 0) throw new Error(`${file}: no prediction rows to evaluate`);
  const sorted = rows.slice().sort((a, b) => a.index - b.index);
  const preds: string[][] = [];
  const top1: (string | undefined)[] = [];
  const targets: string[] = [];
  for (const r of sorted) {
    if (r.index >= labels.gridNames.length) {
      throw new Error(`${file}: index ${r.index}: outside the data file (${labels.gridNames.length} lines)`);
    }
    if (r.grid_name !== labels.gridNames[r.index]) {
      throw new Error(`${file}: index ${r.index}: grid_name ${JSON.stringify(r.grid_name)} but the data line's grid is ${JSON.stringify(labels.gridNames[r.index])}`);
    }
    const target = labels.words[r.index];
    if (target === undefined) throw new Error(`${file}: index ${r.index}: the data line has no target word (give a reference file)`);
    const words = r.candidates.slice(0, 4).map((c) => c[1]);
    preds.push(words);
    top1.push(words[0]);
    targets.push(target);
  }
  return { swipes: sorted.length, mrr: swipeMrr(preds, targets), accuracy: accuracy(top1, targets) };
}

/**
 * Evaluates one prediction file (already read).
 * @param path - the file's path (for the predictor id and messages)
 * @param file - its content
 * @param labels - grid names and targets of the data file it was predicted on
 */
export function evaluatePredictions(path: string, file: PredictionFile, labels: DataLabels): EvaluationResult {
  const m = evaluateRows(file.rows, labels, path);
  const metaGrid = file.meta?.grid_name;
  const grid = typeof metaGrid === 'string' ? metaGrid : [...new Set(file.rows.map((r) => r.grid_name))].sort().join('+');
  const out: EvaluationResult = { path, predictor: predictorId(file.meta, path), grid, ...m };
  if (file.meta !== undefined) out.meta = file.meta;
  return out;
}

/**
 * Reads and evaluates one prediction file.
 * @param path - the prediction file
 * @param labels - grid names and targets of the data file it was predicted on
 * @param data - the data file: when given, the predictions are checked to belong to it first
 *   (the check of lib/evaluate/join.ts; `subset` allows predictions of part of its lines)
 */
export async function evaluatePredictionFile(path: string, labels: DataLabels, data?: { path: string; subset?: boolean }): Promise<EvaluationResult> {
  const file = await readPredictionFile(path);
  if (data !== undefined) await checkPredictionsMatchData(file, path, labels, data.path, { subset: data.subset });
  return evaluatePredictions(path, file, labels);
}
