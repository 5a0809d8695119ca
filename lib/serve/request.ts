/**
 * Validation of `POST /v1/decode` bodies: one swipe `{x, y, t, grid_name | grid, width?, height?}` or `{swipes: [...]}`,
 * plus optional per-request decoding options. Swipe fields are checked by the same code and phrased in the
 * same words as lines of a data file (`lib/data/dataset.ts`), with the field path inside the request
 * (`swipes[2].x[5]`) in place of the file and line.
 */
import { BadLineError } from '../io/bad-line.js';
import { badField } from './errors.js';
import type { Swipe } from '../data/dataset.js';
import { parseSwipeLine } from '../data/swipe-line.js';
import { keyboardSize } from '../data/swipe-input.js';
import type { GridRegistry } from './grid-registry.js';
import { invalidOption } from '../invalid-option.js';
import { DECODING_OPTIONS } from '../options/schema.js';
import { overRequestLimit } from '../options/resolve.js';
import { JsonDepthError, parseJson } from '../io/json.js';

export { GridRegistry } from './grid-registry.js';

export { RequestError, badField } from './errors.js';

/** Limits a request is checked against (fixed when the server starts). */
export interface RequestLimits {
  /** Longest swipe in points (the model's `max_curve_len`). */
  maxPoints: number;
  /** Most swipes in one request. */
  maxSwipes: number;
  /** Largest `decoding.beamSize` a request may ask for. */
  maxBeamSize: number;
  /** Most distinct inline grids the server keeps (each one a grid the features are computed on). */
  maxInlineGrids: number;
}

/** A validated request. */
export interface DecodeRequest {
  /** The swipes, `index` = position in the request; `gridName` is the key of the grid in the server's map. */
  swipes: Swipe[];
  /** The grid names as the client gave them (inline grids keep their own name), one per swipe. */
  clientGridNames: string[];
  /** The body held one swipe at the top level (the answer then has one `candidates` list). */
  single: boolean;
  /** The request's `decoding` object (unchecked against the generator; see {@link mergeDecoding}), or null. */
  decoding: Record<string, unknown> | null;
}

const SWIPE_FIELDS = ['x', 'y', 't', 'grid_name', 'grid', 'width', 'height'];
/** The fields of the swipe's curve as a data line has them (the keyboard size is checked on its own). */
const CURVE_FIELDS = ['x', 'y', 't', 'grid_name', 'grid'];
const TOP_FIELDS = ['swipes', 'decoding'];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Non-finite numbers cannot come from JSON text, but a number too large for a double (`1e999`) parses as
 * Infinity, which re-serialising would turn into `null`; name it as the data reader does.
 */
function checkFinite(obj: Record<string, unknown>, prefix: string): void {
  for (const f of ['x', 'y', 't']) {
    const a = obj[f];
    if (!Array.isArray(a)) continue;
    for (let i = 0; i < a.length; i++) {
      const n: unknown = a[i];
      if (typeof n === 'number' && !Number.isFinite(n)) throw badField(`${prefix}${f}[${i}]`, `non-finite number ${n}`);
    }
  }
}

function parseOneSwipe(value: unknown, prefix: string, index: number, registry: GridRegistry, limits: RequestLimits): { swipe: Swipe; clientGrid: string } {
  const where = prefix === '' ? '(body)' : prefix.slice(0, -1);
  if (!isObject(value)) throw badField(where, `expected a swipe object {x, y, t, grid_name | grid}, got ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}`);
  for (const k of Object.keys(value)) {
    if (!SWIPE_FIELDS.includes(k) && !(prefix === '' && TOP_FIELDS.includes(k))) {
      throw badField(`${prefix}${k}`, `unknown field (a swipe has ${SWIPE_FIELDS.join(', ')})`);
    }
  }
  checkFinite(value, prefix);
  const curve: Record<string, unknown> = {};
  for (const k of CURVE_FIELDS) if (value[k] !== undefined) curve[k] = value[k];
  const size = keyboardSize(value.width, value.height, (field, problem) => badField(`${prefix}${field}`, problem));
  let rec;
  try {
    rec = parseSwipeLine(JSON.stringify({ curve }), '(request)', index);
  } catch (err) {
    if (err instanceof BadLineError) {
      const field = err.field.startsWith('curve.') ? `${prefix}${err.field.slice(6)}` : where;
      // The reader's words, with the request's field paths in place of the line's.
      throw badField(field, err.problem.replaceAll('curve.', prefix).replace('the line has', 'the swipe has'));
    }
    throw err;
  }
  if (rec.x.length > limits.maxPoints) {
    throw badField(`${prefix}x`, `${rec.x.length} points, but the model accepts at most ${limits.maxPoints} (max_curve_len)`);
  }
  let key: string;
  if (rec.grid !== undefined) {
    key = registry.resolveInline(rec.grid, `${prefix}grid`);
  } else {
    if (!registry.has(rec.gridName)) {
      throw badField(`${prefix}grid_name`, `unknown grid name ${JSON.stringify(rec.gridName)} (known: ${registry.names.join(', ')})`);
    }
    key = rec.gridName;
  }
  const swipe: Swipe = { index, x: rec.x, y: rec.y, t: rec.t, gridName: key };
  if (size !== null) {
    swipe.width = size.width;
    swipe.height = size.height;
  }
  return { swipe, clientGrid: rec.gridName };
}

/**
 * Validates a parsed body.
 * @throws RequestError 400 naming the field
 */
export function parseDecodeRequest(body: unknown, registry: GridRegistry, limits: RequestLimits): DecodeRequest {
  if (!isObject(body)) throw badField('(body)', `expected a JSON object (one swipe, or {"swipes": [...]}), got ${Array.isArray(body) ? 'an array' : JSON.stringify(body)}`);
  let decoding: Record<string, unknown> | null = null;
  if (body.decoding !== undefined) {
    if (!isObject(body.decoding)) throw badField('decoding', `expected an object of decoding options, got ${JSON.stringify(body.decoding)}`);
    decoding = body.decoding;
  }
  const swipes: Swipe[] = [];
  const clientGridNames: string[] = [];
  if (body.swipes !== undefined) {
    for (const k of Object.keys(body)) if (!TOP_FIELDS.includes(k)) throw badField(k, `unknown field next to swipes (a request has swipes and decoding, or one swipe's ${SWIPE_FIELDS.join(', ')})`);
    if (!Array.isArray(body.swipes)) throw badField('swipes', `expected an array of swipes, got ${JSON.stringify(body.swipes)}`);
    if (body.swipes.length === 0) throw badField('swipes', 'empty (no swipe to decode)');
    if (body.swipes.length > limits.maxSwipes) throw badField('swipes', `${body.swipes.length} swipes, but the server takes at most ${limits.maxSwipes} per request`);
    body.swipes.forEach((s, i) => {
      const r = parseOneSwipe(s, `swipes[${i}].`, i, registry, limits);
      swipes.push(r.swipe);
      clientGridNames.push(r.clientGrid);
    });
    return { swipes, clientGridNames, single: false, decoding };
  }
  const r = parseOneSwipe(body, '', 0, registry, limits);
  return { swipes: [r.swipe], clientGridNames: [r.clientGrid], single: true, decoding };
}

/**
 * Parses and validates a raw `POST /v1/decode` body (the one JSON reader, with its nesting limit, then
 * {@link parseDecodeRequest}).
 * @throws RequestError 400 naming the field for text that is not JSON, JSON nested too deep, or a request
 *   that is not valid (503 when the inline-grid table is busy)
 */
export function parseRequestBody(text: string, registry: GridRegistry, limits: RequestLimits): DecodeRequest {
  let body: unknown;
  try {
    body = parseJson(text);
  } catch (err) {
    if (err instanceof JsonDepthError) throw badField(err.field === '(root)' ? '(body)' : err.field, err.problem);
    throw badField('(body)', `invalid JSON: ${(err as Error).message}`);
  }
  return parseDecodeRequest(body, registry, limits);
}

/** The options a request may set (`request: true` in lib/options/schema.ts), by either of their names. */
const REQUEST_OPTIONS = DECODING_OPTIONS.filter((o) => o.request === true);

/** What a request may change of the server's decoding options: `generator`, and these options (camelCase or snake_case). */
export const REQUEST_DECODING_KEYS: readonly string[] = ['generator', ...REQUEST_OPTIONS.flatMap((o) => (o.seed === o.name ? [o.name] : [o.name, o.seed]))];

/** A request's decoding options merged into the server's: the generator's options, and the vocabulary's. */
export interface MergedDecoding {
  decoding: { generator: string; [k: string]: unknown };
  /** The options of scope `'vocabulary'` (`vocabScoring`) the request or the server set. */
  vocabulary: Record<string, unknown>;
}

/**
 * The server's decoding options with a request's `decoding` applied. Switching `generator` starts from
 * that generator's defaults (plus the request's options). The result is validated by the decoder
 * (`Decoder.create`), whose errors name the option (mapped to 400 by the server); the server's own limit on
 * `beamSize` is checked here.
 * @throws RequestError 400 naming `decoding.<option>`
 */
export function mergeDecoding(base: MergedDecoding, request: Record<string, unknown> | null, limits: RequestLimits): MergedDecoding {
  if (request === null) return base;
  const given: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(request)) {
    const spec = REQUEST_OPTIONS.find((o) => o.name === k || o.seed === k);
    if (k !== 'generator' && spec === undefined) throw badField(`decoding.${k}`, `not a decoding option a request may set (these are: ${REQUEST_DECODING_KEYS.join(', ')})`);
    const name = spec?.name ?? k;
    if (name in given) throw badField(`decoding.${k}`, `given twice (as ${spec?.name} and ${spec?.seed})`);
    given[name] = v;
  }
  // Exact search costs tens of times a beam: a server starts with it or not, a request cannot ask.
  if ((given.generator === 'exact' || given.generator === 'hybrid') && given.generator !== base.decoding.generator) {
    throw badField('decoding.generator', `${String(given.generator)} scores vocabulary words in bulk; only a server started with it serves it`);
  }
  const decoding: { generator: string; [k: string]: unknown } =
    given.generator !== undefined && given.generator !== base.decoding.generator ? { generator: given.generator as string } : { ...base.decoding };
  const vocabulary = { ...base.vocabulary };
  for (const [k, v] of Object.entries(given)) {
    if (k === 'generator') continue;
    if (REQUEST_OPTIONS.find((o) => o.name === k)?.scope === 'vocabulary') vocabulary[k] = v;
    else decoding[k] = v;
  }
  const over = overRequestLimit(decoding, limits);
  if (over !== null) {
    const path = `decoding.${over.spec.name}`;
    throw badField(path, invalidOption(path, `an integer in 1..${over.max} (the server's ${over.limit.flag})`, over.value).problem);
  }
  return { decoding, vocabulary };
}
