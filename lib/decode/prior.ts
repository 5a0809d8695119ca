/**
 * A word-frequency prior over candidate lists, off unless used: each candidate's score becomes
 * `score − λ·max(log p(word), log p_k) + μ·length(word)` (lower is better), with p from a frequency file
 * (additive smoothing, so unseen words keep a finite prior) and p_k the probability of the word of rank k in
 * that file (the floor, off unless given: every word rarer than the k-th gets the same prior, so the prior
 * never reorders two rare words and only lifts frequent words above rare ones). λ, μ and k are fitted on
 * validation rows by lib/decode/prior-fit.ts.
 */
import { readFileSync } from 'node:fs';
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
  /** The smoothed log counts, largest first (made on the first {@link WordPrior.logProbAtRank}). */
  private ranked: Float64Array | undefined;
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

  /** Number of words with a count (the unseen slot aside). */
  get size(): number {
    return this.logCounts.size;
  }

  /**
   * log p of the word of rank `k` by count (1 = the most frequent; words of equal count in any order, as they
   * share the value): the floor of `priorFloorRank`. A rank beyond the last word gives the last word's (the
   * rarest listed count); with no words, the unseen slot's.
   * @throws RangeError for a rank that is not an integer ≥ 1
   */
  logProbAtRank(k: number): number {
    if (!Number.isInteger(k) || k < 1) throw new RangeError(`WordPrior.logProbAtRank: rank must be an integer ≥ 1, got ${k}`);
    this.ranked ??= Float64Array.from(this.logCounts.values()).sort().reverse();
    const v = this.ranked.length === 0 ? this.logUnseen : this.ranked[Math.min(k, this.ranked.length) - 1]!;
    return v - this.logTotal;
  }
}

/** A candidate's score under the prior: the one formula of {@link applyPrior} and `fitPrior` (lib/decode/prior-fit.ts). */
export function priorScore(score: number, logP: number, length: number, lambda: number, mu: number, floor: number): number {
  return score - (lambda === 0 ? 0 : lambda * (logP < floor ? floor : logP)) + mu * length;
}

/** log p_k of the floor's rank k, or −∞ for no floor. */
export function floorOf(prior: WordPrior, floorRank: number | null | undefined): number {
  return floorRank === null || floorRank === undefined ? Number.NEGATIVE_INFINITY : prior.logProbAtRank(floorRank);
}

/**
 * The candidates rescored with the prior (`score − λ·max(log p(word), log p_k) + μ·length`), sorted by the
 * new score then word.
 * @param floorRank - k, the floor's rank (decoding option `priorFloorRank`, lib/options/schema.ts); `null` or absent: no floor
 * @throws Error naming the frequency file and the word when the prior turns a finite score into a non-finite one
 */
export function applyPrior(candidates: readonly [number, string][], prior: WordPrior, lambda: number, mu: number, floorRank: number | null = null): [number, string][] {
  const floor = floorOf(prior, floorRank);
  const out = candidates.map(([s, w]): [number, string] => {
    const lp = prior.logProb(w);
    const score = priorScore(s, lp, [...w].length, lambda, mu, floor);
    if (!Number.isFinite(score) && Number.isFinite(s)) {
      throw new Error(`${prior.source ?? 'the word-frequency prior'}: candidate ${JSON.stringify(w)} gets a non-finite score ${score} from the prior (log p = ${lp}, weight ${lambda}, length term ${mu}, floor rank ${floorRank ?? 'none'})`);
    }
    return [score, w];
  });
  out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : compareCodePoints(a[1], b[1])));
  return out;
}
