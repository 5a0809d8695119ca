/**
 * The grids a server decodes on: the known ones by name, and the inline grids of requests, kept in
 * least-recently-used order within a bound.
 */
import { createHash } from 'node:crypto';
import type { Grid, GridMap } from '../keyboard/grid.js';
import { RequestError } from './errors.js';

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

