/** The labels of a data file: its grid names and target words, from the file or a reference file (`valid.ref`). */
import { existsSync } from 'node:fs';
import { readLines } from './dataset.js';
import { parseSwipeLine } from './swipe-line.js';

/**
 * Reads a reference file (`valid.ref`): line *i* is the target word of swipe *i*.
 * @throws Error naming the file when it cannot be read
 */
export async function readRef(path: string): Promise<string[]> {
  const out: string[] = [];
  for await (const { line } of readLines(path)) out.push(line);
  return out;
}

/** Words and grid names of a data file, in line order. */
export interface DataLabels {
  /** Per line, the grid name. */
  gridNames: string[];
  /** Per line, the target word (`undefined` where the line has none). */
  words: (string | undefined)[];
}

/**
 * Reads the grid names and words of a data file (each line checked by the one swipe-line parser, grids
 * not resolved); with `refPath`, the targets come from a reference file (one word per line, line i for
 * data line i) and must have exactly one line per data line.
 * @param path - the data file
 * @param refPath - optional `valid.ref`-style file
 * @throws Error naming the file and line of a malformed line, or when the reference file's line count
 *   differs from the data file's
 */
export async function readLabels(path: string, refPath?: string): Promise<DataLabels> {
  if (!existsSync(path)) throw new Error(`${path}: data file not found`);
  const gridNames: string[] = [];
  const words: (string | undefined)[] = [];
  for await (const { line, index } of readLines(path)) {
    const rec = parseSwipeLine(line, path, index);
    gridNames.push(rec.gridName);
    words.push(rec.word);
  }
  if (refPath !== undefined) {
    if (!existsSync(refPath)) throw new Error(`${refPath}: reference file not found`);
    const ref = await readRef(refPath);
    if (ref.length > words.length) throw new Error(`${refPath}: has more lines than ${path} (${words.length})`);
    if (ref.length !== words.length) throw new Error(`${refPath}: has ${ref.length} lines but ${path} has ${words.length}`);
    ref.forEach((w, i) => {
      words[i] = w;
    });
  }
  return { gridNames, words };
}

/** Ascending original indices whose grid name is `gridName` (seed `grid_idxs`). */
export function gridIndices(gridNames: readonly string[], gridName: string): number[] {
  const out: number[] = [];
  gridNames.forEach((g, i) => {
    if (g === gridName) out.push(i);
  });
  return out;
}
