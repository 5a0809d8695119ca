/**
 * The baseline's selection of the best candidates (seed: a `heapq` of `(−dtw, word)` tuples), reproduced
 * operation by operation so that ties come out in the seed's order.
 */
import { compareCodePoints } from '../util/code-points.js';
import { at } from '../util/checked.js';

/** A heap entry: the negated DTW value and the word, compared like a Python tuple. */
type Entry = [number, string];

function lt(a: Entry, b: Entry): boolean {
  if (a[0] !== b[0]) return a[0] < b[0];
  return compareCodePoints(a[1], b[1]) < 0;
}

function siftDown(heap: Entry[], startpos: number, pos: number): void {
  const item = at(heap, pos);
  while (pos > startpos) {
    const parentpos = (pos - 1) >> 1;
    const parent = at(heap, parentpos);
    if (lt(item, parent)) {
      heap[pos] = parent;
      pos = parentpos;
      continue;
    }
    break;
  }
  heap[pos] = item;
}

function siftUp(heap: Entry[], pos: number): void {
  const endpos = heap.length;
  const startpos = pos;
  const item = at(heap, pos);
  let childpos = 2 * pos + 1;
  while (childpos < endpos) {
    const rightpos = childpos + 1;
    if (rightpos < endpos && !lt(at(heap, childpos), at(heap, rightpos))) childpos = rightpos;
    heap[pos] = at(heap, childpos);
    pos = childpos;
    childpos = 2 * pos + 1;
  }
  heap[pos] = item;
  siftDown(heap, startpos, pos);
}

/**
 * Keeps the `k` smallest DTW values: pushes while fewer than `k` are held; afterwards replaces the worst
 * (the heap top, which among equal values is the one with the smallest word) only when the new value is
 * strictly smaller.
 */
export class TopK {
  private readonly heap: Entry[] = [];

  /** @param k - how many to keep (the baseline uses 4) */
  constructor(readonly k = 4) {}

  /** The worst kept DTW value once `k` are held, else `Infinity`. */
  get threshold(): number {
    const top = this.heap[0];
    return this.heap.length < this.k || top === undefined ? Infinity : -top[0];
  }

  /** Offers a candidate. */
  offer(dtw: number, word: string): void {
    if (this.heap.length < this.k) {
      this.heap.push([-dtw, word]);
      siftDown(this.heap, 0, this.heap.length - 1);
    } else if (this.k > 0 && dtw < this.threshold) {
      this.heap[0] = [-dtw, word];
      siftUp(this.heap, 0);
    }
  }

  /** The kept candidates as `[dtw, word]`, by DTW ascending (stable over the heap's array order). */
  result(): [number, string][] {
    return this.heap.map((e): [number, string] => [-e[0], e[1]]).sort((a, b) => a[0] - b[0]);
  }
}
