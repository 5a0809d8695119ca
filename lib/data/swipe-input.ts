/**
 * Validation of swipes handed to the library (`Decoder.decode`, `FeatureExtractor.extract`): the same
 * field checks as the JSONL reader, with the swipe's position and field in the message.
 */
import { type Swipe } from './dataset.js';
import { int16Array } from './swipe-line.js';
import { BadLineError } from '../io/bad-line.js';

/** A swipe given to the library that cannot be decoded; the message names the position and the field. */
export class InvalidSwipeError extends TypeError {
  /** 0-based position in the array given; -1 for a single swipe. */
  readonly position: number;
  /** Field of the swipe (`x[3]`, `gridName`, …), or `(swipe)` for the whole element. */
  readonly field: string;
  /** The problem, without the location. */
  readonly problem: string;

  constructor(where: string, position: number, field: string, problem: string) {
    super(`${position < 0 ? where : `${where}[${position}]`}: ${field}: ${problem}`);
    this.name = 'InvalidSwipeError';
    this.position = position;
    this.field = field;
    this.problem = problem;
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  const text = JSON.stringify(v) ?? (typeof v === 'symbol' ? v.toString() : typeof v === 'bigint' ? `${v}n` : typeof v === 'function' ? '(a function)' : 'undefined');
  return `${typeof v} ${text}`;
}

function coordinates(v: unknown, where: string, position: number, field: 'x' | 'y' | 't'): Int16Array {
  if (v instanceof Int16Array) return v;
  // Other typed arrays are checked element by element like plain arrays (a Float32Array may hold NaN).
  const plain = ArrayBuffer.isView(v) && !(v instanceof DataView) ? Array.from(v as unknown as ArrayLike<number>) : v;
  try {
    return int16Array(plain, where, position, field);
  } catch (err) {
    if (err instanceof BadLineError) throw new InvalidSwipeError(where, position, err.field, err.problem);
    throw err;
  }
}

/**
 * Checks swipes given to the library and returns them with int16 coordinates: every element an object,
 * `x`, `y`, `t` arrays (or typed arrays) of finite int16 integers of one non-zero length, `gridName` a
 * string (and a known grid when `hasGrid` is given), `index` (when present) a non-negative integer; a
 * missing `index` becomes the position. Swipes that are already valid are returned as they are.
 * @param swipes - what the caller passed
 * @param hasGrid - whether a grid name is known
 * @param where - the argument's name in messages
 * @throws InvalidSwipeError (a TypeError) naming the position and the field
 */
export function checkSwipes(swipes: unknown, hasGrid?: (name: string) => boolean, where = 'swipes'): Swipe[] {
  if (!Array.isArray(swipes)) throw new TypeError(`${where}: expected an array of swipes, got ${describe(swipes)}`);
  const out = new Array<Swipe>(swipes.length);
  for (let i = 0; i < swipes.length; i++) out[i] = checkSwipe(swipes[i], i, hasGrid, where);
  return out;
}

/**
 * Checks one swipe (see {@link checkSwipes}); `position` -1 names it `where` alone.
 * @throws InvalidSwipeError naming the position and the field
 */
export function checkSwipe(s: unknown, position: number, hasGrid?: (name: string) => boolean, where = 'swipes'): Swipe {
  if (typeof s !== 'object' || s === null || Array.isArray(s)) throw new InvalidSwipeError(where, position, '(swipe)', `expected a swipe object { x, y, t, gridName }, got ${describe(s)}`);
  const r = s as Record<string, unknown>;
  const x = coordinates(r.x, where, position, 'x');
  const y = coordinates(r.y, where, position, 'y');
  const t = coordinates(r.t, where, position, 't');
  if (y.length !== x.length) throw new InvalidSwipeError(where, position, 'y', `has ${y.length} points but x has ${x.length}`);
  if (t.length !== x.length) throw new InvalidSwipeError(where, position, 't', `has ${t.length} points but x has ${x.length}`);
  if (x.length === 0) throw new InvalidSwipeError(where, position, 'x', 'empty curve (no points)');
  if (typeof r.gridName !== 'string' || r.gridName.length === 0) throw new InvalidSwipeError(where, position, 'gridName', `expected a grid name, got ${describe(r.gridName)}`);
  if (hasGrid !== undefined && !hasGrid(r.gridName)) throw new InvalidSwipeError(where, position, 'gridName', `unknown grid ${JSON.stringify(r.gridName)}`);
  let index = Math.max(position, 0);
  if (r.index !== undefined) {
    if (typeof r.index !== 'number' || !Number.isSafeInteger(r.index) || r.index < 0) throw new InvalidSwipeError(where, position, 'index', `expected an integer ≥ 0, got ${describe(r.index)}`);
    index = r.index;
  }
  if (r.word !== undefined && r.word !== null && typeof r.word !== 'string') throw new InvalidSwipeError(where, position, 'word', `expected a string, got ${describe(r.word)}`);
  const size = keyboardSize(r.width, r.height, (field, problem) => new InvalidSwipeError(where, position, field, problem));
  if (x === r.x && y === r.y && t === r.t && index === r.index) return s as Swipe;
  const swipe: Swipe = { index, x, y, t, gridName: r.gridName };
  if (typeof r.word === 'string') swipe.word = r.word;
  if (size !== null) {
    swipe.width = size.width;
    swipe.height = size.height;
  }
  return swipe;
}

/**
 * Checks a swipe's keyboard size (`width`, `height`: both or neither, positive finite numbers).
 * @param error - builds the error for a field and its problem
 * @returns the size, or null when neither is given
 */
export function keyboardSize(width: unknown, height: unknown, error: (field: string, problem: string) => Error): { width: number; height: number } | null {
  const absent = (v: unknown): boolean => v === undefined || v === null;
  if (absent(width) && absent(height)) return null;
  for (const [field, v, other] of [['width', width, 'height'], ['height', height, 'width']] as const) {
    if (absent(v)) throw error(field, `missing: the keyboard's size is its width and height together (${other} is given)`);
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw error(field, `expected the keyboard's ${field}, a finite number > 0, got ${describe(v)}`);
  }
  return { width: width as number, height: height as number };
}

/**
 * A swipe's points on a grid: `x`, `y` scaled from the swipe's keyboard size ({@link Swipe.width} ×
 * {@link Swipe.height}) onto `grid.width × grid.height` and rounded, or the swipe itself when it has no
 * size or the grid's. Points stay in int16 (a keyboard is far smaller than 32,767 px).
 */
export function onGrid(swipe: Swipe, grid: { width: number; height: number }): Swipe {
  const { width, height } = swipe;
  if (typeof width !== 'number' || typeof height !== 'number' || (width === grid.width && height === grid.height)) return swipe;
  const sx = grid.width / width;
  const sy = grid.height / height;
  const clamp = (v: number): number => Math.max(-32768, Math.min(32767, Math.round(v)));
  return {
    ...swipe,
    x: Int16Array.from(swipe.x, (v) => clamp(v * sx)),
    y: Int16Array.from(swipe.y, (v) => clamp(v * sy)),
    width: grid.width,
    height: grid.height,
  };
}
