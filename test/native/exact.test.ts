/**
 * Exact vocabulary scoring (`generator: 'exact'`, native/search/exact_vocab_search.cc) on the trained example
 * model and real swipes against brute force: every word of a ~50-word vocabulary scored by one full-prefix
 * `decode` call of the TorchScript model, masked and normalised in TypeScript (test/helpers/brute-force.ts).
 * Checked on every round runner (built-in CPU step, TorchScript decode_step, full-prefix decode_last), with and
 * without answering
 * forced steps without the model; shared prefixes are run once; beam + vocabulary never beats it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decoder, type DecodedSwipe, type DecoderOptions } from '../../lib/decode/decoder.js';
import { FeatureExtractor } from '../../lib/features/extractor.js';
import { transformSpecOf } from '../../lib/decode/decoder.js';
import { loadGrids } from '../../lib/keyboard/grid.js';
import { Model } from '../../lib/model/model.js';
import { Vocabulary, readVocabularyFile } from '../../lib/vocabulary.js';
import type { Swipe } from '../../lib/data/dataset.js';
import type { CharTokenizer } from '../../lib/tokenizer.js';
import { setNumThreads } from '../../lib/runtime.js';
import { at } from '../../lib/util/checked.js';
import { EXAMPLE_MODEL, EXAMPLE_VOCAB, exampleSwipes } from '../helpers/examples.js';
import { normalisedScore, smallVocabulary, tokenLogProbs } from '../helpers/brute-force.js';

const NF = 0.5;

/**
 * Float32 log-softmax in the engine against float64 here: 1e-5 relative, and no tighter than 5e-7 absolute for the
 * tiny scores of words the model is sure of.
 */
const tol = (ref: number): number => 1e-5 * Math.max(Math.abs(ref), 0.05);

/** Brute force: every word's score for one swipe, each from a whole-prefix decode with the vocabulary mask. */
async function bruteForce(model: Model, fx: FeatureExtractor, tok: CharTokenizer, swipe: Swipe, words: string[]): Promise<Map<string, number>> {
  const lps = await tokenLogProbs(model, fx, tok, swipe, words, true);
  return new Map([...lps].map(([w, l]) => [w, normalisedScore(l, NF)]));
}

/** Same words in the same order, scores within 1e-5 relative (rounds batched differently round differently). */
function expectSameRows(got: DecodedSwipe[], want: DecodedSwipe[], label: string): void {
  expect(got.length).toBe(want.length);
  got.forEach((row, i) => {
    expect(row.candidates.map((c) => c[1]), `${label} swipe ${i}`).toEqual(at(want, i).candidates.map((c) => c[1]));
    row.candidates.forEach(([score], j) => {
      const ref = at(at(want, i).candidates, j)[0];
      expect(Math.abs(score - ref), `${label} swipe ${i} candidate ${j}`).toBeLessThanOrEqual(tol(ref));
    });
  });
}

/** Distinct prefixes (`<sos>` alone included) of the words: the trie's nodes, each one decoder row. */
function prefixCount(words: string[]): number {
  const set = new Set<string>(['']);
  for (const w of words) for (let i = 1; i < [...w].length; i++) set.add([...w].slice(0, i).join(''));
  for (const w of words) set.add(w);
  return set.size;
}

describe('exact vocabulary scoring on the trained example model and real swipes', () => {
  let model: Model;
  let tokenizer: CharTokenizer;
  let fx: FeatureExtractor;
  let swipes: Swipe[];
  let words: string[];
  let vocab: Vocabulary;
  let brute: Map<string, number>[];

  beforeAll(async () => {
    setNumThreads(1);
    model = await Model.load(EXAMPLE_MODEL, { device: 'cpu' });
    tokenizer = (await Decoder.create(model)).tokenizer;
    fx = new FeatureExtractor(loadGrids(), transformSpecOf(model));
    swipes = await exampleSwipes(6);
    // About 50 real words of the bundled vocabulary, the swipes' own among them.
    words = smallVocabulary(swipes, readVocabularyFile(EXAMPLE_VOCAB), 50);
    vocab = await Vocabulary.build(words, tokenizer, '(test words)');
    brute = [];
    for (const s of swipes) brute.push(await bruteForce(model, fx, tokenizer, s, words));
  });
  afterAll(() => model.dispose());

  // bruteForce scores as the seed masks (renormalised over the allowed letters), so every search here is asked
  // for seed scoring; test/native/vocab-scoring.test.ts does the same under model scoring.
  const runners: [string, DecoderOptions][] = [
    ['built-in CPU step', {}],
    ['built-in CPU step, no forced-step skipping', { skipForced: false }],
    ['TorchScript decode_step', { nativeStep: false }],
    ['full-prefix decode_last', { incremental: false }],
  ];
  for (const [name, engine] of runners) {
    it(`${name}: every word's score equals brute force, in score order`, async () => {
      const dec = await Decoder.create(model, { ...engine, decoding: { generator: 'exact', returnHypotheses: null }, vocabulary: vocab, vocabScoring: 'seed', batchSize: 4, workers: 1 });
      const { rows, stats } = await dec.decode(swipes);
      rows.forEach((row, i) => {
        expect(row.candidates.length, `swipe ${i}`).toBe(words.length);
        for (const [score, word] of row.candidates) {
          const ref = at(brute, i).get(word);
          expect(ref, `swipe ${i}: ${word} is a vocabulary word`).toBeDefined();
          expect(Math.abs(score - ref!), `swipe ${i} ${word}`).toBeLessThanOrEqual(tol(ref!));
        }
        for (let j = 1; j < row.candidates.length; j++) expect(at(row.candidates, j)[0]).toBeGreaterThanOrEqual(at(row.candidates, j - 1)[0]);
      });
      // Shared prefixes are scored once: one decoder row (or one forced answer) per trie node per swipe.
      expect(stats.decodeRows + stats.forcedSteps).toBe(prefixCount(words) * swipes.length);
      if (engine.skipForced === false) expect(stats.forcedSteps).toBe(0);
    });
  }

  it('returns the true top N and finds the target among real swipes', async () => {
    const dec = await Decoder.create(model, { decoding: { generator: 'exact', returnHypotheses: 3 }, vocabulary: vocab, vocabScoring: 'seed', batchSize: 2 });
    const { rows } = await dec.decode(swipes);
    let hits = 0;
    rows.forEach((row, i) => {
      const want = [...at(brute, i).entries()].sort((a, b) => a[1] - b[1]).slice(0, 3);
      expect(row.candidates.map((c) => c[1]), `swipe ${i}`).toEqual(want.map((e) => e[0]));
      if (at(row.candidates, 0)[1] === at(swipes, i).word) hits++;
    });
    // The trained model ranks most targets first among 50 words (a model that scored nothing would not).
    expect(hits).toBeGreaterThanOrEqual(swipes.length / 2);
  });

  it('beam + vocabulary scores its words as exact does, and never finds a better one', async () => {
    const beam = await Decoder.create(model, { decoding: { generator: 'beam', beamSize: 3 }, vocabulary: vocab, vocabScoring: 'seed' });
    const { rows } = await beam.decode(swipes);
    rows.forEach((row, i) => {
      const best = Math.min(...at(brute, i).values());
      for (const [score, word] of row.candidates) {
        const ref = at(brute, i).get(word);
        if (ref === undefined) continue; // a word cut by maxSteps is not a vocabulary word
        expect(Math.abs(score - ref), `swipe ${i} ${word}`).toBeLessThanOrEqual(tol(ref));
        expect(score).toBeGreaterThanOrEqual(best - tol(best));
      }
    });
  });

  it('hybrid: 0 beam steps is exact; as many as maxSteps is beam-sync over the vocabulary; in between, between them', async () => {
    const run = async (decoding: DecoderOptions['decoding']) => (await Decoder.create(model, { decoding, vocabulary: vocab, vocabScoring: 'seed', batchSize: 3 })).decode(swipes);
    const exact = await run({ generator: 'exact', returnHypotheses: null });
    const h0 = await run({ generator: 'hybrid', hybridSteps: 0, returnHypotheses: null });
    expectSameRows(h0.rows, exact.rows, 'hybrid 0 steps / exact');
    const sync = await run({ generator: 'beam-sync', beamSize: 3 });
    const hAll = await run({ generator: 'hybrid', beamSize: 3, hybridSteps: 35, returnHypotheses: null });
    expectSameRows(hAll.rows, sync.rows, 'hybrid 35 steps / beam-sync');
    const h2 = await run({ generator: 'hybrid', beamSize: 3, hybridSteps: 2, returnHypotheses: null });
    expect(h2.stats.decodeRows).toBeLessThan(exact.stats.decodeRows);
    h2.rows.forEach((row, i) => {
      expect(row.candidates.length).toBeGreaterThanOrEqual(at(sync.rows, i).candidates.length);
      for (const [score, word] of row.candidates) {
        const ref = at(brute, i).get(word)!;
        expect(Math.abs(score - ref), `swipe ${i} ${word}`).toBeLessThanOrEqual(tol(ref));
      }
      // Every word beam-sync reaches descends from a prefix the hybrid scored in full: it is never worse.
      const syncBest = at(at(sync.rows, i).candidates, 0)[0];
      const exactBest = at(at(exact.rows, i).candidates, 0)[0];
      expect(at(row.candidates, 0)[0]).toBeLessThanOrEqual(syncBest + tol(syncBest));
      expect(at(row.candidates, 0)[0]).toBeGreaterThanOrEqual(exactBest - tol(exactBest));
    });
  });

  it('branch and bound over the full example vocabulary: the top N of scoring every word, at a fraction of the rows', async () => {
    const full = await Vocabulary.build(readVocabularyFile(EXAMPLE_VOCAB), tokenizer, EXAMPLE_VOCAB);
    const some = swipes.slice(0, 2);
    for (const vocabScoring of ['model', 'seed'] as const) {
      const run = async (returnHypotheses: number | null) =>
        (await Decoder.create(model, { decoding: { generator: 'exact', returnHypotheses }, vocabulary: full, vocabScoring, batchSize: 2, workers: 1 })).decode(some);
      const every = await run(null);
      for (const n of [1, 6]) {
        const top = await run(n);
        const want = every.rows.map((r) => ({ ...r, candidates: r.candidates.slice(0, n) }));
        expectSameRows(top.rows, want, `${vocabScoring} top ${n}`);
        expect(top.rows.every((r) => r.certified), `${vocabScoring} top ${n} certified`).toBe(true);
        // Every word was scored without pruning; the bound skips most of the trie.
        expect(top.stats.decodeRows + top.stats.forcedSteps, `${vocabScoring} top ${n}`).toBeLessThan((every.stats.decodeRows + every.stats.forcedSteps) / 5);
      }
    }
  });

  it('maxSteps leaves out words that do not end within it', async () => {
    const dec = await Decoder.create(model, { decoding: { generator: 'exact', returnHypotheses: null, maxSteps: 5 }, vocabulary: vocab, vocabScoring: 'seed' });
    const { rows } = await dec.decode(swipes.slice(0, 1));
    const short = words.filter((w) => [...w].length + 1 <= 5).sort();
    expect(short.length).toBeGreaterThan(0);
    expect(at(rows, 0).candidates.map((c) => c[1]).sort()).toEqual(short);
  });

  it('rejects exact without a vocabulary, in reference mode, and beam options', async () => {
    await expect(Decoder.create(model, { decoding: { generator: 'exact' } })).rejects.toThrow(/decoding\.generator exact scores vocabulary words: give one \(vocabulary\)/);
    await expect(Decoder.create(model, { decoding: { generator: 'exact' }, vocabulary: vocab, vocabScoring: 'seed', reference: true })).rejects.toThrow(/reference: exact scoring/);
    await expect(Decoder.create(model, { decoding: { generator: 'exact', beamSize: 4 } as never, vocabulary: vocab, vocabScoring: 'seed' })).rejects.toThrow(/decoding\.beamSize: not an option of generator exact/);
    await expect(Decoder.create(model, { decoding: { generator: 'exact', returnHypotheses: 0 }, vocabulary: vocab, vocabScoring: 'seed' })).rejects.toThrow(/decoding\.returnHypotheses/);
    await expect(Decoder.create(model, { decoding: { generator: 'hybrid' } })).rejects.toThrow(/decoding\.generator hybrid scores vocabulary words/);
    await expect(Decoder.create(model, { decoding: { generator: 'hybrid', hybridSteps: 36 }, vocabulary: vocab, vocabScoring: 'seed' })).rejects.toThrow(/decoding\.hybridSteps: expected an integer in 0\.\.35/);
    await expect(Decoder.create(model, { decoding: { generator: 'hybrid', hybridSteps: 6, maxSteps: 5 }, vocabulary: vocab, vocabScoring: 'seed' })).rejects.toThrow(/decoding\.hybridSteps/);
  });
});
