/**
 * Completion records of prediction files: `<file>.done.json`, written (temporary file, then rename) once
 * the prediction file is complete. It ties the file to the data it was decoded from (SHA-256 of the data
 * file), the predictor identity, its row count and its own SHA-256, so that a rerun can tell a finished
 * file from one that was cut, edited, or made from another data file.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { writeFileAtomic } from '../io/atomic-write.js';
import { sha256File } from './hash.js';
import { parseJson } from '../io/json.js';

/** Format tag of a completion record. */
export const COMPLETION_FORMAT = 'neuroswipe-prediction-done';

/** What a completion record holds. */
export interface CompletionRecord {
  format: typeof COMPLETION_FORMAT;
  /** SHA-256 of the data file the predictions were decoded from. */
  data_sha256: string;
  /** The predictor identity key (config options, weights, vocabulary, transform, grid). */
  identity: string;
  /** Prediction rows in the file. */
  rows: number;
  /** Size in bytes and SHA-256 of the prediction file. */
  size: number;
  sha256: string;
}

/** The completion record's path for a prediction file. */
export function completionPath(file: string): string {
  return `${file}.done.json`;
}

/** Writes the completion record of a finished prediction file. */
export async function writeCompletion(file: string, dataSha256: string, identity: string, rows: number): Promise<void> {
  const record: CompletionRecord = {
    format: COMPLETION_FORMAT, data_sha256: dataSha256, identity, rows, size: readFileSync(file).length, sha256: await sha256File(file),
  };
  writeFileAtomic(completionPath(file), `${JSON.stringify(record)}\n`);
}

/** Removes a completion record (before its file is replaced). */
export function removeCompletion(file: string): void {
  rmSync(completionPath(file), { force: true });
}

/**
 * Why an existing prediction file cannot be taken as done; null when its completion record matches the
 * file, the data and the identity.
 */
export async function staleReason(file: string, dataSha256: string, identity: string): Promise<string | null> {
  const path = completionPath(file);
  if (!existsSync(path)) return `it has no completion record ${path} (an interrupted or older run)`;
  let rec: Partial<CompletionRecord>;
  try {
    rec = parseJson(readFileSync(path, 'utf8')) as Partial<CompletionRecord>;
  } catch (err) {
    return `its completion record ${path} is not valid JSON (${(err as Error).message})`;
  }
  if (rec.format !== COMPLETION_FORMAT) return `${path} is not a completion record`;
  if (rec.identity !== identity) return `its completion record ${path} belongs to other predictor options`;
  if (rec.data_sha256 !== dataSha256) return 'the data file changed since it was written';
  const size = readFileSync(file).length;
  if (rec.size !== size || rec.sha256 !== (await sha256File(file))) {
    return `it changed since it was finished (${size} bytes, ${rec.size} when finished with ${rec.rows} rows)`;
  }
  return null;
}
