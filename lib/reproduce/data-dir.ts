/**
 * The data folder of a reproduction: `test.jsonl` (the competition's original format with inline grids,
 * or the separated-grid format), `voc.txt`, and optionally `gridname_to_grid.json`. An original-format
 * test file is converted once with the seed's `separate_grid` conversion into the work folder, so the
 * swipes are decoded on the keyboards the file itself carries.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readFirstRecord } from '../data/dataset.js';
import { separateGridFile } from '../data/separate-grid.js';
import { sha256File } from '../predict/hash.js';

/** The data files of a reproduction, resolved. */
export interface DataFiles {
  /** The test file as given. */
  testPath: string;
  /** The vocabulary (`voc.txt`). */
  vocabularyPath: string;
  /** `gridname_to_grid.json` of the data folder, when there is one. */
  gridsPath?: string;
}

/** The test file as the later stages read it. */
export interface PreparedData {
  /** Format of the given test file. */
  format: 'original' | 'separated';
  /** Separated-grid test file the stages read. */
  dataPath: string;
  /** Grids file of {@link dataPath}; `undefined` = the bundled real grids. */
  gridsPath?: string;
  /** SHA-256 of the given test file. */
  testSha256: string;
  /** Whether this run converted the file (false: the conversion was already in the work folder, or none was needed). */
  converted: boolean;
}

function requireFile(path: string, what: string): void {
  if (!existsSync(path)) throw new Error(`${path}: ${what} not found`);
  if (statSync(path).isDirectory()) throw new Error(`${path}: ${what} is a folder, expected a file`);
}

/**
 * Finds the data files in a folder.
 * @param dataDir - the folder
 * @throws Error naming the missing file
 */
export function locateDataFiles(dataDir: string): DataFiles {
  const dir = resolve(dataDir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`${dir}: --data-dir: folder not found`);
  const testPath = join(dir, 'test.jsonl');
  const vocabularyPath = join(dir, 'voc.txt');
  requireFile(testPath, 'test file (--data-dir must hold test.jsonl)');
  requireFile(vocabularyPath, 'vocabulary (--data-dir must hold voc.txt)');
  const grids = join(dir, 'gridname_to_grid.json');
  return { testPath, vocabularyPath, gridsPath: existsSync(grids) ? grids : undefined };
}

/**
 * Whether a data file is in the original format: its first line has an inline `curve.grid`.
 * @throws Error naming the file and line of a malformed first line, or for an empty file
 */
export async function hasInlineGrids(path: string): Promise<boolean> {
  const first = await readFirstRecord(path);
  if (first === null) throw new Error(`${path}: the test file is empty`);
  return first.grid !== undefined;
}

/**
 * Makes the test file ready for prediction: a separated-grid file is used as it is (with the folder's
 * grids file or the bundled grids); an original-format file is converted into
 * `<workDir>/data/test.<hash>.jsonl` plus `gridname_to_grid.<hash>.json` (the file's own grids), reused
 * by later runs on the same file.
 * @param files - from {@link locateDataFiles}
 * @param workDir - the work folder
 * @throws Error naming the file and line of a malformed line (a line without `curve.grid` in an
 *   original-format file included)
 */
export async function prepareTestData(files: DataFiles, workDir: string): Promise<PreparedData> {
  const testSha256 = await sha256File(files.testPath);
  if (!(await hasInlineGrids(files.testPath))) {
    return { format: 'separated', dataPath: files.testPath, gridsPath: files.gridsPath, testSha256, converted: false };
  }
  const dir = join(workDir, 'data');
  const tag = testSha256.slice(0, 12);
  const dataPath = join(dir, `test.${tag}.jsonl`);
  const gridsPath = join(dir, `gridname_to_grid.${tag}.json`);
  if (existsSync(dataPath) && existsSync(gridsPath)) return { format: 'original', dataPath, gridsPath, testSha256, converted: false };
  mkdirSync(dir, { recursive: true });
  await separateGridFile(files.testPath, dataPath, gridsPath, { force: true });
  return { format: 'original', dataPath, gridsPath, testSha256, converted: true };
}
