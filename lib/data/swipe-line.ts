/**
 * One line of a competition swipe file (inline `curve.grid` or separated `curve.grid_name`), validated: its
 * coordinates, grid name, inline grid and target word, each error naming the file, line and field.
 */
import { BadLineError } from '../io/bad-line.js';
import { validateGrid, type Grid } from '../keyboard/grid.js';
import { JsonDepthError, parseJson } from '../io/json.js';

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
