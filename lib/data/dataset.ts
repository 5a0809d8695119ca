/**
 * Streaming reader of competition swipe files (inline `curve.grid` or separated `curve.grid_name`) with
 * the validation of one line in either format, reference files (`valid.ref`), and grid subsets.
 */
import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { BadLineError } from '../io/bad-line.js';
import { loadGrids, validateGrid, type Grid, type GridMap } from '../keyboard/grid.js';
import { JsonDepthError, parseJson } from '../io/json.js';
import { checkInputFile } from '../io/count-lines.js';

export { BadLineError, BadLineReport } from '../io/bad-line.js';

/** One swipe as read from a JSONL line (seed raw record, §1.4). */
export interface Swipe {
  /** 0-based line index in its file: the swipe's identity. */
  index: number;
  /** x coordinates (pixels). The seed stores int16; values outside the range are an error. */
  x: Int16Array;
  /** y coordinates (pixels). */
  y: Int16Array;
  /** time since the swipe start (ms). */
  t: Int16Array;
  /** Grid name (`default`, `extra`, …). */
  gridName: string;
  /** Target word, absent in validation/test files. */
  word?: string;
  /**
   * Width of the keyboard the swipe was drawn on, in the units of `x` (an app's keyboard view in its own
   * pixels). Given with {@link Swipe.height}, the decoder maps `x` and `y` onto the grid's `width × height`
   * (the keyboard the model was trained on) before computing features; absent, `x` and `y` are taken to be
   * the grid's pixels. Positive and finite.
   */
  width?: number;
  /** Height of the keyboard the swipe was drawn on, in the units of `y` (see {@link Swipe.width}). */
  height?: number;
}

/** A validated line, before its grid name is resolved. */
export interface SwipeRecord {
  /** x coordinates (pixels). */
  x: Int16Array;
  /** y coordinates (pixels). */
  y: Int16Array;
  /** Time since the swipe start (ms). */
  t: Int16Array;
  /** `curve.grid.grid_name` (inline format) or `curve.grid_name` (separated format). */
  gridName: string;
  /** The inline grid, when the line has one. */
  grid?: Grid;
  /** Target word, when present. */
  word?: string;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Validates one int16 coordinate array of a line (`curve.x`, …); shared with the library-input checks. */
export function int16Array(v: unknown, file: string, index: number, field: string): Int16Array {
  if (v === undefined) throw new BadLineError(file, index, field, 'missing');
  if (!Array.isArray(v)) throw new BadLineError(file, index, field, `expected an array of integers, got ${typeof v === 'object' ? (v === null ? 'null' : 'an object') : typeof v}`);
  const out = new Int16Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const n: unknown = v[i];
    if (typeof n !== 'number') throw new BadLineError(file, index, `${field}[${i}]`, `expected an integer, got ${JSON.stringify(n)}`);
    if (!Number.isFinite(n)) throw new BadLineError(file, index, `${field}[${i}]`, `non-finite number ${n}`);
    if (!Number.isInteger(n)) throw new BadLineError(file, index, `${field}[${i}]`, `expected an integer, got ${n}`);
    if (n < -32768 || n > 32767) throw new BadLineError(file, index, `${field}[${i}]`, `${n} is outside the int16 range -32768..32767`);
    out[i] = n;
  }
  return out;
}

/**
 * Parses and validates one line.
 * @param line - the raw line text
 * @param file - file name for error messages
 * @param index - 0-based line index
 * @throws BadLineError naming the file, line and field
 */
export function parseSwipeLine(line: string, file: string, index: number): SwipeRecord {
  // Every swipe reader refuses blank lines (a line is a swipe: its index is its identity).
  if (line.trim() === '') throw new BadLineError(file, index, '(line)', 'empty line (every line of a swipe file is one swipe)');
  let data: unknown;
  try {
    data = parseJson(line);
  } catch (err) {
    if (err instanceof JsonDepthError) throw new BadLineError(file, index, err.field === '(root)' ? '(line)' : err.field, err.problem);
    throw new BadLineError(file, index, '(line)', `invalid JSON: ${(err as Error).message}`);
  }
  if (!isObject(data)) throw new BadLineError(file, index, '(line)', 'expected a JSON object');
  const curve = data.curve;
  if (curve === undefined) throw new BadLineError(file, index, 'curve', 'missing');
  if (!isObject(curve)) throw new BadLineError(file, index, 'curve', 'expected an object');
  const x = int16Array(curve.x, file, index, 'curve.x');
  const y = int16Array(curve.y, file, index, 'curve.y');
  const t = int16Array(curve.t, file, index, 'curve.t');
  if (y.length !== x.length) throw new BadLineError(file, index, 'curve.y', `has ${y.length} points but curve.x has ${x.length}`);
  if (t.length !== x.length) throw new BadLineError(file, index, 'curve.t', `has ${t.length} points but curve.x has ${x.length}`);
  if (x.length === 0) throw new BadLineError(file, index, 'curve.x', 'empty curve (no points)');
  const rec: SwipeRecord = { x, y, t, gridName: '' };
  if (curve.grid !== undefined) {
    const where = `${file}:${index + 1}`;
    try {
      rec.grid = validateGrid(curve.grid, where, 'curve.grid');
    } catch (err) {
      // validateGrid phrases its messages as `<where>: <field>: <problem>`.
      const msg = (err as Error).message;
      const rest = msg.startsWith(`${where}: `) ? msg.slice(where.length + 2) : msg;
      const cut = rest.indexOf(': ');
      throw cut > 0 ? new BadLineError(file, index, rest.slice(0, cut), rest.slice(cut + 2)) : new BadLineError(file, index, 'curve.grid', rest);
    }
    rec.gridName = rec.grid.grid_name;
    if (curve.grid_name !== undefined && curve.grid_name !== rec.gridName) {
      throw new BadLineError(file, index, 'curve.grid_name', `${JSON.stringify(curve.grid_name)} differs from curve.grid.grid_name ${JSON.stringify(rec.gridName)}`);
    }
  } else if (curve.grid_name !== undefined) {
    if (typeof curve.grid_name !== 'string') throw new BadLineError(file, index, 'curve.grid_name', `expected a string, got ${JSON.stringify(curve.grid_name)}`);
    rec.gridName = curve.grid_name;
  } else {
    throw new BadLineError(file, index, 'curve.grid_name', 'missing (the line has neither curve.grid nor curve.grid_name)');
  }
  if (data.word !== undefined && data.word !== null) {
    if (typeof data.word !== 'string') throw new BadLineError(file, index, 'word', `expected a string, got ${JSON.stringify(data.word)}`);
    rec.word = data.word;
  }
  return rec;
}

/** Options of {@link readSwipes} / {@link SwipeReader}. */
export interface ReadSwipesOptions {
  /**
   * Grids for `curve.grid_name` lines. Inline grids of the same name must be identical to these. Default:
   * the bundled real grids (`default`, `extra`: `DEFAULT_GRIDS_PATH`) for `curve.grid_name` lines, while
   * inline grids are taken as they come (only grids of the same name within the file must agree).
   */
  grids?: GridMap;
  /** Skip bad lines instead of failing; each is passed to `onBadLine`. Default false. */
  skipBadLines?: boolean;
  /** Called with each skipped bad line (only with `skipBadLines`). */
  onBadLine?: (err: BadLineError) => void;
  /** Receives every inline grid (validated), first seen per name, as soon as its line is read. */
  collectedGrids?: GridMap;
}

let bundled: GridMap | undefined;

/** The bundled real grids, read once. */
function bundledGrids(): GridMap {
  bundled ??= loadGrids();
  return bundled;
}

function canonical(grid: Grid): string {
  return JSON.stringify({ width: grid.width, height: grid.height, keys: grid.keys, grid_name: grid.grid_name });
}

/**
 * Streams the swipes of a JSONL file line by line (memory stays bounded). Inline grids are validated and
 * added to {@link grids}, so a `FeatureExtractor` built on that map resolves them.
 */
export class SwipeReader implements AsyncIterable<Swipe> {
  /** The file. */
  readonly path: string;
  /** Grids known so far: the given ones plus the inline grids read. */
  readonly grids: GridMap;
  private readonly opts: ReadSwipesOptions;
  private readonly seen = new Map<string, string>();

  /**
   * @param path - a JSONL file in either competition format
   * @param opts - grids and bad-line handling
   */
  constructor(path: string, opts: ReadSwipesOptions = {}) {
    this.path = path;
    this.opts = opts;
    this.grids = { ...(opts.grids ?? {}) };
  }

  /** Iterates the swipes in file order. */
  async *[Symbol.asyncIterator](): AsyncGenerator<Swipe> {
    for await (const { line, index } of readLines(this.path)) {
      let swipe: Swipe;
      try {
        swipe = this.parse(line, index);
      } catch (err) {
        if (err instanceof BadLineError && this.opts.skipBadLines) {
          this.opts.onBadLine?.(err);
          continue;
        }
        throw err;
      }
      yield swipe;
    }
  }

  private parse(line: string, index: number): Swipe {
    const rec = parseSwipeLine(line, this.path, index);
    const name = rec.gridName;
    const known = Object.prototype.hasOwnProperty.call(this.grids, name);
    if (rec.grid !== undefined) {
      let key = this.seen.get(name);
      const grid = known ? this.grids[name] : undefined;
      if (key === undefined && grid !== undefined) key = canonical(grid);
      const c = canonical(rec.grid);
      if (key !== undefined && key !== c) {
        throw new BadLineError(this.path, index, 'curve.grid', `grid ${JSON.stringify(name)} differs from the grid of the same name seen before`);
      }
      if (!this.seen.has(name)) {
        this.seen.set(name, c);
        if (!known) this.grids[name] = rec.grid;
        if (this.opts.collectedGrids && !Object.prototype.hasOwnProperty.call(this.opts.collectedGrids, name)) this.opts.collectedGrids[name] = rec.grid;
      }
    } else if (!known && this.opts.grids === undefined && Object.prototype.hasOwnProperty.call(bundledGrids(), name)) {
      this.grids[name] = bundledGrids()[name] as Grid; // an own property, checked just above
    } else if (!known) {
      const names = [...new Set([...Object.keys(this.grids), ...(this.opts.grids === undefined ? Object.keys(bundledGrids()) : [])])];
      throw new BadLineError(this.path, index, 'curve.grid_name', `unknown grid name ${JSON.stringify(name)} (known: ${names.length ? names.join(', ') : 'none; pass a grids file'})`);
    }
    const swipe: Swipe = { index, x: rec.x, y: rec.y, t: rec.t, gridName: name };
    if (rec.word !== undefined) swipe.word = rec.word;
    return swipe;
  }
}

/**
 * Streams the swipes of a JSONL file (either competition format) in file order.
 * @throws BadLineError for a bad line (unless `skipBadLines`), Error when the file cannot be read
 */
export async function* readSwipes(path: string, opts: ReadSwipesOptions = {}): AsyncGenerator<Swipe> {
  yield* new SwipeReader(path, opts);
}

/**
 * Streams the lines of a text file with their 0-based index (`\n` or `\r\n` endings; a final newline
 * does not start an extra line).
 * @throws Error naming the file when it cannot be read
 */
export async function* readLines(path: string): AsyncGenerator<{ line: string; index: number }> {
  // A folder fails here, named, instead of EISDIR from the stream without the path.
  checkInputFile(path, 'data file');
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  let index = 0;
  try {
    for await (const line of rl) yield { line, index: index++ };
  } catch (err) {
    if (err instanceof BadLineError) throw err;
    throw new Error(`${path}: cannot read: ${(err as Error).message}`, { cause: err });
  } finally {
    rl.close();
    stream.destroy();
  }
}

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

/**
 * The first line of a data file, parsed (for format detection).
 * @returns null for an empty file
 * @throws BadLineError for a malformed first line
 */
export async function readFirstRecord(path: string): Promise<SwipeRecord | null> {
  for await (const { line, index } of readLines(path)) return parseSwipeLine(line, path, index);
  return null;
}

/** The swipes of one grid, in their original order (seed `CurveDatasetSubset`). */
export async function* subsetByGrid(source: AsyncIterable<Swipe> | Iterable<Swipe>, gridName: string): AsyncGenerator<Swipe> {
  for await (const s of source) if (s.gridName === gridName) yield s;
}

/** Ascending original indices whose grid name is `gridName` (seed `grid_idxs`). */
export function gridIndices(gridNames: readonly string[], gridName: string): number[] {
  const out: number[] = [];
  gridNames.forEach((g, i) => {
    if (g === gridName) out.push(i);
  });
  return out;
}
