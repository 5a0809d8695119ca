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
 * A word-frequency file as read by {@link readFrequencyTable}: the counts, and their sum kept in log space
 * (counts each valid alone, such as two of 1e308, may overflow a double when summed).
 */
export interface FrequencyTable {
  /** The file the counts came from, for messages. */
  readonly source: string;
  /** word → count, in file order. */
  readonly counts: ReadonlyMap<string, number>;
  /** The largest count (> 0). */
  readonly maxCount: number;
  /** log Σ counts, finite. */
  readonly logTotal: number;
}

/** log(e^a + e^b), without overflow; −Infinity is the log of 0. */
export function logAddExp(a: number, b: number): number {
  if (a === Number.NEGATIVE_INFINITY) return b;
  if (b === Number.NEGATIVE_INFINITY) return a;
  const m = Math.max(a, b);
  return m + Math.log1p(Math.exp(-Math.abs(a - b)));
}

/**
 * The one reader of word-frequency files (`fit-prior --prior`, `decode --prior`, `synth --frequency`, and
 * {@link readFrequencyFile}): one `word<TAB>count` (or `word count`) per line, count a finite non-negative
 * number; blank lines are skipped. The sum is validated and kept in log space: it must be positive (some
 * count above 0), and it never overflows, however large the counts.
 * @throws Error naming the file, the line and the field for a malformed line or a repeated word; naming
 *   the file when it has no word or no positive count
 */
export function readFrequencyTable(path: string): FrequencyTable {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`${path}: cannot read the frequency file: ${(err as Error).message}`, { cause: err });
  }
  const counts = new Map<string, number>();
  let max = 0;
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    const parts = line.trim().split(/\t| +/);
    if (parts.length !== 2) throw new Error(`${path}:${i + 1}: expected "word<TAB>count", got ${JSON.stringify(line)}`);
    const [word, count] = parts as [string, string];
    const n = Number(count);
    if (count === '' || !Number.isFinite(n) || n < 0) throw new Error(`${path}:${i + 1}: count: expected a non-negative number, got ${JSON.stringify(count)}`);
    if (counts.has(word)) throw new Error(`${path}:${i + 1}: word: ${JSON.stringify(word)} is listed twice`);
    counts.set(word, n);
    if (n > max) max = n;
  });
  if (counts.size === 0) throw new Error(`${path}: no words`);
  if (!(max > 0)) throw new Error(`${path}: count: every count is 0 (the counts must add up to a positive total)`);
  // Σ c = max · Σ (c / max): each term ≤ 1, so the inner sum is at most the number of words.
  let scaled = 0;
  for (const c of counts.values()) scaled += c / max;
  const logTotal = Math.log(max) + Math.log(scaled);
  if (!Number.isFinite(logTotal)) throw new Error(`${path}: count: the counts do not add up to a finite positive total (log total ${logTotal})`);
  return { source: path, counts, maxCount: max, logTotal };
}

/**
 * Reads a frequency file's counts (see {@link readFrequencyTable}, which also keeps their sum).
 * @throws Error naming the file, the line and the field for a malformed line or a repeated word
 */
export function readFrequencyFile(path: string): Map<string, number> {
  return new Map(readFrequencyTable(path).counts);
}

/**
 * log p(word) from counts with additive smoothing α: (count + α) / (total + α·(V + 1)), one slot for unseen
 * words; computed in log space, so counts whose sum overflows a double (two of 1e308) still give finite,
 * correct log-probabilities.
 */
export class WordPrior {
  private readonly logCounts = new Map<string, number>();
  private readonly logTotal: number;
  private readonly logUnseen: number;
  /** The frequency file, when the prior was built from one (named in errors). */
  readonly source: string | undefined;

  /**
   * @param counts - word → count, or a table from {@link readFrequencyTable}
   * @param alpha - additive smoothing, > 0. Default 1.
   * @throws TypeError naming the argument for counts that are not a Map or table; RangeError for a count
   *   that is not finite and ≥ 0
   */
  constructor(counts: ReadonlyMap<string, number> | FrequencyTable, alpha = 1) {
    if (!(alpha > 0) || !Number.isFinite(alpha)) throw new RangeError(`WordPrior: alpha must be positive, got ${alpha}`);
    const table = counts instanceof Map ? null : (counts as FrequencyTable | null);
    const map = table === null ? (counts as ReadonlyMap<string, number>) : table.counts;
    if (!((map as unknown) instanceof Map)) throw new TypeError('counts: expected a Map of word → count or a table from readFrequencyTable');
    this.source = table?.source;
    let logSum = table?.logTotal;
    if (logSum === undefined) {
      let max = 0;
      for (const [w, c] of map) {
        if (typeof c !== 'number' || !Number.isFinite(c) || c < 0) throw new RangeError(`counts: ${JSON.stringify(w)}: expected a finite count ≥ 0, got ${String(c)}`);
        if (c > max) max = c;
      }
      let scaled = 0;
      if (max > 0) for (const c of map.values()) scaled += c / max;
      logSum = max > 0 ? Math.log(max) + Math.log(scaled) : Number.NEGATIVE_INFINITY;
    }
    const logAlpha = Math.log(alpha);
    this.logTotal = logAddExp(logSum, logAlpha + Math.log(map.size + 1));
    for (const [w, c] of map) this.logCounts.set(w, logAddExp(c > 0 ? Math.log(c) : Number.NEGATIVE_INFINITY, logAlpha));
    this.logUnseen = logAlpha;
  }

  /** log p(word), finite. */
  logProb(word: string): number {
    return (this.logCounts.get(word) ?? this.logUnseen) - this.logTotal;
  }
}

/** The candidates rescored with the prior, sorted by the new score then word. */
export function applyPrior(candidates: readonly [number, string][], prior: WordPrior, lambda: number, mu: number): [number, string][] {
  const out = candidates.map(([s, w]): [number, string] => {
    const lp = prior.logProb(w);
    const score = s - (lambda === 0 ? 0 : lambda * lp) + mu * [...w].length;
    if (!Number.isFinite(score) && Number.isFinite(s)) {
      throw new Error(`${prior.source ?? 'the word-frequency prior'}: candidate ${JSON.stringify(w)} gets a non-finite score ${score} from the prior (log p = ${lp}, weight ${lambda}, length term ${mu})`);
    }
    return [score, w];
  });
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
