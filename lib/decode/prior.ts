/**
 * A word-frequency prior over candidate lists, off unless used: each candidate's score becomes
 * `score − λ·log p(word) + μ·length(word)` (lower is better), with p from a frequency file (additive smoothing,
 * so unseen words keep a finite prior). λ and μ are fitted on validation rows the way the aggregator fits its
 * weights (lib/aggregate/fit.ts): coordinate descent over fixed grids, starting from no prior (λ = μ = 0) and
 * moving only on a strict Swipe MRR improvement, so that a prior that does not help stays at 0.
 */
import { readFileSync } from 'node:fs';
import { swipeMrr } from '../evaluate/metrics.js';
import { compareCodePoints } from '../util/code-points.js';

/**
 * Reads a frequency file: one `word<TAB>count` (or `word count`) per line, count a non-negative number; blank
 * lines are skipped.
 * @throws Error naming the file, the line and the field for a malformed line or a repeated word
 */
export function readFrequencyFile(path: string): Map<string, number> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`${path}: cannot read the frequency file: ${(err as Error).message}`, { cause: err });
  }
  const out = new Map<string, number>();
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    const parts = line.trim().split(/\t| +/);
    if (parts.length !== 2) throw new Error(`${path}:${i + 1}: expected "word<TAB>count", got ${JSON.stringify(line)}`);
    const [word, count] = parts as [string, string];
    const n = Number(count);
    if (count === '' || !Number.isFinite(n) || n < 0) throw new Error(`${path}:${i + 1}: count: expected a non-negative number, got ${JSON.stringify(count)}`);
    if (out.has(word)) throw new Error(`${path}:${i + 1}: word: ${JSON.stringify(word)} is listed twice`);
    out.set(word, n);
  });
  if (out.size === 0) throw new Error(`${path}: no words`);
  return out;
}

/** log p(word) from counts with additive smoothing α: (count + α) / (total + α·(V + 1)), one slot for unseen words. */
export class WordPrior {
  private readonly logCounts = new Map<string, number>();
  private readonly logTotal: number;
  private readonly logUnseen: number;

  /**
   * @param counts - word → count
   * @param alpha - additive smoothing, > 0. Default 1.
   */
  constructor(counts: ReadonlyMap<string, number>, alpha = 1) {
    if (!(alpha > 0) || !Number.isFinite(alpha)) throw new RangeError(`WordPrior: alpha must be positive, got ${alpha}`);
    let total = 0;
    for (const c of counts.values()) total += c;
    this.logTotal = Math.log(total + alpha * (counts.size + 1));
    for (const [w, c] of counts) this.logCounts.set(w, Math.log(c + alpha));
    this.logUnseen = Math.log(alpha);
  }

  /** log p(word). */
  logProb(word: string): number {
    return (this.logCounts.get(word) ?? this.logUnseen) - this.logTotal;
  }
}

/** The candidates rescored with the prior, sorted by the new score then word. */
export function applyPrior(candidates: readonly [number, string][], prior: WordPrior, lambda: number, mu: number): [number, string][] {
  const out = candidates.map(([s, w]): [number, string] => [s - lambda * prior.logProb(w) + mu * [...w].length, w]);
  out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : compareCodePoints(a[1], b[1])));
  return out;
}

/** Default grids of {@link fitPrior}. */
export const PRIOR_LAMBDA_GRID: readonly number[] = [0, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1];
export const PRIOR_MU_GRID: readonly number[] = [-0.1, -0.05, -0.02, -0.01, 0, 0.01, 0.02, 0.05, 0.1];

/** What {@link fitPrior} found. */
export interface PriorFit {
  lambda: number;
  mu: number;
  /** Swipe MRR with the fitted prior on the fitting rows. */
  mrr: number;
  /** Swipe MRR without a prior. */
  initialMrr: number;
  sweeps: number;
  /** With a guard set: its Swipe MRR without the prior and with the fitted one (never lower). */
  guard?: { initialMrr: number; mrr: number };
}

/** Rows the fitted prior must not hurt (see {@link fitPrior}): per swipe the candidates, and the true words. */
export interface PriorGuard {
  rows: readonly (readonly [number, string][])[];
  targets: readonly string[];
}

/**
 * Fits λ and μ on validation rows: coordinate descent (λ, then μ, each over its grid in ascending order with
 * the other fixed), from λ = μ = 0, moving only on a strict MRR improvement; sweeps until nothing changes
 * (at most `maxSweeps`). Deterministic.
 *
 * With `options.guard` (other validation rows, e.g. words drawn uniformly where `rows` are drawn by their
 * frequency), a move is also refused when it would bring the guard rows' Swipe MRR below their MRR without a
 * prior: the fitted prior then helps on `rows` without hurting the guard set.
 * @param rows - per swipe, the `[score, word]` candidates
 * @param targets - per swipe, the true word
 * @throws RangeError for no rows or a row count that differs from the targets' (of `rows` or of the guard)
 */
export function fitPrior(rows: readonly (readonly [number, string][])[], targets: readonly string[], prior: WordPrior, options: { lambdaGrid?: readonly number[]; muGrid?: readonly number[]; maxSweeps?: number; guard?: PriorGuard } = {}): PriorFit {
  if (rows.length === 0) throw new RangeError('fitPrior: no rows');
  if (rows.length !== targets.length) throw new RangeError(`fitPrior: ${targets.length} targets for ${rows.length} rows`);
  const guard = options.guard;
  if (guard !== undefined && (guard.rows.length === 0 || guard.rows.length !== guard.targets.length)) {
    throw new RangeError(`fitPrior: guard: ${guard.targets.length} targets for ${guard.rows.length} rows`);
  }
  const lambdaGrid = options.lambdaGrid ?? PRIOR_LAMBDA_GRID;
  const muGrid = options.muGrid ?? PRIOR_MU_GRID;
  const maxSweeps = options.maxSweeps ?? 10;
  const mrrOf = (rs: readonly (readonly [number, string][])[], ts: readonly string[], lambda: number, mu: number): number =>
    swipeMrr(rs.map((r) => applyPrior(r, prior, lambda, mu).map((c) => c[1])), ts);
  const guardMrr = (lambda: number, mu: number): number => (guard === undefined ? 0 : mrrOf(guard.rows, guard.targets, lambda, mu));
  const guardInitial = guardMrr(0, 0);
  const allowed = (lambda: number, mu: number): boolean => guard === undefined || guardMrr(lambda, mu) >= guardInitial;
  const mrr = (lambda: number, mu: number): number => mrrOf(rows, targets, lambda, mu);
  let lambda = 0;
  let mu = 0;
  const initialMrr = mrr(0, 0);
  let best = initialMrr;
  let sweeps = 0;
  while (sweeps < maxSweeps) {
    sweeps++;
    let changed = false;
    for (const l of lambdaGrid) {
      const s = mrr(l, mu);
      if (s > best && allowed(l, mu)) {
        best = s;
        lambda = l;
        changed = true;
      }
    }
    for (const m of muGrid) {
      const s = mrr(lambda, m);
      if (s > best && allowed(lambda, m)) {
        best = s;
        mu = m;
        changed = true;
      }
    }
    if (!changed) break;
  }
  const fit: PriorFit = { lambda, mu, mrr: best, initialMrr, sweeps };
  if (guard !== undefined) fit.guard = { initialMrr: guardInitial, mrr: guardMrr(lambda, mu) };
  return fit;
}
