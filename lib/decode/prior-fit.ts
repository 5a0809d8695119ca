/**
 * Fitting the word-frequency prior (lib/decode/prior.ts) on validation rows: λ, μ and the floor's rank k by an
 * exhaustive search of fixed grids, starting from no prior and moving only on a strict Swipe MRR improvement,
 * so that a prior that does not help stays off; with a guard set (words drawn uniformly, say) a grid point that
 * lowers the guard set's Swipe MRR is refused.
 */
import { SWIPE_MRR_WEIGHTS } from '../evaluate/metrics.js';
import { compareCodePoints } from '../util/code-points.js';
import { floorOf, priorScore, type WordPrior } from './prior.js';

/** Default grids of {@link fitPrior}. μ reaches −0.5: the prior favours frequent words, which are short, and a negative length term takes the length out of it. */
export const PRIOR_LAMBDA_GRID: readonly number[] = [0, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1];
export const PRIOR_MU_GRID: readonly number[] = [-0.5, -0.4, -0.3, -0.25, -0.2, -0.15, -0.1, -0.05, -0.02, -0.01, 0, 0.01, 0.02, 0.05, 0.1];
/** Floor ranks k tried by {@link fitPrior}; `null` is no floor. */
export const PRIOR_FLOOR_RANK_GRID: readonly (number | null)[] = [null, 100, 300, 1000, 2000, 3000, 5000, 7000, 10000, 15000, 20000];

/** What {@link fitPrior} found. */
export interface PriorFit {
  lambda: number;
  mu: number;
  /** The floor's rank k, or `null` for no floor. */
  floorRank: number | null;
  /** Swipe MRR with the fitted prior on the fitting rows. */
  mrr: number;
  /** Swipe MRR without a prior. */
  initialMrr: number;
  /** Grid points whose Swipe MRR was computed. */
  points: number;
  /** With a guard set: its Swipe MRR without the prior and with the fitted one (never lower). */
  guard?: { initialMrr: number; mrr: number };
}

/** Rows the fitted prior must not hurt (see {@link fitPrior}): per swipe the candidates, and the true words. */
export interface PriorGuard {
  rows: readonly (readonly [number, string][])[];
  targets: readonly string[];
}

/**
 * Rows prepared for fitting: per swipe its distinct words (each at its best score: a word's prior is the same
 * wherever it stands, so its first place after any rescoring is its best-scored entry's), and where the target
 * stands among them. The Swipe MRR of a grid point is then the target's rank under that point's scores,
 * exactly what {@link applyPrior} followed by `swipeMrr` gives.
 */
interface FitRow {
  score: Float64Array;
  logP: Float64Array;
  length: Float64Array;
  /** Per word, whether it sorts before the target on a tie (by code points). */
  beforeOnTie: Uint8Array;
  /** The target's index, or −1 when it is not among the candidates. */
  target: number;
}

function fitRows(rows: readonly (readonly [number, string][])[], targets: readonly string[], prior: WordPrior): FitRow[] {
  return rows.map((row, i) => {
    const best = new Map<string, number>();
    for (const [s, w] of row) {
      const b = best.get(w);
      if (b === undefined || s < b) best.set(w, s);
    }
    const words = [...best.keys()];
    const t = targets[i]!;
    return {
      score: Float64Array.from(words, (w) => best.get(w)!),
      logP: Float64Array.from(words, (w) => prior.logProb(w)),
      length: Float64Array.from(words, (w) => [...w].length),
      beforeOnTie: Uint8Array.from(words, (w) => (compareCodePoints(w, t) < 0 ? 1 : 0)),
      target: words.indexOf(t),
    };
  });
}

/** Swipe MRR of prepared rows under λ, μ and the floor log p_k, summed in row order as `swipeMrr` sums. */
function fitMrr(rows: readonly FitRow[], lambda: number, mu: number, floor: number): number {
  const weights = SWIPE_MRR_WEIGHTS;
  let sum = 0;
  for (const r of rows) {
    const t = r.target;
    if (t < 0) continue;
    const st = priorScore(r.score[t]!, r.logP[t]!, r.length[t]!, lambda, mu, floor);
    let rank = 0;
    for (let j = 0; j < r.score.length && rank < weights.length; j++) {
      if (j === t) continue;
      const sj = priorScore(r.score[j]!, r.logP[j]!, r.length[j]!, lambda, mu, floor);
      if (sj < st || (sj === st && r.beforeOnTie[j] === 1)) rank++;
    }
    if (rank < weights.length) sum += weights[rank]!;
  }
  return sum / rows.length;
}

/**
 * Fits λ, μ and the floor's rank k on validation rows: every point of the grids (k over `floorRankGrid`,
 * λ over `lambdaGrid`, μ over `muGrid`, in that nesting and in grid order; k only with λ > 0, where it acts),
 * starting from no prior (λ = μ = 0, no floor) and moving to a point only on a strict Swipe MRR improvement
 * (or, with a guard, on equal MRR and a strictly higher guard MRR). Deterministic. An exhaustive search
 * rather than coordinate descent: under a guard, λ alone and μ alone each lower one of the two sets' MRR,
 * and only together do they help both.
 *
 * With `options.guard` (other validation rows, e.g. words drawn uniformly where `rows` are drawn by their
 * frequency), a point is refused when it would bring the guard rows' Swipe MRR below their MRR without a
 * prior: the fitted prior then helps on `rows` without hurting the guard set.
 * @param rows - per swipe, the `[score, word]` candidates
 * @param targets - per swipe, the true word
 * @throws RangeError for no rows or a row count that differs from the targets' (of `rows` or of the guard)
 */
export function fitPrior(
  rows: readonly (readonly [number, string][])[],
  targets: readonly string[],
  prior: WordPrior,
  options: { lambdaGrid?: readonly number[]; muGrid?: readonly number[]; floorRankGrid?: readonly (number | null)[]; guard?: PriorGuard } = {},
): PriorFit {
  if (rows.length === 0) throw new RangeError('fitPrior: no rows');
  if (rows.length !== targets.length) throw new RangeError(`fitPrior: ${targets.length} targets for ${rows.length} rows`);
  const guard = options.guard;
  if (guard !== undefined && (guard.rows.length === 0 || guard.rows.length !== guard.targets.length)) {
    throw new RangeError(`fitPrior: guard: ${guard.targets.length} targets for ${guard.rows.length} rows`);
  }
  const lambdaGrid = options.lambdaGrid ?? PRIOR_LAMBDA_GRID;
  const muGrid = options.muGrid ?? PRIOR_MU_GRID;
  const floorRankGrid = options.floorRankGrid ?? PRIOR_FLOOR_RANK_GRID;
  const main = fitRows(rows, targets, prior);
  const held = guard === undefined ? undefined : fitRows(guard.rows, guard.targets, prior);
  const none = Number.NEGATIVE_INFINITY;
  const guardInitial = held === undefined ? 0 : fitMrr(held, 0, 0, none);
  const initialMrr = fitMrr(main, 0, 0, none);
  let fit = { lambda: 0, mu: 0, floorRank: null as number | null, mrr: initialMrr, guardMrr: guardInitial };
  let points = 0;
  const seen = new Set<string>();
  for (const k of floorRankGrid) {
    const floor = floorOf(prior, k);
    for (const lambda of lambdaGrid) {
      // Without λ the floor does nothing: μ alone is tried once, with no floor.
      if (lambda === 0 && k !== null && floorRankGrid.includes(null)) continue;
      for (const mu of muGrid) {
        const key = `${lambda === 0 ? 'none' : String(k)}:${lambda}:${mu}`;
        if (seen.has(key)) continue;
        seen.add(key);
        points++;
        const m = fitMrr(main, lambda, mu, floor);
        if (m < fit.mrr || (m === fit.mrr && held === undefined)) continue;
        const g = held === undefined ? 0 : fitMrr(held, lambda, mu, floor);
        if (held !== undefined && (g < guardInitial || (m === fit.mrr && !(g > fit.guardMrr)))) continue;
        fit = { lambda, mu, floorRank: lambda === 0 ? null : k, mrr: m, guardMrr: g };
      }
    }
  }
  const out: PriorFit = { lambda: fit.lambda, mu: fit.mu, floorRank: fit.floorRank, mrr: fit.mrr, initialMrr, points };
  if (guard !== undefined) out.guard = { initialMrr: guardInitial, mrr: fit.guardMrr };
  return out;
}
