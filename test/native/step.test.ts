/**
 * The built-in CPU decoder step (native/model/cpu_decoder_step.cc) against the model's own TorchScript
 * `decode_step` and against full-prefix recomputation: same words in the same order, scores within 1e-5
 * relative; when it is used and when not; and a model whose step weights are malformed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decoder, type DecodedSwipe, type DecoderOptions } from '../../lib/decode/decoder.js';
import { Model } from '../../lib/model/model.js';
import type { Vocabulary } from '../../lib/vocabulary.js';
import { readSwipes, type Swipe } from '../../lib/data/dataset.js';
import { loadGrids } from '../../lib/keyboard/grid.js';
import { setNumThreads } from '../../lib/runtime.js';
import { fixture } from '../helpers/fixtures.js';
import { EXAMPLE_MODEL, EXAMPLE_VALID, exampleModelAndVocabulary } from '../helpers/examples.js';
import { at } from '../../lib/util/checked.js';
import { synthSwipesInMemory } from '../helpers/synth-swipes.js';
// @ts-expect-error plain ESM shared with scripts/differential.mjs
import { compareSteps, STEP_TOLERANCE } from '../../scripts/differential/compare.mjs';

const BEAM = { generator: 'beam', beamSize: 6, normalizationFactor: 0.5, maxSteps: 35 } as const;

async function firstSwipes(path: string, n: number): Promise<Swipe[]> {
  const out: Swipe[] = [];
  for await (const s of readSwipes(path, { grids: loadGrids() })) {
    out.push(s);
    if (out.length === n) break;
  }
  return out;
}

/** Same words in the same order, scores within `tol` relative. */
function expectSame(got: DecodedSwipe[], want: DecodedSwipe[], tol: number, label: string): void {
  expect(got.length).toBe(want.length);
  got.forEach((row, i) => {
    expect(row.candidates.map((c) => c[1]), `${label} swipe ${i} words`).toEqual(at(want, i).candidates.map((c) => c[1]));
    row.candidates.forEach(([s], j) => {
      const ref = at(at(want, i).candidates, j)[0];
      expect(Math.abs(s - ref), `${label} swipe ${i} candidate ${j}`).toBeLessThanOrEqual(tol * Math.max(Math.abs(ref), 1e-12));
    });
  });
}

async function decode(model: Model, swipes: Swipe[], options: DecoderOptions) {
  return (await Decoder.create(model, options)).decode(swipes);
}

describe('built-in decoder step on the trained example model (m1_bigger) and real swipes', () => {
  let model: Model;
  let vocab: Vocabulary;
  let swipes: Swipe[];
  beforeAll(async () => {
    ({ model, vocab } = await exampleModelAndVocabulary());
    swipes = await firstSwipes(EXAMPLE_VALID, 40);
  });
  afterAll(() => model.dispose());

  const cases: [string, DecoderOptions['decoding'], boolean][] = [
    ['beam', BEAM, false],
    ['beam+vocab', BEAM, true],
    ['beam-sync+vocab', { ...BEAM, generator: 'beam-sync' }, true],
    ['greedy+vocab', { generator: 'greedy', maxSteps: 35 }, true],
  ];
  for (const [name, decoding, useVocab] of cases) {
    it(`${name}: same candidates as the TorchScript decode_step`, async () => {
      const vocabulary = useVocab ? vocab : null;
      const native = await decode(model, swipes, { decoding, vocabulary, batchSize: 7, workers: 2 });
      const script = await decode(model, swipes, { decoding, vocabulary, batchSize: 7, nativeStep: false });
      expect(native.stats.nativeStep).toBe(true);
      expect(script.stats.nativeStep).toBe(false);
      expect(script.stats.incremental).toBe(true);
      expectSame(native.rows, script.rows, 1e-5, name);
      // The words are real decodes, not empty lists.
      expect(native.rows.filter((r) => r.candidates.length > 0).length).toBe(swipes.length);
    });
  }

  it('beam+vocab: same candidates as full-prefix recomputation (the seed loop)', async () => {
    const some = swipes.slice(0, 12);
    const native = await decode(model, some, { decoding: BEAM, vocabulary: vocab, vocabScoring: 'seed' });
    const reference = await decode(model, some, { decoding: BEAM, vocabulary: vocab, reference: true });
    expect(reference.stats.nativeStep).toBe(false);
    expect(reference.stats.incremental).toBe(false);
    expectSame(native.rows, reference.rows, 1e-5, 'native vs reference');
  });

  it('answers forced steps (one token allowed by the vocabulary) without the model, same candidates', async () => {
    const skipping = await decode(model, swipes, { decoding: BEAM, vocabulary: vocab, vocabScoring: 'seed', workers: 2 });
    const computing = await decode(model, swipes, { decoding: BEAM, vocabulary: vocab, vocabScoring: 'seed', skipForced: false });
    expect(skipping.stats.forcedSteps).toBeGreaterThan(0);
    expect(computing.stats.forcedSteps).toBe(0);
    // Every forced expansion is one model row fewer; deferred keys/values are computed only when needed.
    expect(skipping.stats.decodeRows + skipping.stats.forcedSteps).toBe(computing.stats.decodeRows);
    expect(skipping.stats.work.queryPositions).toBeLessThan(computing.stats.work.queryPositions);
    expectSame(skipping.rows, computing.rows, 1e-5, 'skip vs compute forced steps');
    // The TorchScript step (the CUDA path) defers the same way, computing pending tokens in extra passes.
    const script = await decode(model, swipes, { decoding: BEAM, vocabulary: vocab, vocabScoring: 'seed', nativeStep: false, batchSize: 5 });
    expect(script.stats.nativeStep).toBe(false);
    expect(script.stats.forcedSteps).toBe(skipping.stats.forcedSteps);
    expectSame(script.rows, computing.rows, 1e-5, 'TorchScript step with skips vs computed');
    // Without a vocabulary nothing is forced; reference mode always runs the model.
    expect((await decode(model, swipes.slice(0, 5), { decoding: BEAM })).stats.forcedSteps).toBe(0);
    expect((await decode(model, swipes.slice(0, 5), { decoding: BEAM, vocabulary: vocab, reference: true })).stats.forcedSteps).toBe(0);
  });

  it('full-prefix decoding skips forced steps too, with the same candidates', async () => {
    const some = swipes.slice(0, 8);
    const full = await decode(model, some, { decoding: BEAM, vocabulary: vocab, vocabScoring: 'seed', incremental: false });
    const reference = await decode(model, some, { decoding: BEAM, vocabulary: vocab, reference: true });
    expect(full.stats.incremental).toBe(false);
    expect(full.stats.forcedSteps).toBeGreaterThan(0);
    expectSame(full.rows, reference.rows, 1e-5, 'full prefix with skips vs reference');
  });

  it('computes no padding: every row attends over exactly its own prefix and swipe', async () => {
    const native = await decode(model, swipes, { decoding: BEAM, vocabulary: vocab, batchSize: 16, skipForced: false });
    const script = await decode(model, swipes, { decoding: BEAM, vocabulary: vocab, batchSize: 16, nativeStep: false, skipForced: false });
    // Same hypotheses are expanded, but the TorchScript step attends over the longest swipe of the batch.
    expect(native.stats.decodeRows).toBe(script.stats.decodeRows);
    expect(native.stats.work.crossPairs).toBeLessThan(script.stats.work.crossPairs);
    const points = (r: DecodedSwipe) => swipes.find((s) => s.index === r.index)!.x.length;
    expect(native.stats.work.crossPairs).toBeGreaterThanOrEqual(Math.min(...native.rows.map(points)) * native.stats.decodeRows);
  });
});

describe('when the built-in step is used', () => {
  let swipes: Swipe[];
  beforeAll(async () => {
    setNumThreads(1);
    swipes = await firstSwipes(EXAMPLE_VALID, 6);
  });

  it('a model exported without step_weights decodes through its decode_step, with the same results', async () => {
    const withWeights = await Model.load(fixture('m1_bigger.pt'), { device: 'cpu' });
    const without = await Model.load(fixture('no_step_weights.pt'), { device: 'cpu' });
    try {
      const a = await decode(withWeights, swipes, { decoding: BEAM });
      const b = await decode(without, swipes, { decoding: BEAM });
      expect(a.stats.nativeStep).toBe(true);
      expect(b.stats.nativeStep).toBe(false);
      expect(b.stats.incremental).toBe(true);
      expectSame(a.rows, b.rows, 1e-5, 'with vs without step_weights');
    } finally {
      withWeights.dispose();
      without.dispose();
    }
  });

  it('bfloat16 models run the TorchScript step (the built-in one is float32)', async () => {
    const model = await Model.load(fixture('m1_bigger.pt'), { device: 'cpu', precision: 'bfloat16' });
    try {
      const r = await decode(model, swipes, { decoding: BEAM });
      expect(r.stats.incremental).toBe(true);
      expect(r.stats.nativeStep).toBe(false);
    } finally {
      model.dispose();
    }
  });

  it('malformed step weights are refused at load, naming the entry and both shapes', async () => {
    await expect(Model.load(fixture('bad_step_weights.pt'), { device: 'cpu' })).rejects.toThrow(
      /bad_step_weights\.pt: step_weights\(\) 'out\.weight' has shape \[128, 35\], expected \[35, 128\]/,
    );
  });
});

describe('grouped cross-attention (the rows of one swipe attend to its memory together)', () => {
  // Batches of several swipes of different lengths on both grids, several rows per swipe in every round
  // (beam-sync expands all its hypotheses per round: 6, and 20, more than one register block of the grouped
  // kernels holds): every row the built-in step scored equals the TorchScript decode_step's row for the same
  // prefix. (The seed's best-first beam expands one hypothesis per swipe and round.)
  for (const [file, grids] of [['m1_bigger_two_grids.pt', ['default', 'extra']], ['example', ['default']]] as const) {
    it(`${file}: every row of grouped batches equals the TorchScript step's`, async () => {
      setNumThreads(1);
      const model = await Model.load(file === 'example' ? EXAMPLE_MODEL : fixture(file), { device: 'cpu' });
      try {
        const swipes = grids.flatMap((g, k) => synthSwipesInMemory(g, 12 / grids.length, 71 + k, undefined, 12 * k));
        expect(new Set(swipes.map((s) => s.x.length)).size).toBeGreaterThan(swipes.length / 2);
        for (const beamSize of [6, 20]) {
          const decoding = { ...BEAM, generator: 'beam-sync', beamSize } as const;
          const opts = { decoding, batchSize: 16, traceSteps: true };
          const native = await decode(model, swipes, opts);
          const script = await decode(model, swipes, { ...opts, nativeStep: false });
          expect(native.stats.nativeStep).toBe(true);
          // More than two rows per swipe per round on average: the groups are real.
          expect(native.stats.decodeRows).toBeGreaterThan(2 * native.stats.decodeCalls * swipes.length);
          const c = compareSteps(native.rows, script.rows, { sameRows: true }) as { rows: number; maxDiff: number; failures: { swipe: number; problem: string }[] };
          expect(c.failures, `${file} beam-sync ${beamSize}`).toEqual([]);
          expect(c.rows).toBe(native.stats.decodeRows);
          expect(c.maxDiff).toBeLessThan(STEP_TOLERANCE);
          expectSame(native.rows, script.rows, 1e-5, `${file} beam-sync ${beamSize}`);
        }
      } finally {
        model.dispose();
      }
    });
  }
});
