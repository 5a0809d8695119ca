/**
 * Lining up the prediction files of several predictors for aggregation.
 */
import type { Candidate, PredictionFile } from '../predictions.js';
import { predictorId } from './state.js';

/** Prediction files of several predictors over the same swipes. */
export interface AlignedInputs {
  /** Per input file, its predictor id. */
  ids: string[];
  /** Swipe indices, in the first file's row order. */
  indices: number[];
  /** Per swipe, its grid name. */
  gridNames: string[];
  /** Per input, per swipe, the hypotheses. */
  preds: Candidate[][][];
}

/**
 * Checks that every file has the same rows (same indices in the same order, same grids) and returns
 * their hypotheses side by side.
 * @param files - the prediction files with their paths, in model order
 * @throws Error naming the file and the first row that differs from the first file
 */
export function alignInputs(files: readonly { path: string; file: PredictionFile }[]): AlignedInputs {
  const first = files[0];
  if (first === undefined) throw new Error('no prediction files to aggregate');
  const indices = first.file.rows.map((r) => r.index);
  const gridNames = first.file.rows.map((r) => r.grid_name);
  for (const { path, file } of files.slice(1)) {
    if (file.rows.length !== indices.length) {
      throw new Error(`${path}: has ${file.rows.length} rows, ${first.path} has ${indices.length}`);
    }
    file.rows.forEach((r, i) => {
      if (r.index !== indices[i] || r.grid_name !== gridNames[i]) {
        throw new Error(`${path}: row ${i + 1} is index ${r.index} (${r.grid_name}), ${first.path} has index ${indices[i]} (${gridNames[i]})`);
      }
    });
  }
  return {
    ids: files.map(({ path, file }) => predictorId(file.meta, path)),
    indices,
    gridNames,
    preds: files.map(({ file }) => file.rows.map((r) => r.candidates)),
  };
}
