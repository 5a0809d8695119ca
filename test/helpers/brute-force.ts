/**
 * Brute-force scoring for search tests: each word's per-token log-probabilities from one whole-prefix `decode`
 * call of the TorchScript model (all words of a swipe in one batch), computed here in TypeScript.
 */
import type { FeatureExtractor } from '../../lib/features/extractor.js';
import type { Model } from '../../lib/model/model.js';
import type { Swipe } from '../../lib/data/dataset.js';
import type { CharTokenizer } from '../../lib/tokenizer.js';
import { at } from '../../lib/util/checked.js';

/**
 * Per word, the log-probability of each of its letters and of `<eos>` given the prefix before it. With
 * `masked`, each is renormalised over the tokens the word list allows after that prefix (the seed's vocabulary
 * mask, built here from the words themselves); otherwise over every class.
 */
export async function tokenLogProbs(model: Model, fx: FeatureExtractor, tok: CharTokenizer, swipe: Swipe, words: readonly string[], masked: boolean): Promise<Map<string, number[]>> {
  const f = fx.extract(swipe);
  const s = f.length;
  const kc = f.nKeyColumns;
  const mem = await model.encode(f.traj, [s, 1, f.nTrajFeats], f.keys, kc === 0 ? [s, 1] : [s, 1, kc]);
  const d = at(mem.shape, 2);
  const encoded = words.map((w) => tok.encode(w)); // [<sos>, letters…, <eos>]
  const allowed = new Map<string, Set<number>>();
  for (const t of encoded) {
    for (let i = 1; i < t.length; i++) {
      const key = t.slice(0, i).join(',');
      if (!allowed.has(key)) allowed.set(key, new Set());
      allowed.get(key)!.add(at(t, i));
    }
  }
  const w = words.length;
  const tMax = Math.max(...encoded.map((t) => t.length - 1)); // <sos> + letters
  const tokens = new Int32Array(tMax * w).fill(tok.padId);
  encoded.forEach((t, j) => {
    for (let p = 0; p < t.length - 1; p++) tokens[p * w + j] = at(t, p);
  });
  const memory = new Float32Array(s * w * d);
  for (let i = 0; i < s; i++) for (let j = 0; j < w; j++) memory.set(mem.data.subarray(i * d, (i + 1) * d), (i * w + j) * d);
  const logits = await model.decode(tokens, [tMax, w], memory, [s, w, d]);
  const c = at(logits.shape, 2);
  const every = Array.from({ length: c }, (_, i) => i);
  const out = new Map<string, number[]>();
  encoded.forEach((t, j) => {
    const lps: number[] = [];
    for (let p = 0; p < t.length - 1; p++) {
      const row = logits.data.subarray((p * w + j) * c, (p * w + j + 1) * c);
      const ok = masked ? [...allowed.get(t.slice(0, p + 1).join(','))!].filter((id) => id < c) : every;
      const max = Math.max(...ok.map((id) => at(row, id)));
      const lse = max + Math.log(ok.reduce((acc, id) => acc + Math.exp(at(row, id) - max), 0));
      lps.push(at(row, at(t, p + 1)) - lse);
    }
    out.set(at(words, j), lps);
  });
  return out;
}

/**
 * About `size` real words for a small vocabulary: the swipes' own words, words sharing their first two letters
 * (competitors with shared prefixes, so the trie has both branches and forced chains) and a spread of the rest
 * of `all`.
 */
export function smallVocabulary(swipes: readonly Swipe[], all: readonly string[], size: number): string[] {
  const chosen = new Set<string>();
  for (const s of swipes) chosen.add(s.word!);
  for (const s of swipes) {
    for (const w of all.filter((x) => x.startsWith(s.word!.slice(0, 2)) && x !== s.word).slice(0, 4)) chosen.add(w);
  }
  for (let i = 0; chosen.size < size; i += 397) chosen.add(at(all, i % all.length));
  return [...chosen];
}

/** The beams' score of a word from its token log-probabilities: −Σ log p / len^nf, len counting `<sos>` and `<eos>`. */
export function normalisedScore(lps: readonly number[], nf: number): number {
  return -lps.reduce((a, b) => a + b, 0) / Math.pow(lps.length + 1, nf);
}
