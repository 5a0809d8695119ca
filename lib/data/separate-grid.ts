/**
 * The seed's `separate_grid` conversion: inline `curve.grid` → `curve.grid_name` plus a grids file.
 */
import { existsSync, rmSync } from 'node:fs';
import { readLines } from './dataset.js';
import { parseSwipeLine } from './swipe-line.js';
import { AtomicTextWriter, checkOutputPaths, writeFileAtomic } from '../io/atomic-write.js';
import { BadLineError } from '../io/bad-line.js';
import { dumpPyCompact, dumpPyIndented, parsePyJson, type PyValue } from '../io/python-json.js';

/** Options of {@link separateGridFile}. */
export interface SeparateGridOptions {
  /** Skip bad lines (they are passed to `onBadLine` and left out of the output). Default false. */
  skipBadLines?: boolean;
  /** Called with each skipped bad line. */
  onBadLine?: (err: BadLineError) => void;
  /** Replace existing output files. Default false (the seed refuses to overwrite). */
  force?: boolean;
}

/** What a conversion did. */
export interface SeparateGridResult {
  /** Lines read. */
  lines: number;
  /** Lines written. */
  written: number;
  /** Grid names found, in order of first appearance. */
  gridNames: string[];
}

/**
 * Converts one line (already validated) as the seed: `curve.grid_name = curve.grid.grid_name`, then
 * `curve.grid` is deleted; printed as Python's compact `json.dumps(..., ensure_ascii=False)`.
 * @returns the converted line (without newline), the grid name and the grid value
 */
export function separateGridLine(line: string): { line: string; gridName: string; grid: PyValue } {
  const data = parsePyJson(line) as Map<string, PyValue>;
  const curve = data.get('curve') as Map<string, PyValue>;
  const grid = curve.get('grid') as Map<string, PyValue>;
  const gridName = grid.get('grid_name') as string;
  curve.set('grid_name', gridName);
  curve.delete('grid');
  return { line: dumpPyCompact(data), gridName, grid };
}

/**
 * Converts a competition JSONL file with inline grids into the separated-grid format. The output is
 * byte-identical to the seed's for the same input; `gridsOut` receives grid name → grid (the last grid
 * seen per name, in order of first appearance) as Python's `json.dumps(indent=2, ensure_ascii=False)`.
 * Both files are written to temporary files and renamed when complete.
 * @throws Error when an output exists (without `force`), is the input, or cannot be written (then neither
 *   output is left), BadLineError for a bad line (without `skipBadLines`)
 */
export async function separateGridFile(inPath: string, outPath: string, gridsOut: string, opts: SeparateGridOptions = {}): Promise<SeparateGridResult> {
  checkOutputPaths([outPath, gridsOut], opts.force === true, [inPath]);
  if (!existsSync(inPath)) throw new Error(`${inPath}: no such file`);
  const grids = new Map<string, PyValue>();
  const out = new AtomicTextWriter(outPath);
  let lines = 0;
  let written = 0;
  try {
    for await (const { line, index } of readLines(inPath)) {
      lines++;
      let converted: ReturnType<typeof separateGridLine>;
      try {
        const rec = parseSwipeLine(line, inPath, index);
        if (rec.grid === undefined) throw new BadLineError(inPath, index, 'curve.grid', 'missing (the line is already in the separated-grid format)');
        converted = separateGridLine(line);
      } catch (err) {
        if (err instanceof BadLineError && opts.skipBadLines) {
          opts.onBadLine?.(err);
          continue;
        }
        throw err;
      }
      grids.set(converted.gridName, converted.grid);
      await out.write(converted.line + '\n');
      written++;
    }
    await out.commit();
  } catch (err) {
    out.abort();
    throw err;
  }
  try {
    writeFileAtomic(gridsOut, dumpPyIndented(grids, 2));
  } catch (err) {
    // Both outputs or neither.
    rmSync(outPath, { force: true });
    throw err;
  }
  return { lines, written, gridNames: [...grids.keys()] };
}
