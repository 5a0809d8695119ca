/**
 * A native search result as rows: each swipe's candidates decoded to words, sorted and cut, with its margins
 * and traced steps, built in slices that leave the event loop free.
 */
import type { Swipe } from '../data/dataset.js';
import type { NativeDecodeResult } from '../native.js';
import type { CharTokenizer } from '../tokenizer.js';
import { at } from '../util/checked.js';
import { compareCodePoints } from '../util/code-points.js';
import type { DecodedSwipe, ScoredStep } from './decoder-types.js';

/** Longest stretch, in milliseconds, that turning native results into rows keeps the event loop busy. */
export const ROWS_SLICE_MS = 2;

/** How {@link toRows} orders and cuts the candidate lists. */
export interface RowLists {
  /** Sort each list by score, then word (a ranked search; greedy has one candidate). */
  ranked: boolean;
  /** Cut each sorted list to this many candidates; null keeps them all (a post-processor cuts later). */
  cutTo: number | null;
  /** Candidates the caller returns in the end (null: all): a row is `certified` when its certificate covers that many. */
  keep: number | null;
}

/**
 * The rows of a native result: each swipe's candidates as `[score, word]`, sorted and cut as `lists` says.
 * Runs in slices of about {@link ROWS_SLICE_MS} with the event loop free in between, so that a large decode
 * (many swipes, every hypothesis) never stalls timers and I/O for long.
 */
export async function toRows(res: NativeDecodeResult, swipes: readonly Swipe[], tokenizer: CharTokenizer, lists: RowLists): Promise<DecodedSwipe[]> {
  const { ranked, cutTo, keep } = lists;
  const rows = new Array<DecodedSwipe>(swipes.length);
  let j = 0;
  let traced = 0;
  let sliceStart = performance.now();
  for (let i = 0; i < swipes.length; i++) {
    const s = at(swipes, i);
    const cands = new Array<[number, string]>(at(res.counts, i));
    for (let c = 0; c < cands.length; c++, j++) {
      cands[c] = [at(res.scores, j), tokenizer.decode(res.tokens.subarray(at(res.tokenOffsets, j), at(res.tokenOffsets, j + 1)))];
      // A swipe with thousands of hypotheses is itself cut into slices.
      if ((c & 511) === 511 && performance.now() - sliceStart > ROWS_SLICE_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
    }
    if (ranked) {
      cands.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : compareCodePoints(a[1], b[1])));
      if (cutTo !== null && cands.length > cutTo) cands.length = cutTo;
    }
    const row: DecodedSwipe = { index: s.index, gridName: s.gridName, candidates: cands };
    rows[i] = row;
    const top = res.certifiedTop ? at(res.certifiedTop, i) : -1;
    if (top >= 0) {
      row.certified = top >= (keep ?? at(res.counts, i));
      row.certifiedTop = Math.min(top, cands.length);
    }
    const m = res.margins;
    if (m) row.margins = { topK: at(m, 3 * i), prune: at(m, 3 * i + 1), select: at(m, 3 * i + 2) };
    if (res.trace) {
      row.steps = traceRows(res.trace, traced, at(res.trace.counts, i));
      traced += row.steps.length;
    }
    if (performance.now() - sliceStart > ROWS_SLICE_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
  }
  return rows;
}

/** Drops a row's certificate (its list was changed after the search). */
export function uncertify(row: DecodedSwipe): void {
  delete row.certified;
  delete row.certifiedTop;
}

/** Rows `first .. first + n` of a native trace (copies, so that each row outlives the others). */
function traceRows(trace: NonNullable<NativeDecodeResult['trace']>, first: number, n: number): ScoredStep[] {
  const rows = trace.tokenOffsets.length - 1;
  const classes = rows > 0 ? trace.logProbs.length / rows : 0;
  const out: ScoredStep[] = [];
  for (let r = first; r < first + n; r++) {
    out.push({
      prefix: trace.tokens.slice(at(trace.tokenOffsets, r), at(trace.tokenOffsets, r + 1)),
      logProbs: trace.logProbs.slice(r * classes, (r + 1) * classes),
    });
  }
  return out;
}

/**
 * Runs `step` on each item, leaving the event loop free after every {@link ROWS_SLICE_MS} of work.
 */
export async function inSlices<T>(items: readonly T[], step: (item: T, i: number) => void): Promise<void> {
  let sliceStart = performance.now();
  for (let i = 0; i < items.length; i++) {
    step(at(items, i), i);
    if (performance.now() - sliceStart > ROWS_SLICE_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
  }
}
