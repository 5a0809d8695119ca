/**
 * Nearest allowed key for any integer point, reproducing the seed's `NearestKeyLookup` answers without
 * precomputing its full table: answers are computed on demand and cached per cell.
 */
import { floatCenter, gridAlphabet, keyLabel, unusableGridMessage, type Grid } from './grid.js';
import { at } from '../util/checked.js';

/** One allowed key as the lookup sees it. */
interface AllowedKey {
  label: string;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  cx: number;
  cy: number;
}

/**
 * Nearest-key lookup for one grid.
 *
 * Rules (seed `src/nearest_key_lookup.py`):
 * - inside the keyboard (`0 <= x < width`, `0 <= y < height`), the point takes the label of the **last**
 *   allowed key in grid order whose half-open hitbox `[x, x+w) × [y, y+h)` contains it (later keys win on
 *   the 1-pixel overlaps);
 * - otherwise (outside every allowed hitbox, or outside the keyboard) it takes the allowed key whose float
 *   centre has the strictly smallest squared distance, ties going to the earlier key in grid order.
 *
 * Coordinates are truncated toward zero first (the seed casts them with `int()`).
 */
export class NearestKeyLookup {
  /** The grid this lookup answers for. */
  readonly grid: Grid;
  /** Labels of the allowed keys, in grid order; {@link nearestIndex} returns an index into this list. */
  readonly labels: readonly string[];
  private readonly keys: AllowedKey[];
  private readonly cache: Int16Array;

  /**
   * @param grid - the keyboard
   * @param candidates - labels allowed as answers (default: the grid's alphabet, {@link gridAlphabet}: the
   *   seed's alphabet with its Latin `ë` on the Russian grids, a–z on a Latin grid);
   *   `null` allows every key, as the seed's `None`
   * @throws Error when no key of the grid is allowed
   */
  constructor(grid: Grid, candidates: readonly string[] | null = gridAlphabet(grid)) {
    this.grid = grid;
    const allowed = candidates === null ? null : new Set(candidates);
    this.keys = [];
    for (const key of grid.keys) {
      const label = keyLabel(key);
      if (allowed !== null && !allowed.has(label)) continue;
      const c = floatCenter(key);
      const hb = key.hitbox;
      this.keys.push({ label, x0: hb.x, y0: hb.y, x1: hb.x + hb.w, y1: hb.y + hb.h, cx: c.x, cy: c.y });
    }
    if (this.keys.length === 0) throw new Error(unusableGridMessage(grid, candidates ?? []));
    this.labels = this.keys.map((k) => k.label);
    this.cache = new Int16Array(grid.width * grid.height).fill(-1);
  }

  /** Index (into {@link labels}) of the nearest allowed key for the point `(x, y)`. */
  nearestIndex(x: number, y: number): number {
    const xi = Math.trunc(x);
    const yi = Math.trunc(y);
    const { width, height } = this.grid;
    if (xi < 0 || xi >= width || yi < 0 || yi >= height) return this.fallback(xi, yi);
    const cell = xi * height + yi;
    let v = at(this.cache, cell);
    if (v < 0) {
      v = this.inside(xi, yi);
      this.cache[cell] = v;
    }
    return v;
  }

  /** Label of the nearest allowed key for the point `(x, y)` (seed `get_nearest_kb_label`). */
  nearestLabel(x: number, y: number): string {
    return at(this.labels, this.nearestIndex(x, y));
  }

  private inside(x: number, y: number): number {
    for (let i = this.keys.length - 1; i >= 0; i--) {
      const k = at(this.keys, i);
      if (x >= k.x0 && x < k.x1 && y >= k.y0 && y < k.y1) return i;
    }
    return this.fallback(x, y);
  }

  private fallback(x: number, y: number): number {
    let best = 0;
    let bestD = Infinity;
    for (const [i, k] of this.keys.entries()) {
      const dx = x - k.cx;
      const dy = y - k.cy;
      const d = dx * dx + dy * dy;
      if (d < bestD) {
        bestD = d;
        best = i;
      }
    }
    return best;
  }
}
