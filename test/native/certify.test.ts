/**
 * The certified beam (`certifyTop`, native/search/certifying_search.cc): a beam over the vocabulary whose first
 * words are proven to be the vocabulary's best, by a branch-and-bound exact search seeded with the beam's words
 * when the beam's own certificate falls short. Checked against `exact` (itself checked against brute-force
 * teacher forcing in exact.test.ts and vocab-scoring.test.ts) on the trained example model, its 20,000-word
 * vocabulary and noisy synthetic swipes where the plain beam misses the best word.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decoder, type DecodedSwipe, type DecoderOptions } from '../../lib/decode/decoder.js';
import type { Model } from '../../lib/model/model.js';
import type { Vocabulary } from '../../lib/vocabulary.js';
import type { Swipe } from '../../lib/data/dataset.js';
import { at } from '../../lib/util/checked.js';
import { EXAMPLE_VOCAB, exampleModelAndVocabulary } from '../helpers/examples.js';
import { synthSwipesInMemory } from '../helpers/synth-swipes.js';

/** Scores of one word from two searches: the same rows, batched differently. */
const tol = (ref: number): number => 1e-5 * Math.max(Math.abs(ref), 0.05);

const words = (r: DecodedSwipe): string[] => r.candidates.map((c) => c[1]);

describe('certified beam: the first words proven to be the vocabulary\'s best', () => {
  let model: Model;
  let vocab: Vocabulary;
  let swipes: Swipe[];

  beforeAll(async () => {
    ({ model, vocab } = await exampleModelAndVocabulary());
    // Touch noise ×2 (as the search bench's noisier set): the beam misses the model's best word on some.
    swipes = synthSwipesInMemory('default', 24, 7, EXAMPLE_VOCAB, 0, 3);
  });
  afterAll(() => model.dispose());

  const run = async (decoding: DecoderOptions['decoding'], vocabScoring: 'model' | 'seed' = 'model') =>
    (await Decoder.create(model, { decoding, vocabulary: vocab, vocabScoring, batchSize: 8, workers: 1 })).decode(swipes);

  for (const generator of ['beam-sync', 'beam'] as const) {
    it(`${generator}, model scoring: certifyTop 1 gives exact's first word on every swipe, where the plain beam does not`, async () => {
      const exact = await run({ generator: 'exact', returnHypotheses: 6 });
      const plain = await run({ generator, beamSize: 6, certifyTop: 0 });
      const proven = await run({ generator, beamSize: 6, certifyTop: 1 });
      let missed = 0;
      proven.rows.forEach((row, i) => {
        const want = at(at(exact.rows, i).candidates, 0);
        const got = at(row.candidates, 0);
        expect(got[1], `swipe ${i}`).toBe(want[1]);
        expect(Math.abs(got[0] - want[0]), `swipe ${i}`).toBeLessThanOrEqual(tol(want[0]));
        expect(row.certifiedTop, `swipe ${i}`).toBeGreaterThanOrEqual(1);
        // The beam's other words follow, each once, best first.
        expect(new Set(words(row)).size).toBe(row.candidates.length);
        for (let j = 1; j < row.candidates.length; j++) expect(at(row.candidates, j)[0]).toBeGreaterThanOrEqual(at(row.candidates, j - 1)[0]);
        if (at(at(plain.rows, i).candidates, 0)[1] !== want[1]) missed++;
      });
      expect(missed, 'swipes where the plain beam misses the best word').toBeGreaterThan(0);
      expect(proven.stats.certifiedFirst).toBe(swipes.length);
      // The proof costs rows only where the beam's own certificate fell short.
      expect(proven.stats.decodeRows).toBeGreaterThan(plain.stats.decodeRows);
      expect(proven.stats.decodeRows).toBeLessThan(exact.stats.decodeRows);
    });
  }

  it('certifyTop 3 gives exact\'s first three words, under both scorings', async () => {
    for (const scoring of ['model', 'seed'] as const) {
      const exact = await run({ generator: 'exact', returnHypotheses: 6 }, scoring);
      const proven = await run({ generator: 'beam-sync', beamSize: 6, certifyTop: 3 }, scoring);
      proven.rows.forEach((row, i) => {
        expect(words(row).slice(0, 3), `${scoring} swipe ${i}`).toEqual(words(at(exact.rows, i)).slice(0, 3));
        expect(row.certifiedTop, `${scoring} swipe ${i}`).toBeGreaterThanOrEqual(3);
      });
    }
  });

  it('certifyRows stops the proof: the best words found so far lead, certified only where the proof finished', async () => {
    const plain = await run({ generator: 'beam', beamSize: 6, certifyTop: 0 });
    const full = await run({ generator: 'beam', beamSize: 6, certifyTop: 1 });
    const capped = await run({ generator: 'beam', beamSize: 6, certifyTop: 1, certifyRows: 8 });
    const roomy = await run({ generator: 'beam', beamSize: 6, certifyTop: 1, certifyRows: 1_000_000 });
    // A budget the proofs never reach changes nothing.
    expect(roomy.rows.map(words)).toEqual(full.rows.map(words));
    expect(roomy.stats.decodeRows).toBe(full.stats.decodeRows);
    // 8 prefixes per proof: fewer rows than the full proofs, more than the plain beam where a proof ran.
    expect(capped.stats.decodeRows).toBeLessThan(full.stats.decodeRows);
    expect(capped.stats.decodeRows).toBeGreaterThan(plain.stats.decodeRows);
    let cut = 0;
    capped.rows.forEach((row, i) => {
      const beam = at(plain.rows, i);
      const best = at(at(full.rows, i).candidates, 0);
      if (beam.certifiedTop !== undefined && beam.certifiedTop >= 1) {
        // The beam proved its word: no proof ran, the row is the plain beam's.
        expect(words(row), `swipe ${i}`).toEqual(words(beam));
        expect(row.certified, `swipe ${i}`).toBe(beam.certified);
        return;
      }
      // The proof ran and stopped: the row is certified only if it found and proved the best word anyway.
      if (row.certifiedTop === 0) cut++;
      else expect(at(row.candidates, 0)[1], `swipe ${i}`).toBe(best[1]);
      expect(row.certified, `swipe ${i}`).toBe(false);
      // Its first word is never worse than the beam's first word, and the list keeps each word once, best first.
      expect(at(row.candidates, 0)[0]).toBeLessThanOrEqual(at(beam.candidates, 0)[0] + tol(at(beam.candidates, 0)[0]));
      expect(new Set(words(row)).size).toBe(row.candidates.length);
      for (let j = 1; j < row.candidates.length; j++) expect(at(row.candidates, j)[0]).toBeGreaterThanOrEqual(at(row.candidates, j - 1)[0]);
    });
    expect(cut, 'proofs cut short by the budget').toBeGreaterThan(0);
    expect(capped.stats.certifiedFirst).toBe(swipes.length - cut);
  });

  it('rejects certifyRows without a proof to bound', async () => {
    await expect(Decoder.create(model, { decoding: { generator: 'beam', certifyTop: 0, certifyRows: 100 }, vocabulary: vocab })).rejects.toThrow(/decoding\.certifyRows: bounds the proof of decoding\.certifyTop, which is 0/);
    await expect(Decoder.create(model, { decoding: { generator: 'beam', certifyRows: 100 } })).rejects.toThrow(/decoding\.certifyRows bounds a proof over the vocabulary/);
    await expect(Decoder.create(model, { decoding: { generator: 'beam', certifyRows: 100 }, vocabulary: vocab, vocabScoring: 'seed' })).rejects.toThrow(/which is 0 here/);
    await expect(Decoder.create(model, { decoding: { generator: 'beam', certifyTop: 1, certifyRows: 100 }, vocabulary: vocab, vocabScoring: 'seed' })).resolves.toBeDefined();
    await expect(Decoder.create(model, { decoding: { generator: 'beam', certifyRows: -1 }, vocabulary: vocab })).rejects.toThrow(/decoding\.certifyRows/);
  });

  it('rejects a negative certifyTop, certifyTop without a vocabulary, and certifyTop on greedy', async () => {
    await expect(Decoder.create(model, { decoding: { generator: 'beam-sync', certifyTop: -1 }, vocabulary: vocab })).rejects.toThrow(/decoding\.certifyTop/);
    await expect(Decoder.create(model, { decoding: { generator: 'beam-sync', certifyTop: 1 } })).rejects.toThrow(/certifyTop/);
    await expect(Decoder.create(model, { decoding: { generator: 'greedy', certifyTop: 1 } as never, vocabulary: vocab })).rejects.toThrow(/decoding\.certifyTop: not an option of generator greedy/);
  });
});
