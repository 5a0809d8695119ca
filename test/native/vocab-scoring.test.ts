/**
 * Vocabulary scoring by the model (`vocabScoring: 'model'`) on the trained example model and real swipes, against
 * brute-force teacher forcing: every word of a ~50-word vocabulary scored by one full-prefix `decode` call of the
 * TorchScript model, full-softmax log-probabilities summed and length-normalised in TypeScript
 * (test/helpers/brute-force.ts). Every search on every engine path; forced chains scored in one call against
 * letter by letter; `exact` as the true top N; the certificate of the beams against `exact`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decoder, transformSpecOf, type DecodedSwipe, type DecoderOptions } from '../../lib/decode/decoder.js';
import type { DecodingInput } from '../../lib/decode/decoding.js';
import type { DecodeStats } from '../../lib/decode/stats.js';
import { WordPrior } from '../../lib/decode/prior.js';
import { FeatureExtractor } from '../../lib/features/extractor.js';
import { loadGrids } from '../../lib/keyboard/grid.js';
import { Model } from '../../lib/model/model.js';
import { Vocabulary, readVocabularyFile } from '../../lib/vocabulary.js';
import type { Swipe } from '../../lib/data/dataset.js';
import { setNumThreads } from '../../lib/runtime.js';
import { at } from '../../lib/util/checked.js';
import { EXAMPLE_MODEL, EXAMPLE_VOCAB, exampleSwipes } from '../helpers/examples.js';
import { normalisedScore, smallVocabulary, tokenLogProbs } from '../helpers/brute-force.js';
// @ts-expect-error plain ESM shared with scripts/differential.mjs
import { compareSteps } from '../../scripts/differential/compare.mjs';

const NF = 0.5;
/** Float32 in the engine against float64 here (as test/native/exact.test.ts). */
const tol = (ref: number): number => 1e-5 * Math.max(Math.abs(ref), 0.05);

/** The engine paths: [name, options, whether it scores forced chains in one call]. */
const PATHS: [string, DecoderOptions, boolean][] = [
  ['built-in CPU step', {}, true],
  ['built-in CPU step, letter by letter', { skipForced: false }, false],
  ['TorchScript decode_step', { nativeStep: false }, false],
  ['full-prefix decode', { incremental: false }, true],
  ['full-prefix decode_last, letter by letter', { incremental: false, skipForced: false }, false],
];

const SEARCHES: [string, DecodingInput][] = [
  ['greedy', { generator: 'greedy' }],
  ['beam', { generator: 'beam', beamSize: 4, normalizationFactor: NF }],
  ['beam-sync', { generator: 'beam-sync', beamSize: 4, normalizationFactor: NF }],
  ['hybrid', { generator: 'hybrid', beamSize: 4, hybridSteps: 2, normalizationFactor: NF, returnHypotheses: null }],
  ['exact', { generator: 'exact', normalizationFactor: NF, returnHypotheses: 5 }],
];

describe('model vocabulary scoring against brute-force teacher forcing (example model, real swipes)', () => {
  let model: Model;
  let swipes: Swipe[];
  let words: string[];
  let vocab: Vocabulary;
  /** Per swipe, per word: its full-softmax token log-probabilities (letters and `<eos>`). */
  let lps: Map<string, number[]>[];
  /** Per swipe, per word: the beams' length-normalised score. */
  let brute: Map<string, number>[];

  beforeAll(async () => {
    setNumThreads(1);
    model = await Model.load(EXAMPLE_MODEL, { device: 'cpu' });
    const tokenizer = (await Decoder.create(model)).tokenizer;
    const fx = new FeatureExtractor(loadGrids(), transformSpecOf(model));
    swipes = await exampleSwipes(6);
    words = smallVocabulary(swipes, readVocabularyFile(EXAMPLE_VOCAB), 50);
    vocab = await Vocabulary.build(words, tokenizer, '(test words)');
    lps = [];
    for (const s of swipes) lps.push(await tokenLogProbs(model, fx, tokenizer, s, words, false));
    brute = lps.map((m) => new Map([...m].map(([w, l]) => [w, normalisedScore(l, NF)])));
  });
  afterAll(() => model.dispose());

  const run = async (decoding: DecodingInput, engine: DecoderOptions, traceSteps = false): Promise<{ rows: DecodedSwipe[]; stats: DecodeStats }> =>
    (await Decoder.create(model, { ...engine, decoding, vocabulary: vocab, vocabScoring: 'model', batchSize: 3, workers: 1, traceSteps })).decode(swipes);

  /** The brute-force top `n` words of swipe i, best first (ties by code points, as the decoder sorts). */
  const top = (i: number, n: number): string[] =>
    [...at(brute, i).entries()].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1)).slice(0, n).map((e) => e[0]);

  /** Every candidate is a vocabulary word scored as teacher forcing scores it (greedy: −Σ log p; else normalised). */
  const expectTeacherForced = (rows: DecodedSwipe[], search: string): void => {
    rows.forEach((row, i) => {
      expect(row.candidates.length, `${search} swipe ${i}`).toBeGreaterThan(0);
      for (const [score, word] of row.candidates) {
        const l = at(lps, i).get(word);
        expect(l, `${search} swipe ${i}: ${word} is a vocabulary word`).toBeDefined();
        const ref = search === 'greedy' ? -l!.reduce((a, b) => a + b, 0) : at(brute, i).get(word)!;
        expect(Math.abs(score - ref), `${search} swipe ${i} ${word}`).toBeLessThanOrEqual(tol(ref));
      }
    });
  };

  for (const [path, engine] of PATHS) {
    for (const [name, decoding] of SEARCHES) {
      it(`${name} on the ${path}: every candidate scores as teacher forcing scores it`, async () => {
        const { rows, stats } = await run(decoding, engine);
        expect(stats.forcedSteps).toBe(0); // no step is free under model scoring
        expectTeacherForced(rows, name);
        if (name === 'exact') rows.forEach((row, i) => expect(row.candidates.map((c) => c[1]), `swipe ${i}`).toEqual(top(i, 5)));
      });
    }
  }

  it('reference mode (the seed\'s loop) scores as the seed only: model scoring is refused, naming the option', async () => {
    await expect(run(SEARCHES[0]![1], { reference: true })).rejects.toThrow("vocabScoring: reference scores the vocabulary as the seed does ('seed'); drop vocabScoring");
    // Without the option, reference mode decodes (seed scoring) and runs the model on every step.
    const { rows, stats } = await (await Decoder.create(model, { decoding: SEARCHES[1]![1], vocabulary: vocab, reference: true, batchSize: 3 })).decode(swipes);
    expect(stats.chainRows + stats.forcedSteps).toBe(0);
    expect(rows.every((r) => r.candidates.length > 0)).toBe(true);
  });

  for (const [path, engine] of PATHS.filter(([, , chains]) => chains)) {
    it(`${path}: a forced chain scored in one call equals scoring it letter by letter`, async () => {
      for (const [name, decoding] of SEARCHES) {
        const chained = await run(decoding, engine, true);
        const single = await run(decoding, { ...engine, skipForced: false }, true);
        // Every row the letter-by-letter run scored was also scored (by a request or in a chain), within 1e-5.
        const c = compareSteps(single.rows, chained.rows, { sameRows: false, tolerance: 1e-5 }) as { rows: number; failures: { swipe: number; problem: string }[] };
        expect(c.failures, `${path} ${name}`).toEqual([]);
        expect(c.rows).toBeGreaterThan(0);
        chained.rows.forEach((row, i) => {
          const want = at(single.rows, i).candidates;
          expect(row.candidates.map((x) => x[1]), `${name} swipe ${i}`).toEqual(want.map((x) => x[1]));
          row.candidates.forEach(([score], j) => expect(Math.abs(score - at(want, j)[0])).toBeLessThanOrEqual(tol(at(want, j)[0])));
        });
        // Chains answer steps without a new model call: fewer calls, and the chain rows are among the rows.
        expect(single.stats.chainRows + single.stats.chainSteps, `${name}`).toBe(0);
        expect(chained.stats.chainRows, `${name}`).toBeGreaterThan(0);
        expect(chained.stats.chainSteps, `${name}`).toBeGreaterThan(0);
        expect(chained.stats.chainSteps).toBeLessThanOrEqual(chained.stats.chainRows);
        expect(chained.stats.decodeCalls, `${name}`).toBeLessThan(single.stats.decodeCalls);
        // A requested row is either scored by the model or answered by a chain row: the letter-by-letter rows.
        expect(chained.stats.decodeRows - chained.stats.chainRows + chained.stats.chainSteps, `${name}`).toBe(single.stats.decodeRows);
      }
    });
  }

  it('the certificate: a certified beam row is exact\'s top N; exact is always certified; greedy gives none', async () => {
    for (const generator of ['beam', 'beam-sync', 'hybrid'] as const) {
      for (const [beamSize, keep] of [[1, 1], [6, 1], [6, 3]] as const) {
        const decoding = generator === 'hybrid'
          ? { generator, beamSize, hybridSteps: 2, normalizationFactor: NF, returnHypotheses: keep }
          : { generator, beamSize, normalizationFactor: NF, returnHypotheses: keep };
        const beam = await run(decoding, {});
        let certified = 0;
        let first = 0;
        beam.rows.forEach((row, i) => {
          expect(typeof row.certified).toBe('boolean');
          // The proven head of the list is exact's, whatever returnHypotheses.
          const k = row.certifiedTop!;
          expect(row.candidates.slice(0, k).map((c) => c[1]), `${generator} ${beamSize} swipe ${i}`).toEqual(top(i, k));
          if (k > 0) first++;
          if (!row.certified) return;
          certified++;
          expect(row.candidates.map((c) => c[1]), `${generator} ${beamSize} swipe ${i}`).toEqual(top(i, keep));
        });
        expect(beam.stats.certified).toBe(certified);
        expect(beam.stats.certifiedFirst).toBe(first);
        expect(first).toBeGreaterThanOrEqual(certified);
        // The trained model is sure of its word: a beam of 6 proves its first word on most swipes.
        if (beamSize === 6 && keep === 1) expect(certified, generator).toBeGreaterThanOrEqual(swipes.length / 2);
      }
    }
    const exact = await run({ generator: 'exact', normalizationFactor: NF, returnHypotheses: 3 }, {});
    expect(exact.rows.every((r) => r.certified === true)).toBe(true);
    expect(exact.stats.certified).toBe(swipes.length);
    const greedy = await run({ generator: 'greedy' }, {});
    expect(greedy.rows.every((r) => r.certified === undefined)).toBe(true);
    const free = await (await Decoder.create(model, { decoding: { generator: 'beam', beamSize: 2 }, workers: 1 })).decode(swipes.slice(0, 2));
    expect(free.rows.every((r) => r.certified === undefined)).toBe(true);
    // The prior reranks by word frequency: the list is no longer the model's, and the certificate is dropped.
    const prior = new WordPrior(new Map(words.map((w, i) => [w, i + 1])));
    const reranked = await run({ generator: 'beam', beamSize: 6, normalizationFactor: NF, priorWeight: 1 }, { prior });
    expect(reranked.rows.every((r) => r.certified === undefined && r.certifiedTop === undefined)).toBe(true);
    expect(reranked.stats.certified + reranked.stats.certifiedFirst).toBe(0);
  });

  it('over the full example vocabulary, certified first words are exact\'s (model and seed scoring)', async () => {
    const full = await Vocabulary.build(readVocabularyFile(EXAMPLE_VOCAB), (await Decoder.create(model)).tokenizer, EXAMPLE_VOCAB);
    const some = swipes.slice(0, 3);
    for (const vocabScoring of ['model', 'seed'] as const) {
      const opts = { vocabulary: full, vocabScoring, workers: 1, batchSize: 3 };
      const exact = await (await Decoder.create(model, { ...opts, decoding: { generator: 'exact', normalizationFactor: NF, returnHypotheses: 1 } })).decode(some);
      let proven = 0;
      for (const beamSize of [1, 6]) {
        const beam = await (await Decoder.create(model, { ...opts, decoding: { generator: 'beam', beamSize, normalizationFactor: NF, returnHypotheses: 1 } })).decode(some);
        beam.rows.forEach((row, i) => {
          if (!row.certified) return;
          proven++;
          expect(row.candidates.map((c) => c[1]), `${vocabScoring} beam ${beamSize} swipe ${i}`).toEqual(at(exact.rows, i).candidates.map((c) => c[1]));
        });
      }
      expect(proven, vocabScoring).toBeGreaterThan(0);
    }
  });
});
