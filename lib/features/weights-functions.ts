/**
 * The seed's distance-weight functions (`weights_function_v1` and its softmax / normalised variants),
 * applied to one row of key distances.
 */
import type { WeightsFunctionName } from './types.js';
import { at } from '../util/checked.js';

const f32 = Math.fround;

/**
 * Sigmoid weight of one key as the seed computes it from the integer offset `(dx, dy)` between a point
 * and the key's truncated centre: `d = float32(sqrt(dx² + dy²))`, `s = d ÷ float32(hkd)`,
 * `z = float32(float32(s · float32(−scale)) + float32(bias))`, `w = sigmoid(z)` (evaluated in double then
 * rounded to float32; libtorch may differ by about 1 ulp).
 *
 * Every offset with `|dx| <= maxDx` and `|dy| <= maxDy` (all in-keyboard points) is precomputed into
 * {@link table} at `|dy| · stride + |dx|`; larger offsets are computed on demand by {@link compute}.
 */
export class SigmoidWeights {
  /** Largest tabulated `|dx|`. */
  readonly maxDx: number;
  /** Largest tabulated `|dy|`. */
  readonly maxDy: number;
  /** Row length of {@link table} (`maxDx + 1`). */
  readonly stride: number;
  /** Weights by offset, `table[|dy| · stride + |dx|]`. */
  readonly table: Float32Array;
  private readonly hkd32: number;
  private readonly negScale32: number;
  private readonly bias32: number;

  /**
   * @param halfKeyDiagonal - the grid's average half key diagonal (double; cast to float32 as libtorch does)
   * @param bias - sigmoid bias
   * @param scale - sigmoid scale
   * @param maxDx - largest tabulated `|dx|` (the grid width covers every in-keyboard point)
   * @param maxDy - largest tabulated `|dy|` (the grid height)
   */
  constructor(halfKeyDiagonal: number, bias: number, scale: number, maxDx: number, maxDy: number) {
    this.hkd32 = f32(halfKeyDiagonal);
    this.negScale32 = f32(-scale);
    this.bias32 = f32(bias);
    this.maxDx = maxDx;
    this.maxDy = maxDy;
    this.stride = maxDx + 1;
    this.table = new Float32Array(this.stride * (maxDy + 1));
    for (let ay = 0, i = 0; ay <= maxDy; ay++) {
      for (let ax = 0; ax <= maxDx; ax++, i++) this.table[i] = this.compute(f32(Math.sqrt(ax * ax + ay * ay)));
    }
  }

  /** Weight for an integer offset between a point and a key centre. */
  ofOffset(dx: number, dy: number): number {
    const ax = dx < 0 ? -dx : dx;
    const ay = dy < 0 ? -dy : dy;
    if (ax <= this.maxDx && ay <= this.maxDy) return at(this.table, ay * this.stride + ax);
    return this.compute(f32(Math.sqrt(ax * ax + ay * ay)));
  }

  /** Weight for a float32 distance `d >= 0`. */
  compute(d32: number): number {
    const s = f32(d32 / this.hkd32);
    const z = f32(f32(s * this.negScale32) + this.bias32);
    return f32(1 / (1 + Math.exp(-z)));
  }
}

/**
 * Turns a row of sigmoid weights into the chosen function's output, in place.
 * `row[k]` must already hold the sigmoid weight of present keys and 0 for missing ones (`missing[k]`).
 * - `weights_function_v1`: unchanged;
 * - `weights_function_v1_softmax`: softmax over the present keys (missing keys are −∞, hence 0);
 * - `weights_function_sigmoid_normalized_v1`: each weight divided by the row sum.
 * Missing keys end at exactly 0 in every variant.
 */
export function finishWeightsRow(name: WeightsFunctionName, row: Float32Array, offset: number, n: number, missing: Uint8Array): void {
  if (name === 'weights_function_v1') return;
  if (name === 'weights_function_v1_softmax') {
    let max = -Infinity;
    for (let k = 0; k < n; k++) {
      const v = at(row, offset + k);
      if (!missing[k] && v > max) max = v;
    }
    if (max === -Infinity) return;
    let sum = 0;
    for (let k = 0; k < n; k++) if (!missing[k]) sum += Math.exp(at(row, offset + k) - max);
    for (let k = 0; k < n; k++) row[offset + k] = missing[k] ? 0 : Math.exp(at(row, offset + k) - max) / sum;
    return;
  }
  let sum = 0;
  for (let k = 0; k < n; k++) sum += at(row, offset + k);
  if (sum === 0) return;
  for (let k = 0; k < n; k++) row[offset + k] = missing[k] ? 0 : at(row, offset + k) / sum;
}
