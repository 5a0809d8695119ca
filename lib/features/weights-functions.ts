/**
 * The seed's distance-weight functions (`weights_function_v1` and its softmax / normalised variants),
 * applied to one row of key distances.
 */
import type { WeightsFunctionName } from './types.js';

const f32 = Math.fround;

/**
 * Sigmoid weight of one key as the seed computes it from an integer squared distance `d2`:
 * `d = float32(sqrt(d2))`, `s = d ÷ float32(hkd)`, `z = float32(float32(s · float32(−scale)) + float32(bias))`,
 * `w = sigmoid(z)` (evaluated in double then rounded to float32; libtorch may differ by about 1 ulp).
 * Results are cached per `d2`, since a grid has a bounded set of in-keyboard squared distances.
 */
export class SigmoidWeights {
  private readonly hkd32: number;
  private readonly negScale32: number;
  private readonly bias32: number;
  private readonly table: Float32Array;

  /**
   * @param halfKeyDiagonal - the grid's average half key diagonal (double; cast to float32 as libtorch does)
   * @param bias - sigmoid bias
   * @param scale - sigmoid scale
   * @param maxCachedD2 - squared distances up to this value are cached
   */
  constructor(halfKeyDiagonal: number, bias: number, scale: number, maxCachedD2: number) {
    this.hkd32 = f32(halfKeyDiagonal);
    this.negScale32 = f32(-scale);
    this.bias32 = f32(bias);
    this.table = new Float32Array(maxCachedD2 + 1).fill(NaN);
  }

  /** Weight for an exact integer squared distance. */
  ofSquaredDistance(d2: number): number {
    if (d2 < this.table.length) {
      const v = this.table[d2];
      if (v === v) return v;
      const w = this.compute(f32(Math.sqrt(d2)));
      this.table[d2] = w;
      return w;
    }
    return this.compute(f32(Math.sqrt(d2)));
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
    for (let k = 0; k < n; k++) if (!missing[k] && row[offset + k] > max) max = row[offset + k];
    if (max === -Infinity) return;
    let sum = 0;
    for (let k = 0; k < n; k++) if (!missing[k]) sum += Math.exp(row[offset + k] - max);
    for (let k = 0; k < n; k++) row[offset + k] = missing[k] ? 0 : Math.exp(row[offset + k] - max) / sum;
    return;
  }
  let sum = 0;
  for (let k = 0; k < n; k++) sum += row[offset + k];
  if (sum === 0) return;
  for (let k = 0; k < n; k++) row[offset + k] = missing[k] ? 0 : row[offset + k] / sum;
}
