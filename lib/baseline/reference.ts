/**
 * A straightforward implementation of the official DTW baseline: the full DTW matrix for every
 * candidate word, exactly as the seed computes it. Used as the benchmark reference and the test oracle
 * of the native implementation.
 */
import type { Grid } from '../keyboard/grid.js';
import { type BaselineKey, baselineKeys, letterAt, wordPolyline } from './keyboard.js';
import { TopK } from './top-k.js';
import type { BaselineVocab } from './vocab.js';
import { at } from '../util/checked.js';

/**
 * DTW distance (no constraint, squared Euclidean local cost, symmetric unweighted steps, square root of
 * the accumulated cost), in double precision.
 * @param ax - first series, x
 * @param ay - first series, y
 * @param bx - second series, x
 * @param by - second series, y
 * @returns the distance; `Infinity` when a series is empty
 */
export function dtwDistance(ax: ArrayLike<number>, ay: ArrayLike<number>, bx: ArrayLike<number>, by: ArrayLike<number>): number {
  const n = ax.length;
  const m = bx.length;
  if (n === 0 || m === 0) return Infinity;
  let prev = new Float64Array(m + 1).fill(Infinity);
  let cur = new Float64Array(m + 1);
  prev[0] = 0;
  for (let i = 0; i < n; i++) {
    cur[0] = Infinity;
    for (let j = 0; j < m; j++) {
      const dx = at(ax, i) - at(bx, j);
      const dy = at(ay, i) - at(by, j);
      const d = dx * dx + dy * dy;
      cur[j + 1] = d + Math.min(at(prev, j + 1), at(cur, j), at(prev, j));
    }
    [prev, cur] = [cur, prev];
  }
  return Math.sqrt(at(prev, m));
}

/** Per grid, cached keys and word polylines. */
export class BaselineGridCache {
  readonly keys: Map<string, BaselineKey>;
  private readonly polylines = new Map<number, { x: number[]; y: number[] }>();

  /** @param grid - the keyboard */
  constructor(grid: Grid) {
    this.keys = baselineKeys(grid);
  }

  /** The polyline of `vocab.words[i]`. */
  polyline(vocab: BaselineVocab, i: number): { x: number[]; y: number[] } {
    let p = this.polylines.get(i);
    if (p === undefined) {
      p = wordPolyline(this.keys, at(vocab.words, i));
      this.polylines.set(i, p);
    }
    return p;
  }
}

/**
 * The candidate range of a swipe: the group of the letter under its first point, or all words when that
 * letter has no group.
 * @param vocab - the baseline vocabulary
 * @param letter - the first letter
 */
export function candidateRange(vocab: BaselineVocab, letter: string): [number, number] {
  return vocab.groups.get(letter) ?? [0, vocab.words.length];
}

/**
 * The baseline's best candidates for one swipe, computed straightforwardly.
 * @param x - swipe x coordinates (at least one point)
 * @param y - swipe y coordinates
 * @param grid - the swipe's keyboard, cached
 * @param vocab - the baseline vocabulary
 * @param k - how many candidates (4)
 * @returns `[dtw, word]` pairs by DTW ascending; words without any letter on the keyboard are skipped
 * @throws Error when the swipe has no point
 */
export function baselineReference(x: ArrayLike<number>, y: ArrayLike<number>, grid: BaselineGridCache, vocab: BaselineVocab, k = 4): [number, string][] {
  if (x.length === 0) throw new Error('the swipe has no point');
  const [begin, end] = candidateRange(vocab, letterAt(grid.keys, at(x, 0), at(y, 0)));
  const top = new TopK(k);
  for (let i = begin; i < end; i++) {
    const p = grid.polyline(vocab, i);
    if (p.x.length === 0) continue;
    top.offer(dtwDistance(x, y, p.x, p.y), at(vocab.words, i));
  }
  return top.result();
}
