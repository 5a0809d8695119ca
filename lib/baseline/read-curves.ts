/**
 * A small streaming reader of swipe data files (competition JSONL with an inline `curve.grid`, or the
 * separated-grid format with `curve.grid_name`), reading only what evaluation, submission and the DTW
 * baseline need: coordinates, the grid and the target word.
 */
import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { type Grid, type GridMap, validateGrid } from '../keyboard/grid.js';

/** One swipe of a data file. */
export interface CurveLine {
  /** 0-based line number. */
  index: number;
  /** x coordinates (pixels). */
  x: number[];
  /** y coordinates (pixels). */
  y: number[];
  /** Grid name (`curve.grid_name` or `curve.grid.grid_name`). */
  gridName: string;
  /** The line's inline grid, when the line has one. */
  grid?: Grid;
  /** Target word, when the line has one. */
  word?: string;
}

/** Options of {@link readCurves}. */
export interface ReadCurvesOptions {
  /** Skip the coordinates (faster when only words and grid names are needed). */
  skipCoords?: boolean;
}

function fail(file: string, line: number, field: string, message: string): never {
  throw new Error(`${file}:${line}: ${field}: ${message}`);
}

function intArray(v: unknown, file: string, line: number, field: string): number[] {
  if (!Array.isArray(v)) fail(file, line, field, 'expected an array of integers');
  for (let i = 0; i < v.length; i++) {
    if (typeof v[i] !== 'number' || !Number.isInteger(v[i])) fail(file, line, `${field}[${i}]`, `expected an integer, got ${JSON.stringify(v[i])}`);
  }
  return v as number[];
}

/**
 * Streams the swipes of a data file in line order.
 * @param path - the JSONL file
 * @param options - see {@link ReadCurvesOptions}
 * @throws Error naming the file, the line and the field on a malformed line
 */
export async function* readCurves(path: string, options: ReadCurvesOptions = {}): AsyncGenerator<CurveLine> {
  if (!existsSync(path)) throw new Error(`${path}: data file not found`);
  const rl = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let index = -1;
  for await (const text of rl) {
    index += 1;
    const lineNo = index + 1;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      fail(path, lineNo, '(line)', `invalid JSON: ${(err as Error).message}`);
    }
    const obj = parsed as Record<string, unknown>;
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) fail(path, lineNo, '(line)', 'expected an object');
    const curve = obj.curve as Record<string, unknown>;
    if (typeof curve !== 'object' || curve === null || Array.isArray(curve)) fail(path, lineNo, 'curve', 'expected an object');
    let grid: Grid | undefined;
    let gridName: string;
    if (curve.grid !== undefined) {
      grid = validateGrid(curve.grid, `${path}:${lineNo}`, 'curve.grid');
      gridName = grid.grid_name;
    } else if (typeof curve.grid_name === 'string') {
      gridName = curve.grid_name;
    } else {
      fail(path, lineNo, 'curve.grid_name', 'expected a string (or an inline curve.grid)');
    }
    const out: CurveLine = { index, x: [], y: [], gridName };
    if (grid !== undefined) out.grid = grid;
    if (obj.word !== undefined) {
      if (typeof obj.word !== 'string') fail(path, lineNo, 'word', `expected a string, got ${JSON.stringify(obj.word)}`);
      out.word = obj.word;
    }
    if (!options.skipCoords) {
      out.x = intArray(curve.x, path, lineNo, 'curve.x');
      out.y = intArray(curve.y, path, lineNo, 'curve.y');
      if (out.x.length !== out.y.length) fail(path, lineNo, 'curve.y', `has ${out.y.length} points, curve.x has ${out.x.length}`);
    }
    yield out;
  }
}

/**
 * Resolves a swipe's grid: its inline grid, else the grid of its name in `grids`.
 * @param c - the swipe
 * @param grids - grid name → grid (separated-grid format)
 * @param file - data file name for the error message
 * @throws Error when the grid name is unknown
 */
export function gridOf(c: CurveLine, grids: GridMap | undefined, file: string): Grid {
  if (c.grid !== undefined) return c.grid;
  const g = grids?.[c.gridName];
  if (g === undefined) {
    const known = grids ? Object.keys(grids).join(', ') : 'none';
    throw new Error(`${file}:${c.index + 1}: curve.grid_name: unknown grid ${JSON.stringify(c.gridName)} (known: ${known})`);
  }
  return g;
}

/** Words and grid names of a data file, in line order. */
export interface DataLabels {
  /** Per line, the grid name. */
  gridNames: string[];
  /** Per line, the target word (`undefined` where the line has none). */
  words: (string | undefined)[];
}

/**
 * Reads the grid names and words of a data file; with `refPath`, the targets come from a reference file
 * (one word per line, line i for data line i) and must have exactly one line per data line.
 * @param path - the data file
 * @param refPath - optional `valid.ref`-style file
 * @throws Error when the reference file's line count differs from the data file's
 */
export async function readLabels(path: string, refPath?: string): Promise<DataLabels> {
  const gridNames: string[] = [];
  const words: (string | undefined)[] = [];
  for await (const c of readCurves(path, { skipCoords: true })) {
    gridNames.push(c.gridName);
    words.push(c.word);
  }
  if (refPath !== undefined) {
    if (!existsSync(refPath)) throw new Error(`${refPath}: reference file not found`);
    const rl = createInterface({ input: createReadStream(refPath, { encoding: 'utf8' }), crlfDelay: Infinity });
    let i = 0;
    for await (const w of rl) {
      if (i >= words.length) throw new Error(`${refPath}: has more lines than ${path} (${words.length})`);
      words[i++] = w;
    }
    if (i !== words.length) throw new Error(`${refPath}: has ${i} lines but ${path} has ${words.length}`);
  }
  return { gridNames, words };
}
