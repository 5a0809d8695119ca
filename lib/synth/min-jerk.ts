/**
 * Minimum-jerk trajectory through via-points (Todorov & Jordan 1998), as in the seed's synthetic data
 * generator (docs/SEED.md §11): the curve is a chain of quintic segments, one per pair of consecutive
 * via-points; positions are met exactly at the passage times, the endpoint velocities and accelerations
 * are zero, and the interior velocities/accelerations solve the linear system that makes jerk and snap
 * continuous at each via-point (which is what minimises the integrated squared jerk).
 *
 * Passage times: the seed optimises them with Nelder–Mead on the jerk cost; this implementation takes them
 * as inputs, and {@link proportionalKnots} gives times proportional to segment lengths (plus a floor so
 * that very short segments still take time).
 */
import { addAt, at, at2 } from '../util/checked.js';

/** State of the trajectory at every via-point, per dimension. */
interface ViaStates {
  v: number[][];
  a: number[][];
}

/**
 * Solves the 2(N−2) system of §11 for the interior accelerations and velocities of every dimension.
 * Unknowns are interleaved `[a_1, v_1, a_2, v_2, …]`; endpoint velocities and accelerations are zero.
 */
function solveViaStates(pos: ReadonlyArray<ReadonlyArray<number>>, knots: ReadonlyArray<number>): ViaStates {
  const n = pos.length;
  const dims = at(pos, 0).length;
  const v = pos.map(() => new Array<number>(dims).fill(0));
  const a = pos.map(() => new Array<number>(dims).fill(0));
  const m = 2 * (n - 2);
  if (m <= 0) return { v, a };
  // Augmented matrix: m rows, m unknowns + one right-hand side per dimension.
  const rows: number[][] = Array.from({ length: m }, () => new Array<number>(m + dims).fill(0));
  for (let k = 1; k <= n - 2; k++) {
    const T0 = at(knots, k) - at(knots, k - 1);
    const T1 = at(knots, k + 1) - at(knots, k);
    const rA = at(rows, 2 * (k - 1));
    const rB = at(rows, 2 * (k - 1) + 1);
    // Coefficients on (a_{k−1}, v_{k−1}, a_k, v_k, a_{k+1}, v_{k+1}).
    const cA = [-6 / T0, -48 / T0 ** 2, 18 * (1 / T0 + 1 / T1), 72 * (1 / T1 ** 2 - 1 / T0 ** 2), -6 / T1, 48 / T1 ** 2];
    const cB = [48 / T0 ** 2, 336 / T0 ** 3, 72 * (1 / T1 ** 2 - 1 / T0 ** 2), 384 * (1 / T1 ** 3 + 1 / T0 ** 3), -48 / T1 ** 2, 336 / T1 ** 3];
    for (let j = 0; j < 3; j++) {
      const p = k - 1 + j; // via-point whose (a, v) the pair of coefficients multiplies
      if (p === 0 || p === n - 1) continue; // endpoint terms: a = v = 0, nothing moves to the rhs
      const col = 2 * (p - 1);
      addAt(rA, col, at(cA, 2 * j));
      addAt(rA, col + 1, at(cA, 2 * j + 1));
      addAt(rB, col, at(cB, 2 * j));
      addAt(rB, col + 1, at(cB, 2 * j + 1));
    }
    for (let d = 0; d < dims; d++) {
      const x0 = at2(pos, k - 1, d);
      const x = at2(pos, k, d);
      const x1 = at2(pos, k + 1, d);
      rA[m + d] = (120 * (x0 - x)) / T0 ** 3 + (120 * (x1 - x)) / T1 ** 3;
      rB[m + d] = (720 * (x - x0)) / T0 ** 4 + (720 * (x1 - x)) / T1 ** 4;
    }
  }
  gaussSolve(rows, m, dims);
  for (let k = 1; k <= n - 2; k++) {
    for (let d = 0; d < dims; d++) {
      at(a, k)[d] = at2(rows, 2 * (k - 1), m + d);
      at(v, k)[d] = at2(rows, 2 * (k - 1) + 1, m + d);
    }
  }
  return { v, a };
}

/** In-place Gauss–Jordan elimination with partial pivoting; solutions end up in the rhs columns. */
function gaussSolve(rows: number[][], m: number, nRhs: number): void {
  const width = m + nRhs;
  for (let c = 0; c < m; c++) {
    let piv = c;
    for (let r = c + 1; r < m; r++) if (Math.abs(at2(rows, r, c)) > Math.abs(at2(rows, piv, c))) piv = r;
    const pr = at(rows, piv);
    const p = at(pr, c);
    if (p === 0 || !Number.isFinite(p)) throw new Error('min-jerk: singular via-point system (passage times must be strictly increasing)');
    if (piv !== c) [rows[piv], rows[c]] = [at(rows, c), pr];
    const inv = 1 / p;
    for (let j = c; j < width; j++) pr[j] = at(pr, j) * inv;
    for (const [r, row] of rows.entries()) {
      if (r === c || r >= m) continue;
      const f = at(row, c);
      if (f === 0) continue;
      for (let j = c; j < width; j++) row[j] = at(row, j) - f * at(pr, j);
    }
  }
}

/** Position of one quintic segment of duration `T` at local time `tau` (docs/SEED.md §11 formula). */
function quintic(tau: number, T: number, x0: number, v0: number, a0: number, x1: number, v1: number, a1: number): number {
  const T2 = T * T;
  const c3 = ((-3 * a0 * T2) / 2 + (a1 * T2) / 2 - 6 * T * v0 - 4 * T * v1 - 10 * x0 + 10 * x1) / (T2 * T);
  const c4 = ((3 * a0 * T2) / 2 - a1 * T2 + 8 * T * v0 + 7 * T * v1 + 15 * x0 - 15 * x1) / (T2 * T2);
  const c5 = ((-a0 * T2) / 2 + (a1 * T2) / 2 - 3 * T * v0 - 3 * T * v1 - 6 * x0 + 6 * x1) / (T2 * T2 * T);
  return x0 + tau * (v0 + tau * (a0 / 2 + tau * (c3 + tau * (c4 + tau * c5))));
}

/**
 * Samples the minimum-jerk trajectory through `pos` (N×D via-points, N ≥ 2) with passage times `knots`
 * (N strictly increasing values, the first and last being the start and end of the movement) at the
 * given `times` (ascending, inside `[knots[0], knots[N−1]]`; values outside are clamped).
 * @returns one D-vector per sample time
 * @throws RangeError on mismatched lengths or non-increasing knots
 */
export function minJerk(pos: ReadonlyArray<ReadonlyArray<number>>, knots: ReadonlyArray<number>, times: ReadonlyArray<number>): number[][] {
  const n = pos.length;
  if (n < 2) throw new RangeError(`pos: expected at least 2 via-points, got ${n}`);
  if (knots.length !== n) throw new RangeError(`knots: expected ${n} passage times, got ${knots.length}`);
  for (let i = 1; i < n; i++) {
    const [k0, k1] = [at(knots, i - 1), at(knots, i)];
    if (!(k1 > k0)) throw new RangeError(`knots: must be strictly increasing (knots[${i}] = ${k1} after ${k0})`);
  }
  const dims = at(pos, 0).length;
  const { v, a } = solveViaStates(pos, knots);
  const out: number[][] = [];
  let seg = 0;
  for (const raw of times) {
    const t = Math.min(Math.max(raw, at(knots, 0)), at(knots, n - 1));
    while (seg < n - 2 && t > at(knots, seg + 1)) seg++;
    while (seg > 0 && t < at(knots, seg)) seg--;
    const T = at(knots, seg + 1) - at(knots, seg);
    const tau = t - at(knots, seg);
    const p = new Array<number>(dims);
    for (let d = 0; d < dims; d++) {
      p[d] = quintic(tau, T, at2(pos, seg, d), at2(v, seg, d), at2(a, seg, d), at2(pos, seg + 1, d), at2(v, seg + 1, d), at2(a, seg + 1, d));
    }
    out.push(p);
  }
  return out;
}

/**
 * Passage times proportional to segment lengths: segment i lasts `duration · (len_i + floor) / Σ(len + floor)`,
 * where `floor` (same unit as the positions) keeps near-zero segments from getting near-zero time.
 * @returns N knots from 0 to `duration`
 */
export function proportionalKnots(pos: ReadonlyArray<ReadonlyArray<number>>, duration: number, floor: number): number[] {
  const weights: number[] = [];
  for (let i = 1; i < pos.length; i++) {
    const [p0, p1] = [at(pos, i - 1), at(pos, i)];
    let s = 0;
    for (let d = 0; d < p1.length; d++) s += (at(p1, d) - at(p0, d)) ** 2;
    weights.push(Math.sqrt(s) + floor);
  }
  const total = weights.reduce((x, y) => x + y, 0);
  const knots = [0];
  let acc = 0;
  for (const w of weights) {
    acc += w;
    knots.push((duration * acc) / total);
  }
  knots[knots.length - 1] = duration;
  return knots;
}
