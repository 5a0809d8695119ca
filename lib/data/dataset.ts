/**
 * Streaming reader of competition swipe files (inline `curve.grid` or separated `curve.grid_name`; each line
 * validated by lib/data/swipe-line.ts), their lines, and grid subsets.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { BadLineError } from '../io/bad-line.js';
import { loadGrids, type Grid, type GridMap } from '../keyboard/grid.js';
import { checkInputFile } from '../io/count-lines.js';
import { parseSwipeLine, type SwipeRecord } from './swipe-line.js';

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
