/**
 * Levenshtein repair of beam candidates that are not vocabulary words: each is replaced by the vocabulary words
 * within edit distance k, found with a symmetric-deletion index, and those are rescored by the model (exact
 * scoring of the word list, without a vocabulary mask, so their scores compare with the beam's).
 */
import { distance } from 'fastest-levenshtein';
import { at } from '../util/checked.js';

/** Every string made from `word` by deleting at most `d` characters (code points), `word` itself included. */
function deletions(word: string, d: number): Set<string> {
  const out = new Set<string>([word]);
  let level = [word];
  for (let step = 0; step < d; step++) {
    const next: string[] = [];
    for (const w of level) {
      const chars = [...w];
      for (let i = 0; i < chars.length; i++) {
        const v = chars.slice(0, i).join('') + chars.slice(i + 1).join('');
        if (!out.has(v)) {
          out.add(v);
          next.push(v);
        }
      }
    }
    level = next;
  }
  return out;
}

/**
 * The words of a vocabulary by their deletion variants (symmetric deletion): two words within edit distance k
 * share a variant with at most k deletions each, so a query looks up its own variants and checks the
 * candidates' true distance.
 */
export class DeletionIndex {
  private readonly words: readonly string[];
  private readonly set: ReadonlySet<string>;
  private readonly variants = new Map<string, number[]>();
  /** The largest distance {@link DeletionIndex.near} accepts. */
  readonly maxDistance: number;

  /**
   * @param words - the vocabulary, in its order (ties in distance keep it)
   * @param maxDistance - the largest edit distance queries will ask for (1…3)
   * @throws RangeError for a distance outside 1…3
   */
  constructor(words: readonly string[], maxDistance: number) {
    if (!Number.isInteger(maxDistance) || maxDistance < 1 || maxDistance > 3) throw new RangeError(`DeletionIndex: maxDistance must be an integer in 1..3, got ${maxDistance}`);
    this.words = words;
    this.set = new Set(words);
    this.maxDistance = maxDistance;
    words.forEach((w, i) => {
      for (const v of deletions(w, maxDistance)) {
        const list = this.variants.get(v);
        if (list) list.push(i);
        else this.variants.set(v, [i]);
      }
    });
  }

  /** Whether `word` is a vocabulary word. */
  has(word: string): boolean {
    return this.set.has(word);
  }

  /** Vocabulary words within edit distance `k` of `word`, nearest first, then in vocabulary order. */
  near(word: string, k: number = this.maxDistance): string[] {
    if (k > this.maxDistance) throw new RangeError(`DeletionIndex.near: k ${k} is above the index's maxDistance ${this.maxDistance}`);
    const ids = new Set<number>();
    for (const v of deletions(word, k)) for (const i of this.variants.get(v) ?? []) ids.add(i);
    const found: [number, number][] = [];
    for (const i of ids) {
      const d = distance(word, at(this.words, i));
      if (d <= k) found.push([d, i]);
    }
    found.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    return found.map(([, i]) => at(this.words, i));
  }
}

/**
 * Per swipe, the vocabulary words to rescore: for each non-vocabulary candidate in rank order, its neighbours
 * within `k`, skipping words already listed or among the candidates, until `limit` words.
 */
export function repairWords(candidates: readonly [number, string][], index: DeletionIndex, k: number, limit: number): string[] {
  const seen = new Set(candidates.map((c) => c[1]));
  const out: string[] = [];
  for (const [, w] of candidates) {
    if (out.length >= limit) break;
    if (index.has(w)) continue;
    for (const v of index.near(w, k)) {
      if (seen.has(v)) continue;
      seen.add(v);
      out.push(v);
      if (out.length >= limit) break;
    }
  }
  return out;
}

/**
 * The repaired ranking: the candidates that are vocabulary words, with the rescored words in place of the
 * others, sorted by score then word; at most `keep` (null = all).
 */
export function mergeRepaired(candidates: readonly [number, string][], rescored: readonly [number, string][], index: DeletionIndex, keep: number | null, compare: (a: string, b: string) => number): [number, string][] {
  const out = candidates.filter((c) => index.has(c[1]));
  out.push(...rescored);
  out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : compare(a[1], b[1])));
  if (keep !== null && out.length > keep) out.length = keep;
  return out;
}
