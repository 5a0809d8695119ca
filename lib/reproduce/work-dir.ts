/**
 * The work folder's record of the inputs its predictions were made from. Prediction files are found
 * again by predictor (a rerun skips finished predictors) but their names do not depend on the test
 * data, so a work folder made for one test file must not be reused for another: the first run writes
 * `inputs.json`, later runs compare.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AtomicTextWriter } from '../io/atomic-write.js';
import { DEFAULT_GRIDS_PATH } from '../keyboard/grid.js';
import { sha256File } from '../predict/hash.js';
import { parseJson } from '../io/json.js';

/** What the predictions of a work folder depend on. */
export interface WorkInputs {
  /** SHA-256 of the separated-grid test file decoded. */
  test_data_sha256: string;
  /** SHA-256 of its grids file (the bundled real grids' file when none is given). */
  grids_sha256: string;
}

/** The record's file in a work folder. */
export function workInputsPath(workDir: string): string {
  return join(workDir, 'inputs.json');
}

/**
 * Describes the decoded inputs.
 * @param dataPath - the separated-grid test file
 * @param gridsPath - its grids file (`undefined`: the bundled grids)
 */
export async function describeInputs(dataPath: string, gridsPath: string | undefined): Promise<WorkInputs> {
  return { test_data_sha256: await sha256File(dataPath), grids_sha256: await sha256File(gridsPath ?? DEFAULT_GRIDS_PATH) };
}

/**
 * Writes the record on the first run; on later runs checks that the inputs are the same.
 * @param workDir - the work folder
 * @param inputs - this run's inputs
 * @throws Error naming the record and the differing field when the folder was made for other inputs
 */
export async function claimWorkDir(workDir: string, inputs: WorkInputs): Promise<void> {
  const path = workInputsPath(workDir);
  if (existsSync(path)) {
    let stored: Record<string, unknown>;
    try {
      stored = parseJson(readFileSync(path, 'utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new Error(`${path}: cannot read: ${(err as Error).message}`, { cause: err });
    }
    for (const k of Object.keys(inputs) as (keyof WorkInputs)[]) {
      if (stored[k] !== inputs[k]) {
        throw new Error(
          `${path}: ${k}: this work folder holds predictions for other inputs (${JSON.stringify(stored[k])}, now ${JSON.stringify(inputs[k])}); ` +
            'use another --work-dir or delete this one',
        );
      }
    }
    return;
  }
  const w = new AtomicTextWriter(path);
  try {
    await w.write(`${JSON.stringify(inputs, null, 2)}\n`);
    await w.commit();
  } catch (err) {
    w.abort();
    throw err;
  }
}
