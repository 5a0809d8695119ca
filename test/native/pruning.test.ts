/**
 * The beams' pruning thresholds (`tokenLogProbFloor`, `scoreCeiling`) on the trained example model and real
 * swipes: off by default (absent from the resolved options, results unchanged); when set, no returned word
 * contains a token at or below the floor (checked against the model's own log-probabilities from a whole-prefix
 * decode) and no score is above the ceiling, with less model work.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decoder, transformSpecOf } from '../../lib/decode/decoder.js';
import { resolveDecodingOptions } from '../../lib/decode/decoding.js';
import { FeatureExtractor } from '../../lib/features/extractor.js';
import { loadGrids } from '../../lib/keyboard/grid.js';
import type { Model } from '../../lib/model/model.js';
import type { Vocabulary } from '../../lib/vocabulary.js';
import type { Swipe } from '../../lib/data/dataset.js';
import { at } from '../../lib/util/checked.js';
import { exampleSwipes, exampleModelAndVocabulary } from '../helpers/examples.js';
import { tokenLogProbs } from '../helpers/brute-force.js';

describe('pruning thresholds in beam and beam-sync', () => {
  let model: Model;
  let vocab: Vocabulary;
  let swipes: Swipe[];
  beforeAll(async () => {
    ({ model, vocab } = await exampleModelAndVocabulary());
    swipes = await exampleSwipes(10);
  });
  afterAll(() => model.dispose());

  it('are off by default and absent from the resolved options', () => {
    const d = resolveDecodingOptions({ generator: 'beam' });
    expect(d).toEqual({ generator: 'beam', beamSize: 6, normalizationFactor: 0.5, maxSteps: 35, returnHypotheses: null });
    expect(resolveDecodingOptions({ generator: 'beam-sync', tokenLogProbFloor: null, scoreCeiling: null })).not.toHaveProperty('tokenLogProbFloor');
    expect(resolveDecodingOptions({ generator: 'beam', tokenLogProbFloor: -3, scoreCeiling: 2 })).toMatchObject({ tokenLogProbFloor: -3, scoreCeiling: 2 });
  });

  it.each([
    [{ generator: 'beam', tokenLogProbFloor: 0.5 }, /decoding\.tokenLogProbFloor: expected a finite number ≤ 0/],
    [{ generator: 'beam', tokenLogProbFloor: -Infinity }, /decoding\.tokenLogProbFloor/],
    [{ generator: 'beam-sync', scoreCeiling: -1 }, /decoding\.scoreCeiling: expected a finite number ≥ 0/],
    [{ generator: 'beam', scoreCeiling: '2' }, /decoding\.scoreCeiling/],
    [{ generator: 'greedy', scoreCeiling: 2 }, /decoding\.scoreCeiling: not an option of generator greedy/],
    [{ generator: 'exact', tokenLogProbFloor: -2 }, /decoding\.tokenLogProbFloor: not an option of generator exact/],
  ])('rejects %j', (input, message) => {
    expect(() => resolveDecodingOptions(input as { generator: string })).toThrow(message);
  });

  for (const generator of ['beam', 'beam-sync'] as const) {
    it(`${generator} without a vocabulary: no returned word has a token at or below the floor`, async () => {
      const floor = -2;
      const base = await (await Decoder.create(model, { decoding: { generator } })).decode(swipes);
      const pruned = await (await Decoder.create(model, { decoding: { generator, tokenLogProbFloor: floor } })).decode(swipes);
      // A floor far below every log-probability changes nothing.
      const loose = await (await Decoder.create(model, { decoding: { generator, tokenLogProbFloor: -1e9 } })).decode(swipes);
      expect(loose.rows).toEqual(base.rows);
      expect(pruned.stats.decodeRows).toBeLessThan(base.stats.decodeRows);
      const dec = await Decoder.create(model);
      const fx = new FeatureExtractor(loadGrids(), transformSpecOf(model));
      let checked = 0;
      for (const [i, row] of pruned.rows.entries()) {
        const words = row.candidates.map((c) => c[1]).filter((w) => w.length > 0 && !w.includes('<') && w.length < 34);
        if (words.length === 0) continue;
        const lps = await tokenLogProbs(model, fx, dec.tokenizer, at(swipes, i), words, false);
        for (const [w, l] of lps) {
          // Float32 log-softmax in the engine, float64 here: a margin far below the floor's scale.
          for (const v of l) expect(v, `swipe ${i} ${w}`).toBeGreaterThan(floor - 1e-4);
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(swipes.length);
    });

    it(`${generator} + vocabulary: no score above the ceiling, and the best words below it are kept`, async () => {
      const base = await (await Decoder.create(model, { decoding: { generator }, vocabulary: vocab })).decode(swipes);
      const scores = base.rows.flatMap((r) => r.candidates.map((c) => c[0])).sort((a, b) => a - b);
      const ceiling = at(scores, Math.floor(scores.length / 2));
      const pruned = await (await Decoder.create(model, { decoding: { generator, scoreCeiling: ceiling }, vocabulary: vocab })).decode(swipes);
      expect(pruned.stats.decodeRows).toBeLessThanOrEqual(base.stats.decodeRows);
      let kept = 0;
      pruned.rows.forEach((row, i) => {
        for (const [s] of row.candidates) expect(s).toBeLessThanOrEqual(ceiling);
        kept += row.candidates.length;
        expect(row.index).toBe(at(base.rows, i).index);
      });
      expect(kept).toBeGreaterThan(0);
      expect(kept).toBeLessThan(scores.length);
      // A ceiling above every score changes nothing.
      const loose = await (await Decoder.create(model, { decoding: { generator, scoreCeiling: 1e9 }, vocabulary: vocab })).decode(swipes);
      expect(loose.rows).toEqual(base.rows);
    });
  }
});
