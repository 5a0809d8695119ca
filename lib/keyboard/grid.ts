/**
 * Keyboard grids as they appear in the competition data (`curve.grid`) and in `gridname_to_grid.json`,
 * and the key geometry the seed derives from their hitboxes.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LATIN_ALPHABET, SEED_CYRILLIC_ALPHABET } from './alphabet.js';
import { JsonDepthError, parseJson } from '../io/json.js';

/** A key's touch area: top-left corner and size, in pixels. */
export interface Hitbox {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** One key: either a `label` (a character) or an `action` (`shift`, `space`, …), plus its hitbox. */
export interface GridKey {
  label?: string;
  action?: string;
  hitbox: Hitbox;
}

/** A keyboard layout. Member order in the original files: `width, height, keys, grid_name`. */
export interface Grid {
  width: number;
  height: number;
  keys: GridKey[];
  grid_name: string;
}

/** Grid name → grid, as in `gridname_to_grid.json`. */
export type GridMap = Record<string, Grid>;

/** Path of the bundled grids: the competition's Russian `default` and `extra`, and the English `qwerty`. */
export const DEFAULT_GRIDS_PATH = fileURLToPath(new URL('../../data/gridname_to_grid.json', import.meta.url));

function fail(file: string, field: string, message: string): never {
  throw new Error(`${file}: ${field}: ${message}`);
}

function checkInt(v: unknown, file: string, field: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) fail(file, field, `expected an integer, got ${JSON.stringify(v)}`);
  return v;
}

/**
 * Validates an untyped value as a grid and returns it typed.
 * @param value - parsed JSON
 * @param file - file name used in error messages
 * @param field - dotted path of the value inside the file, used in error messages
 * @throws Error naming the file and the field when anything is missing or of the wrong type
 */
export function validateGrid(value: unknown, file: string, field: string): Grid {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(file, field, 'expected an object');
  const g = value as Record<string, unknown>;
  const width = checkInt(g.width, file, `${field}.width`);
  const height = checkInt(g.height, file, `${field}.height`);
  if (width <= 0 || height <= 0) fail(file, field, `width and height must be positive, got ${width}x${height}`);
  if (typeof g.grid_name !== 'string') fail(file, `${field}.grid_name`, 'expected a string');
  if (!Array.isArray(g.keys) || g.keys.length === 0) fail(file, `${field}.keys`, 'expected a non-empty array');
  const keys: GridKey[] = g.keys.map((k: unknown, i: number) => {
    const kf = `${field}.keys[${i}]`;
    if (typeof k !== 'object' || k === null) fail(file, kf, 'expected an object');
    const key = k as Record<string, unknown>;
    if (key.label === undefined && key.action === undefined) fail(file, kf, 'has neither label nor action');
    if (key.label !== undefined && typeof key.label !== 'string') fail(file, `${kf}.label`, 'expected a string');
    if (key.action !== undefined && typeof key.action !== 'string') fail(file, `${kf}.action`, 'expected a string');
    const hb = key.hitbox as Record<string, unknown> | undefined;
    if (typeof hb !== 'object' || hb === null) fail(file, `${kf}.hitbox`, 'expected an object');
    const hitbox = {
      x: checkInt(hb.x, file, `${kf}.hitbox.x`),
      y: checkInt(hb.y, file, `${kf}.hitbox.y`),
      w: checkInt(hb.w, file, `${kf}.hitbox.w`),
      h: checkInt(hb.h, file, `${kf}.hitbox.h`),
    };
    const out: GridKey = { hitbox };
    if (key.label !== undefined) out.label = key.label;
    if (key.action !== undefined) out.action = key.action;
    return out;
  });
  return { width, height, keys, grid_name: g.grid_name };
}

/**
 * Loads and validates a `gridname_to_grid.json` file.
 * @param path - the file; defaults to the bundled real grids
 */
export function loadGrids(path: string = DEFAULT_GRIDS_PATH): GridMap {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`${path}: cannot read grids: ${(err as Error).message}`, { cause: err });
  }
  let parsed: unknown;
  try {
    parsed = parseJson(text);
  } catch (err) {
    if (err instanceof JsonDepthError) throw new Error(`${path}:${err.line}: ${err.message}`, { cause: err });
    throw new Error(`${path}: cannot read grids: ${(err as Error).message}`, { cause: err });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) fail(path, '(root)', 'expected an object mapping grid name to grid');
  const out: GridMap = {};
  for (const [name, g] of Object.entries(parsed as Record<string, unknown>)) {
    const grid = validateGrid(g, path, name);
    if (grid.grid_name !== name) fail(path, `${name}.grid_name`, `is ${JSON.stringify(grid.grid_name)} but the map key is ${JSON.stringify(name)}`);
    out[name] = grid;
  }
  return out;
}

/** The key's label: `label` if present, else `action` (seed `get_kb_label`). */
export function keyLabel(key: GridKey): string {
  if (key.label !== undefined) return key.label;
  if (key.action !== undefined) return key.action;
  throw new Error('key has neither label nor action');
}

/* Key geometry the seed derives from the hitboxes: its two key-centre definitions (float centre and
 * truncated integer centre) and the average half key diagonal. */

/** A point in keyboard pixels. */
export interface Point {
  x: number;
  y: number;
}

/**
 * Float centre `(x + w/2, y + h/2)` in double precision. Used by the nearest-key fallback, the average
 * half key diagonal and data cleaning.
 */
export function floatCenter(key: GridKey): Point {
  const hb = key.hitbox;
  return { x: hb.x + hb.w / 2, y: hb.y + hb.h / 2 };
}

/**
 * Truncated integer centre: the float centre truncated toward zero, as the seed stores it in an integer
 * array. Used only by the distances lookup (and therefore the distance and weight features).
 */
export function truncatedCenter(key: GridKey): Point {
  const c = floatCenter(key);
  return { x: Math.trunc(c.x), y: Math.trunc(c.y) };
}

/** Up to `n` items joined by spaces, then `…` when there are more. */
function sample(items: readonly string[], n: number): string {
  return items.length <= n ? items.join(' ') : `${items.slice(0, n).join(' ')} …`;
}

/**
 * Why a grid cannot be used for a model's key features (nearest key, half key diagonal): what it lacks (a
 * key labelled with any letter of the alphabet) and what it has instead.
 * @param candidates - the allowed labels (the alphabet)
 */
export function unusableGridMessage(grid: Grid, candidates: readonly string[]): string {
  const labels = grid.keys.filter((k) => k.label !== undefined).map((k) => k.label as string);
  const has = labels.length === 0
    ? `it has no labelled key (only actions: ${sample(grid.keys.map(keyLabel), 8)})`
    : `none of its ${labels.length} labelled keys (${sample(labels, 12)}) is one of them`;
  return `grid ${JSON.stringify(grid.grid_name)} cannot be used: the model's key features need keys labelled with the letters of its alphabet ` +
    `(${sample(candidates, 40)}), and ${has}. Decode its swipes with a model trained on a keyboard of its letters, or use a grid with the alphabet's keys`;
}

/**
 * Average half key diagonal (seed `get_avg_half_key_diag`): the mean of `sqrt(w² + h²) / 2` over the keys
 * whose label is allowed, summed in grid order (double precision). The default candidates are the grid's
 * alphabet ({@link gridAlphabet}); on the Russian grids the Cyrillic `ё` key is excluded (seed alphabet quirk).
 * @throws Error saying what the grid lacks when no key is allowed
 */
export function avgHalfKeyDiagonal(grid: Grid, candidates: readonly string[] = gridAlphabet(grid)): number {
  const allowed = new Set(candidates);
  let sum = 0;
  let n = 0;
  for (const key of grid.keys) {
    if (!allowed.has(keyLabel(key))) continue;
    const { w, h } = key.hitbox;
    sum += Math.sqrt(w * w + h * h) / 2;
    n++;
  }
  if (n === 0) throw new Error(unusableGridMessage(grid, candidates));
  return sum / n;
}

const CYRILLIC = new Set([...SEED_CYRILLIC_ALPHABET, 'ё']);
const LATIN = new Set(LATIN_ALPHABET);

/**
 * The letter alphabet of a grid, chosen from its key labels: {@link LATIN_ALPHABET} when a key is labelled
 * with a letter a–z and no key with a Cyrillic letter; otherwise {@link SEED_CYRILLIC_ALPHABET} (the bundled
 * Russian grids, and any grid without letters of either script, exactly as before).
 */
export function gridAlphabet(grid: { keys: readonly { label?: string }[] }): readonly string[] {
  let latin = false;
  for (const k of grid.keys) {
    if (k.label === undefined) continue;
    if (CYRILLIC.has(k.label)) return SEED_CYRILLIC_ALPHABET;
    if (LATIN.has(k.label)) latin = true;
  }
  return latin ? LATIN_ALPHABET : SEED_CYRILLIC_ALPHABET;
}
