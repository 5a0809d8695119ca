/**
 * The one check that a prediction file belongs to a data file, for every command that joins the two
 * (`evaluate`, `fit-prior`, `aggregate --fit-on`): the data hash the prediction metadata records (predict
 * writes `data_sha256`) must be the data file's; every row's index must be a line of the data file and its
 * grid that line's grid; and, unless the predictions are declared a subset (`--subset`), they must cover
 * every data line of their grids. Without it, predictions of one file scored against another print a
 * plausible number (Swipe MRR 0, or a score on 50 of 1,000 swipes) and exit 0.
 */
import { sha256File } from '../predict/hash.js';
import type { DataLabels } from '../data/labels.js';
import type { PredictionFile } from '../predictions.js';
import { isRereadable } from '../io/count-lines.js';

/** How a prediction file is joined to its data file. */
export interface JoinOptions {
  /** The predictions cover only part of the data file's lines of their grids (`--subset`). */
  subset?: boolean;
}

/** The data hash a prediction file's metadata records (`data_sha256`, or a shard's), if any. */
export function recordedDataHash(file: PredictionFile): string | undefined {
  const m = file.meta;
  if (m === undefined) return undefined;
  if (typeof m.data_sha256 === 'string') return m.data_sha256;
  const shard = m.shard as Record<string, unknown> | undefined;
  if (typeof shard === 'object' && shard !== null && typeof shard.data_sha256 === 'string') return shard.data_sha256;
  return undefined;
}

/**
 * Checks that the predictions of `predPath` were made on `dataPath` (see the module comment).
 * @param file - the prediction file, read
 * @param predPath - its path, for messages
 * @param labels - the data file's grid names and targets
 * @param dataPath - the data file, for messages and its hash
 * @throws Error naming the prediction file, the data file and what does not match
 */
export async function checkPredictionsMatchData(file: PredictionFile, predPath: string, labels: DataLabels, dataPath: string, options: JoinOptions = {}): Promise<void> {
  const recorded = recordedDataHash(file);
  if (recorded !== undefined) {
    // The data was read once already (its labels); a pipe cannot be read again for its hash.
    if (!isRereadable(dataPath)) throw new Error(`${dataPath}: not a regular file (a pipe or device): the data hash that ${predPath} records cannot be checked against it; give the data file itself`);
    const actual = await sha256File(dataPath);
    if (recorded !== actual) {
      throw new Error(`${predPath}: the predictions were made on another data file: its metadata records data_sha256 ${recorded.slice(0, 12)}…, ${dataPath} has ${actual.slice(0, 12)}…`);
    }
  }
  const lines = labels.gridNames.length;
  const grids = new Set<string>();
  for (const r of file.rows) {
    if (r.index >= lines) throw new Error(`${predPath}: index ${r.index}: outside ${dataPath} (${lines} lines); the predictions were made on another data file`);
    const g = labels.gridNames[r.index];
    if (r.grid_name !== g) throw new Error(`${predPath}: index ${r.index}: grid_name ${JSON.stringify(r.grid_name)} but line ${r.index + 1} of ${dataPath} is on grid ${JSON.stringify(g)}; the predictions were made on another data file`);
    grids.add(r.grid_name);
  }
  if (options.subset === true || file.meta?.shard !== undefined) return;
  let expected = 0;
  for (const g of labels.gridNames) if (grids.has(g)) expected++;
  if (file.rows.length !== expected) {
    throw new Error(
      `${predPath}: ${file.rows.length} prediction row${file.rows.length === 1 ? '' : 's'} for the ${expected} line${expected === 1 ? '' : 's'} of ${dataPath} on grid ${[...grids].sort().join(', ')}; ` +
        'predictions of part of the data need --subset',
    );
  }
}
