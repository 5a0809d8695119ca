/**
 * Distances from a point to key centres, reproducing the seed's `DistancesLookup`.
 */
import { keyLabel, truncatedCenter, type Grid } from './grid.js';
import { at } from '../util/checked.js';

/**
 * Distances lookup for one grid and one column list.
 *
 * Column `k` holds the truncated integer centre of the grid key labelled `columns[k]` (the later key
 * wins if a label occurs twice). The distance is the Euclidean distance computed in double precision;
 * columns without a key get `-1`.
 */
export class DistancesLookup {
  /** The grid this lookup answers for. */
  readonly grid: Grid;
  /** Column labels, in output order. */
  readonly columns: readonly string[];
  /** Truncated centre x per column, `-1` for a missing key. */
  readonly centerX: Int32Array;
  /** Truncated centre y per column, `-1` for a missing key. */
  readonly centerY: Int32Array;

  /**
   * @param grid - the keyboard
   * @param columns - one label per output column (the seed uses the keyboard tokens plus `<extra_token>`)
   */
  constructor(grid: Grid, columns: readonly string[]) {
    this.grid = grid;
    this.columns = columns;
    const n = columns.length;
    this.centerX = new Int32Array(n).fill(-1);
    this.centerY = new Int32Array(n).fill(-1);
    for (const key of grid.keys) {
      const label = keyLabel(key);
      const c = truncatedCenter(key);
      for (let j = 0; j < n; j++) {
        if (columns[j] !== label) continue;
        this.centerX[j] = c.x;
        this.centerY[j] = c.y;
      }
    }
  }

  /** Number of columns. */
  get nColumns(): number {
    return this.columns.length;
  }

  /**
   * Writes the distances of `(x, y)` to every column into `out[offset .. offset + nColumns)`.
   * Coordinates are truncated toward zero first.
   */
  distancesInto(x: number, y: number, out: Float64Array | Float32Array, offset = 0): void {
    const xi = Math.trunc(x);
    const yi = Math.trunc(y);
    const n = this.centerX.length;
    for (let k = 0; k < n; k++) {
      const cx = at(this.centerX, k);
      if (cx === -1) {
        out[offset + k] = -1;
        continue;
      }
      const dx = cx - xi;
      const dy = at(this.centerY, k) - yi;
      out[offset + k] = Math.sqrt(dx * dx + dy * dy);
    }
  }

  /** Distances of `(x, y)` to every column, in double precision (`-1` for missing keys). */
  distances(x: number, y: number): Float64Array {
    const out = new Float64Array(this.columns.length);
    this.distancesInto(x, y, out);
    return out;
  }
}
