// Comparison of two decodes of the same swipes (the differential harness: built-in decoder step, TorchScript
// decode_step, full-prefix recomputation). Pure functions over DecodedSwipe rows (lib/decoder.ts), shared by
// test/decode/differential.test.ts and scripts/differential.mjs.

/** A difference on a swipe whose every decision margin exceeds this is a bug, not a near tie. */
export const FRAGILE_MARGIN = 1e-4;
/** Scores of the same candidate may differ by this much, relative. */
export const SCORE_TOLERANCE = 1e-5;
/**
 * ...or by this much absolute (4 units in the last place of 1.0 in float32). A log-probability near 0 (a
 * nearly certain token) comes out of log_softmax as x − log Σ eˣ with Σ just above 1, so float32 can only
 * give it in steps of about 1.2e-7; the score of a short, nearly certain hypothesis (such as the empty word
 * of a model that ends at once, score 0.004) then differs between two correct computations by more than
 * 1e-5 relative. Measured: the seed loop and batched full-prefix recomputation differ by one such step
 * there, as the built-in and TorchScript steps do.
 */
export const SCORE_ABS_TOLERANCE = 2 ** -21;

/** Two scores of one candidate agree: within `tolerance` relative or SCORE_ABS_TOLERANCE absolute. */
export function scoresAgree(s, t, tolerance = SCORE_TOLERANCE) {
  const diff = Math.abs(s - t);
  return diff <= SCORE_ABS_TOLERANCE || diff <= tolerance * Math.abs(t);
}

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
 * order, each score within `tolerance` relative (or SCORE_ABS_TOLERANCE absolute). A swipe that differs is `fragile` when its smallest margin
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
        if (!scoresAgree(ca[j][0], cb[j][0], tolerance)) problem = `candidate ${j} (${JSON.stringify(ca[j][1])}): score ${ca[j][0]} against ${cb[j][0]} (${rel.toExponential(2)} relative)`;
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
    if (w !== v || !scoresAgree(s, t, tolerance)) return false;
  }
  return true;
}

/**
 * Log-probabilities of one prefix from two engine paths agree within this, absolute. Measured between the
 * built-in step, the TorchScript step and the seed's full-prefix loop: at most 1.4e-5 on every entry of
 * every expanded row (random-initialised and trained models, AVX2 and AVX-512 OpenBLAS kernels).
 */
export const STEP_TOLERANCE = 5e-5;

/**
 * Step-level comparison of two decodes run with `traceSteps`: every prefix that both runs scored must have the
 * same masked (−∞) entries and every finite log-probability within `tolerance`. With `sameRows`, both runs must
 * also have scored the same prefixes (searches that take the same decisions); otherwise the rows of `a` must be a
 * subset of those of `b` (`a` skipped the vocabulary's forced steps, `b` scored them).
 * @param {{ steps?: { prefix: Int32Array, logProbs: Float32Array }[] }[]} a
 * @param {{ steps?: { prefix: Int32Array, logProbs: Float32Array }[] }[]} b
 * @param {{ tolerance?: number, sameRows?: boolean }} [options]
 * @returns {{ swipes: number, rows: number, maxDiff: number, failures: { swipe: number, problem: string }[] }}
 */
export function compareSteps(a, b, options = {}) {
  const tolerance = options.tolerance ?? STEP_TOLERANCE;
  const sameRows = options.sameRows ?? true;
  if (a.length !== b.length) throw new Error(`runs of ${a.length} and ${b.length} swipes`);
  const out = { swipes: a.length, rows: 0, maxDiff: 0, failures: [] };
  for (let i = 0; i < a.length; i++) {
    if (!a[i].steps || !b[i].steps) throw new Error('a run was decoded without its steps: pass { traceSteps: true } to the Decoder');
    const rowsB = new Map(b[i].steps.map((s) => [s.prefix.join(' '), s.logProbs]));
    const seen = new Set();
    let problem = null;
    for (const { prefix, logProbs } of a[i].steps) {
      const key = prefix.join(' ');
      seen.add(key);
      const other = rowsB.get(key);
      if (!other) {
        problem = `prefix [${key}] was scored by one run only`;
        break;
      }
      out.rows++;
      for (let c = 0; c < logProbs.length && !problem; c++) {
        const x = logProbs[c];
        const y = other[c];
        if (x === -Infinity || y === -Infinity) {
          if (x !== y) problem = `prefix [${key}], token ${c}: ${x} against ${y}`;
          continue;
        }
        const d = Math.abs(x - y);
        out.maxDiff = Math.max(out.maxDiff, d);
        if (!(d <= tolerance)) problem = `prefix [${key}], token ${c}: log-probability ${x} against ${y} (${d.toExponential(2)} apart)`;
      }
      if (problem) break;
    }
    if (!problem && sameRows && seen.size !== rowsB.size) problem = `${seen.size} prefixes scored against ${rowsB.size}`;
    if (problem) out.failures.push({ swipe: i, problem });
  }
  return out;
}
