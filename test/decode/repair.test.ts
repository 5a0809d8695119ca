/**
 * Levenshtein repair (`decoding.repair: 'levenshtein'`, lib/decode/repair.ts): the symmetric-deletion index
 * against a brute-force edit distance over the real example vocabulary, and the repaired decode on the trained
 * example model and real swipes: only vocabulary words, the rescored words' scores equal to brute-force model
 * scores (unmasked, as the beam's), better Swipe MRR than the search it repairs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decoder, transformSpecOf } from '../../lib/decode/decoder.js';
import { DeletionIndex, repairWords } from '../../lib/decode/repair.js';
import { resolveDecodingOptions } from '../../lib/decode/decoding.js';
import { swipeMrr } from '../../lib/evaluate/metrics.js';
import { FeatureExtractor } from '../../lib/features/extractor.js';
import { loadGrids } from '../../lib/keyboard/grid.js';
import { Model } from '../../lib/model/model.js';
import { readVocabularyFile } from '../../lib/vocabulary.js';
import type { Swipe } from '../../lib/data/dataset.js';
import { setNumThreads } from '../../lib/runtime.js';
import { at } from '../../lib/util/checked.js';
import { EXAMPLE_MODEL, EXAMPLE_VOCAB, exampleSwipes } from '../helpers/examples.js';
import { normalisedScore, tokenLogProbs } from '../helpers/brute-force.js';

/** Plain dynamic-programming edit distance over code points. */
function editDistance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) cur.push(Math.min(at(prev, j) + 1, at(cur, j - 1) + 1, at(prev, j - 1) + (x[i - 1] === y[j - 1] ? 0 : 1)));
    prev = cur;
  }
  return at(prev, y.length);
}

const words = readVocabularyFile(EXAMPLE_VOCAB);

describe('symmetric-deletion index on the example vocabulary', () => {
  it.each([1, 2])('finds exactly the words within distance %i, nearest first', (k) => {
    const index = new DeletionIndex(words, k);
    // Vocabulary words, misspellings of them and non-words.
    const queries = [at(words, 10), at(words, 5000), at(words, 19999), at(words, 123).slice(1), at(words, 777) + 'а', 'прривет', 'zzz', 'ёжик'];
    for (const q of queries) {
      const want = words.map((w, i) => [editDistance(q, w), i] as const).filter(([d]) => d <= k).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([, i]) => words[i]);
      expect(index.near(q, k), q).toEqual(want);
    }
  });

  it('lists neighbours of non-vocabulary candidates only, up to the limit', () => {
    const index = new DeletionIndex(words, 1);
    const cands: [number, string][] = [[0.1, at(words, 42)], [0.2, at(words, 42) + 'ъ'], [0.3, 'щщщщ']];
    const got = repairWords(cands, index, 1, 3);
    expect(got).not.toContain(words[42]);
    expect(got.length).toBeLessThanOrEqual(3);
    for (const w of got) expect(editDistance(w, words[42] + 'ъ')).toBeLessThanOrEqual(1);
    expect(() => new DeletionIndex(words, 4)).toThrow(RangeError);
  });
});

describe('repaired beam on the trained example model and real swipes', () => {
  let model: Model;
  let swipes: Swipe[];
  beforeAll(async () => {
    setNumThreads(1);
    model = await Model.load(EXAMPLE_MODEL, { device: 'cpu' });
    swipes = await exampleSwipes(30);
  });
  afterAll(() => model.dispose());

  it('returns vocabulary words only, rescored as brute force scores them, with a better MRR', async () => {
    const plain = await (await Decoder.create(model, { decoding: { generator: 'beam' } })).decode(swipes);
    const dec = await Decoder.create(model, { decoding: { generator: 'beam', repair: 'levenshtein', repairDistance: 2, repairRescore: 10 }, repairWords: words });
    const repaired = await dec.decode(swipes);
    expect(repaired.stats.decodeRows).toBeGreaterThan(plain.stats.decodeRows);
    const vocab = new Set(words);
    const fx = new FeatureExtractor(loadGrids(), transformSpecOf(model));
    let rescoredChecked = 0;
    for (const [i, row] of repaired.rows.entries()) {
      expect(row.candidates.length).toBeGreaterThan(0);
      for (const [, w] of row.candidates) expect(vocab.has(w), w).toBe(true);
      const fromBeam = new Set(at(plain.rows, i).candidates.map((c) => c[1]));
      const added = row.candidates.filter((c) => !fromBeam.has(c[1]));
      if (added.length === 0) continue;
      const lps = await tokenLogProbs(model, fx, dec.tokenizer, at(swipes, i), added.map((c) => c[1]), false);
      for (const [score, w] of added) {
        const ref = normalisedScore(lps.get(w)!, 0.5);
        expect(Math.abs(score - ref), `swipe ${i} ${w}`).toBeLessThanOrEqual(1e-5 * Math.max(Math.abs(ref), 0.05));
        rescoredChecked++;
      }
    }
    expect(rescoredChecked).toBeGreaterThan(0);
    const targets = swipes.map((s) => s.word!);
    const words_ = (rows: typeof plain.rows) => rows.map((r) => r.candidates.map((c) => c[1]));
    expect(swipeMrr(words_(repaired.rows), targets)).toBeGreaterThan(swipeMrr(words_(plain.rows), targets));
  });

  it('checks its options', async () => {
    expect(resolveDecodingOptions({ generator: 'beam', repair: 'levenshtein' })).toMatchObject({ repair: 'levenshtein', repairDistance: 1, repairRescore: 8 });
    expect(() => resolveDecodingOptions({ generator: 'beam', repair: 'soundex' })).toThrow(/decoding\.repair: expected 'levenshtein' or null/);
    expect(() => resolveDecodingOptions({ generator: 'beam', repairDistance: 2 })).toThrow(/decoding\.repairDistance: applies only with decoding\.repair/);
    expect(() => resolveDecodingOptions({ generator: 'beam', repair: 'levenshtein', repairDistance: 4 })).toThrow(/decoding\.repairDistance: expected an integer in 1\.\.3/);
    await expect(Decoder.create(model, { decoding: { generator: 'beam', repair: 'levenshtein' } })).rejects.toThrow(/repairWords: decoding\.repair needs the vocabulary words/);
  });
});
