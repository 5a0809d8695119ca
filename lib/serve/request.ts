/**
 * Validation of `POST /v1/decode` bodies: one swipe `{x, y, t, grid_name | grid, width?, height?}` or `{swipes: [...]}`,
 * plus optional per-request decoding options. Swipe fields are checked by the same code and phrased in the
 * same words as lines of a data file (`lib/data/dataset.ts`), with the field path inside the request
 * (`swipes[2].x[5]`) in place of the file and line.
 */
import { createHash } from 'node:crypto';
import { BadLineError } from '../io/bad-line.js';
import { parseSwipeLine, type Swipe } from '../data/dataset.js';
import { keyboardSize } from '../data/swipe-input.js';
import type { Grid, GridMap } from '../keyboard/grid.js';
import { invalidOption } from '../invalid-option.js';
import { DECODING_OPTIONS } from '../options/schema.js';
import { JsonDepthError, parseJson } from '../io/json.js';

/** A request that cannot be served: HTTP status, the field at fault, and the message. */
export class RequestError extends Error {
  /** HTTP status (400, 404, 405, 413, 503, …). */
  readonly status: number;
  /** Dotted field path inside the request (`swipes[1].x[3]`), `(body)` for the whole body, or `null`. */
  readonly field: string | null;
  /** Seconds for a `Retry-After` header (503 only). */
  readonly retryAfter: number | null;

  /**
   * @param status - HTTP status
   * @param field - field path, or null when no field is at fault
   * @param message - the full message (it names the field when there is one)
   * @param retryAfter - seconds for `Retry-After`
   */
  constructor(status: number, field: string | null, message: string, retryAfter: number | null = null) {
    super(message);
    this.name = 'RequestError';
    this.status = status;
    this.field = field;
    this.retryAfter = retryAfter;
  }
}

/** A 400 naming `field`: `<field>: <problem>`. */
export function badField(field: string, problem: string): RequestError {
  return new RequestError(400, field, `${field}: ${problem}`);
}

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

function canonical(grid: Grid): string {
  return JSON.stringify({ width: grid.width, height: grid.height, keys: grid.keys, grid_name: grid.grid_name });
}

/**
 * Server-side registry of grids: the known ones by name, and inline grids of requests. An inline grid equal
 * to the known grid of its name is that grid; any other inline grid is kept under a name made from its
 * content, so two clients sending different layouts under one name each get their own.
 *
 * Inline grids are kept in least-recently-used order, at most `maxInline`: a new one evicts the grid used
 * longest ago, so that no client can fill the table for good. A grid used within the last `busyMs` (the
 * request timeout: a request still in flight may need it) is never evicted; when every kept grid is that
 * recent, the new one is refused with 503 and Retry-After.
 */
export class GridRegistry {
  /** Name → grid, shared with the decoders' feature extractors (looked up at extraction time). */
  readonly grids: GridMap;
  private readonly known: Map<string, string>;
  /** Inline grid key → last use (ms), oldest first (a Map keeps insertion order; a use re-inserts). */
  private readonly inline = new Map<string, number>();
  private readonly maxInline: number;
  private readonly busyMs: number;
  private readonly now: () => number;
  /** Called with the key of each evicted inline grid (the server drops its cached features). */
  onEvict: ((key: string) => void) | null = null;

  /**
   * @param grids - the grids requests may name with `grid_name`
   * @param maxInline - most distinct inline grids kept
   * @param busyMs - an inline grid used within this many ms is not evicted (default 0)
   * @param now - the clock, in ms (default `performance.now`)
   */
  constructor(grids: GridMap, maxInline: number, busyMs = 0, now: () => number = () => performance.now()) {
    this.grids = { ...grids };
    this.known = new Map(Object.entries(grids).map(([n, g]) => [n, canonical(g)]));
    this.maxInline = maxInline;
    this.busyMs = busyMs;
    this.now = now;
  }

  /** Number of inline grids kept. */
  get inlineCount(): number {
    return this.inline.size;
  }

  /** Names a request may use in `grid_name`. */
  get names(): string[] {
    return [...this.known.keys()];
  }

  /** Whether `name` is a grid a request may name. */
  has(name: string): boolean {
    return this.known.has(name);
  }

  /**
   * The key under which an inline grid is decoded (a use: it becomes the most recently used).
   * @throws RequestError 503 on `field` when the table is full of grids in use by requests in flight
   */
  resolveInline(grid: Grid, field: string): string {
    const c = canonical(grid);
    if (this.known.get(grid.grid_name) === c) return grid.grid_name;
    const key = `${grid.grid_name}#${createHash('sha1').update(c).digest('hex').slice(0, 16)}`;
    const now = this.now();
    if (this.inline.has(key)) {
      this.inline.delete(key);
      this.inline.set(key, now);
      return key;
    }
    if (this.inline.size >= this.maxInline) {
      const [oldest, used] = this.inline.entries().next().value as [string, number];
      if (now - used < this.busyMs) {
        throw new RequestError(503, field, `${field}: the server keeps at most ${this.maxInline} distinct inline grids and all are in use; retry, or send grid_name (one of ${this.names.join(', ')})`, 1);
      }
      this.inline.delete(oldest);
      delete this.grids[oldest];
      this.onEvict?.(oldest);
    }
    this.grids[key] = grid;
    this.inline.set(key, now);
    return key;
  }
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
  // Exact scoring runs the model on every vocabulary prefix: a server starts with it or not, a request cannot ask.
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
  const bs = decoding.beamSize;
  if (typeof bs === 'number' && bs > limits.maxBeamSize) {
    throw badField('decoding.beamSize', invalidOption('decoding.beamSize', `an integer in 1..${limits.maxBeamSize} (the server's --max-beam-size)`, bs).problem);
  }
  return { decoding, vocabulary };
}
