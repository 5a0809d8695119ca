/**
 * The competition submission: per-grid predictions merged back into test-file order, rows filled from
 * the baseline, written as CSV (4 words a line, comma-joined, no header, no quoting).
 */
import { readFileSync } from 'node:fs';
import { checkOutputPath, writeFileAtomic } from './io/atomic-write.js';
import { formatUnquotedCsv, splitUnquotedCsv } from './io/csv.js';
import type { PredictionFile } from './predictions.js';
import { dedupStable } from './evaluate/metrics.js';
import { appendPreds } from './aggregate/primitives.js';

/** Words per submission line. */
export const SUBMISSION_WIDTH = 4;

function listIndices(idx: readonly number[]): string {
  const shown = idx.slice(0, 20).join(', ');
  return idx.length > 20 ? `${shown}, … (${idx.length} in all)` : shown;
}

/**
 * Places the rows of several prediction files (for example one per grid) at their data-file indices
 * (seed `merge_default_and_extra_preds`). Each row's words are de-duplicated (stable) and cut to
 * `width`. Together the files must cover every line `0 … gridNames.length − 1` exactly once, and each
 * row's grid must be its data line's grid.
 * @param files - prediction files with their paths
 * @param gridNames - per data line, its grid name
 * @param width - words kept per row
 * @throws Error naming the indices that are missing, covered twice, outside the file or on the wrong grid
 */
export function mergeByIndex(files: readonly { path: string; file: PredictionFile }[], gridNames: readonly string[], width = SUBMISSION_WIDTH): string[][] {
  const n = gridNames.length;
  const out = new Array<string[] | undefined>(n).fill(undefined);
  const owner = new Array<string | undefined>(n).fill(undefined);
  const twice: string[] = [];
  for (const { path, file } of files) {
    const outside: number[] = [];
    const wrongGrid: number[] = [];
    for (const r of file.rows) {
      if (r.index >= n) {
        outside.push(r.index);
        continue;
      }
      if (r.grid_name !== gridNames[r.index]) wrongGrid.push(r.index);
      if (owner[r.index] !== undefined) twice.push(`${r.index} (${owner[r.index]} and ${path})`);
      owner[r.index] = path;
      out[r.index] = dedupStable(r.candidates.map((c) => c[1])).slice(0, width);
    }
    if (outside.length > 0) throw new Error(`${path}: indices outside the data file (${n} lines): ${listIndices(outside)}`);
    if (wrongGrid.length > 0) throw new Error(`${path}: rows whose grid_name differs from the data line's grid: ${listIndices(wrongGrid)}`);
  }
  if (twice.length > 0) throw new Error(`indices covered twice: ${twice.slice(0, 20).join(', ')}${twice.length > 20 ? `, … (${twice.length} in all)` : ''}`);
  const missing: number[] = [];
  out.forEach((r, i) => {
    if (r === undefined) missing.push(i);
  });
  if (missing.length > 0) throw new Error(`the prediction files do not cover the data file: missing indices ${listIndices(missing)}`);
  return out as string[][];
}

/**
 * Reads the seed's baseline CSV: each line split on `,` (an empty field becomes an empty word, as in the
 * seed's `load_baseline_preds`).
 * @param path - the CSV file
 */
export function readBaselineCsv(path: string): string[][] {
  return splitUnquotedCsv(readFileSync(path, 'utf8'));
}

/**
 * Fills each row up to `limit` words from the baseline's words (seed `append_preds`: in order, skipping
 * words already present).
 * @param rows - per data line, the words
 * @param baseline - per data line, the baseline's words
 * @param limit - target row length
 * @throws Error when the baseline has a different number of rows
 */
export function fillFromBaseline(rows: readonly string[][], baseline: readonly string[][], limit = SUBMISSION_WIDTH): string[][] {
  if (baseline.length !== rows.length) throw new Error(`baseline has ${baseline.length} rows, the data file has ${rows.length}`);
  return appendPreds(rows, baseline, limit);
}

/**
 * Formats submission rows: words joined by `,`, one line each, `\n`-terminated, no header, no quoting.
 * @param rows - per data line, the words
 */
export function formatSubmission(rows: readonly (readonly string[])[]): string {
  return formatUnquotedCsv(rows);
}

/**
 * Writes a submission file (temporary file + rename). Refuses to overwrite an existing file unless
 * `force`, and to write over one of the command's inputs. Words may not contain `,` or line breaks (the
 * format has no quoting).
 * @param path - the CSV file
 * @param rows - per data line, the words
 * @param force - overwrite an existing file
 * @param inputs - files the rows were made from (never overwritten)
 * @throws Error when the file exists (without `force`), is an input, a word cannot be written, or the
 *   file cannot be written (naming it and the cause)
 */
export function writeSubmission(path: string, rows: readonly (readonly string[])[], force = false, inputs: readonly (string | undefined)[] = []): void {
  const text = formatSubmission(rows);
  checkOutputPath(path, force, inputs);
  writeFileAtomic(path, text);
}
