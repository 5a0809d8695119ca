// Comparison of two decodes of the same swipes (the differential harness: built-in decoder step, TorchScript
// decode_step, full-prefix recomputation). Pure functions over DecodedSwipe rows (lib/decoder.ts), shared by
// test/decode/differential.test.ts and scripts/differential.mjs.

/** A difference on a swipe whose every decision margin exceeds this is a bug, not a near tie. */
export const FRAGILE_MARGIN = 1e-4;
/** Scores of the same candidate may differ by this much, relative. */
export const SCORE_TOLERANCE = 1e-5;

/**
 * The smallest decision margin of a swipe over the runs given (each run's engine measured its own search).
 * @param {...({ topK: number, prune: number, select: number } | undefined)} margins
 * @returns {number}
 */
export function smallestOf(...margins) {
  let m = Infinity;
  for (const g of margins) {
    if (!g) throw new Error('a run was decoded without margins: pass { margins: true } to the Decoder');
    m = Math.min(m, g.topK, g.prune, g.select);
  }
  return m;
}

/**
 * Compares the rows of run `a` with those of run `b` swipe by swipe: the same candidate words in the same
 * order, each score within `tolerance` relative. A swipe that differs is `fragile` when its smallest margin
 * (over both runs) is at most `fragileMargin`, else a `failure`. Candidates whose order differs only among
 * scores within the tolerance (the final sort of near-equal scores, which no search margin covers) are
 * reported as fragile too, with `reason` saying which kind of near tie it was.
 * @param {{ candidates: [number, string][], margins?: object }[]} a
 * @param {{ candidates: [number, string][], margins?: object }[]} b
 * @param {{ tolerance?: number, fragileMargin?: number }} [options]
 * @returns {{ swipes: number, identical: number, maxRelDiff: number, failures: object[], fragile: object[] }}
 */
export function compareRuns(a, b, options = {}) {
  const tolerance = options.tolerance ?? SCORE_TOLERANCE;
  const fragileMargin = options.fragileMargin ?? FRAGILE_MARGIN;
  if (a.length !== b.length) throw new Error(`runs of ${a.length} and ${b.length} swipes`);
  const out = { swipes: a.length, identical: 0, maxRelDiff: 0, failures: [], fragile: [] };
  for (let i = 0; i < a.length; i++) {
    const ca = a[i].candidates;
    const cb = b[i].candidates;
    const margin = smallestOf(a[i].margins, b[i].margins);
    let problem = null;
    let swipeRel = 0;
    if (ca.length !== cb.length) {
      problem = `${ca.length} candidates against ${cb.length}`;
    } else {
      for (let j = 0; j < ca.length && !problem; j++) {
        if (ca[j][1] !== cb[j][1]) {
          problem = `candidate ${j}: ${JSON.stringify(ca[j][1])} against ${JSON.stringify(cb[j][1])}`;
          break;
        }
        const rel = Math.abs(ca[j][0] - cb[j][0]) / Math.max(Math.abs(cb[j][0]), 1e-12);
        swipeRel = Math.max(swipeRel, rel);
        if (rel > tolerance) problem = `candidate ${j} (${JSON.stringify(ca[j][1])}): score ${ca[j][0]} against ${cb[j][0]} (${rel.toExponential(2)} relative)`;
      }
    }
    out.maxRelDiff = Math.max(out.maxRelDiff, swipeRel);
    if (!problem) {
      out.identical++;
      continue;
    }
    const entry = { swipe: i, margin, marginsA: a[i].margins, marginsB: b[i].margins, problem, a: ca.length, b: cb.length };
    if (sameUpToNearTies(ca, cb, tolerance)) out.fragile.push({ ...entry, reason: 'final order of near-equal scores' });
    else if (margin <= fragileMargin) out.fragile.push({ ...entry, reason: 'search margin' });
    else out.failures.push(entry);
  }
  return out;
}

/**
 * Same candidates with scores within `tolerance`, in an order that differs only among near-equal scores.
 * Candidate lists may repeat a word (hypotheses cut at the step limit lose their last token, so up to
 * `beamSize` of them share one text), so the candidates are matched as a multiset: both lists sorted by word
 * then score and paired in that order. When every pair agrees within `tolerance`, any two candidates that
 * the two lists order differently have scores within 2·`tolerance` of each other in both lists (each list is
 * sorted by its own scores), i.e. the lists differ only by the final sort of near ties.
 */
export function sameUpToNearTies(ca, cb, tolerance = SCORE_TOLERANCE) {
  if (ca.length !== cb.length) return false;
  const byWord = (x, y) => (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : x[0] - y[0]);
  const sa = [...ca].sort(byWord);
  const sb = [...cb].sort(byWord);
  for (let j = 0; j < sa.length; j++) {
    const [s, w] = sa[j];
    const [t, v] = sb[j];
    if (w !== v || Math.abs(s - t) > tolerance * Math.max(Math.abs(t), 1e-12)) return false;
  }
  return true;
}
