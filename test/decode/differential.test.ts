/**
 * Differential harness, fast slice (the long run is scripts/differential.mjs): the built-in CPU decoder step,
 * the model's TorchScript `decode_step` and full-prefix recomputation decode the same synthetic swipes on both
 * real grids with long-running random-initialised models of every fixture architecture (output weight ×8,
 * raised `<eos>` bias: long hypotheses, long candidate lists). Every swipe must give the same candidates in
 * the same order with scores within 1e-5 relative (or 2⁻²¹ absolute: float32's steps for log-probabilities
 * near 0, see scripts/differential/compare.mjs), unless the engine's own decision margins (the debug
 * statistic `margins`) show a near tie of at most 1e-4; near ties are printed, never hidden.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decoder, type DecodedSwipe, type DecoderOptions } from '../../lib/decode/decoder.js';
import { Model } from '../../lib/model/model.js';
import { Vocabulary, readVocabularyFile } from '../../lib/vocabulary.js';
import type { Swipe } from '../../lib/data/dataset.js';
import { setNumThreads } from '../../lib/runtime.js';
import { fixture } from '../helpers/fixtures.js';
import { EXAMPLE_VOCAB, synthSwipesInMemory } from '../helpers/synth-swipes.js';
// @ts-expect-error plain ESM shared with scripts/differential.mjs
import { compareRuns, compareSteps, FRAGILE_MARGIN, STEP_TOLERANCE } from '../../scripts/differential/compare.mjs';
import { at } from '../../lib/util/checked.js';

interface StepComparison {
  swipes: number;
  rows: number;
  maxDiff: number;
  failures: { swipe: number; problem: string }[];
}

interface Comparison {
  swipes: number;
  identical: number;
  maxRelDiff: number;
  failures: { swipe: number; margin: number; problem: string }[];
  fragile: { swipe: number; margin: number; reason: string; problem: string }[];
}

const ARCHS = ['m1_bigger', 'v3_weighted_and_traj_transformer_bigger', 'v3_nearest_only_transformer_bigger'];
const BEAM = { generator: 'beam', normalizationFactor: 0.5, maxSteps: 35 } as const;

async function decode(model: Model, swipes: Swipe[], options: DecoderOptions): Promise<DecodedSwipe[]> {
  return (await (await Decoder.create(model, { margins: true, batchSize: 4, ...options })).decode(swipes)).rows;
}

/** No difference outside a near tie; near ties reported on stderr. */
function expectAgree(a: DecodedSwipe[], b: DecodedSwipe[], label: string): Comparison {
  const c = compareRuns(a, b) as Comparison;
  for (const f of c.fragile) process.stderr.write(`${label}: swipe ${f.swipe}: near tie (${f.reason}; margin ${f.margin.toExponential(2)}): ${f.problem}\n`);
  for (const f of c.failures) process.stderr.write(`${label}: swipe ${f.swipe}: DIFFERENCE with margin ${f.margin.toExponential(2)}: ${f.problem}\n`);
  expect(c.failures, label).toEqual([]);
  expect(c.identical + c.fragile.length, label).toBe(a.length);
  return c;
}

describe.each(ARCHS)('long-running %s', (arch) => {
  let model: Model;
  let swipes: Swipe[];
  let vocab: Vocabulary;
  beforeAll(async () => {
    setNumThreads(1);
    model = await Model.load(fixture(`long_${arch}.pt`), { device: 'cpu' });
    vocab = await Vocabulary.build(readVocabularyFile(EXAMPLE_VOCAB), (await Decoder.create(model)).tokenizer, EXAMPLE_VOCAB);
    swipes = [...synthSwipesInMemory('default', 3, 31), ...synthSwipesInMemory('extra', 3, 32, EXAMPLE_VOCAB, 3)];
  });
  afterAll(() => model.dispose());

  it('runs long: beam 6 without a vocabulary returns long lists of long candidates', async () => {
    const rows = await decode(model, swipes.slice(0, 2), { decoding: { ...BEAM, beamSize: 6 } });
    for (const r of rows) {
      expect(r.candidates.length).toBeGreaterThan(30);
      expect(Math.max(...r.candidates.map(([, w]) => [...w].length))).toBeGreaterThan(20);
    }
  });

  it('beam 6, no vocabulary: built-in step = TorchScript step = full-prefix recomputation', async () => {
    const decoding = { ...BEAM, beamSize: 6 };
    const native = await decode(model, swipes, { decoding });
    const script = await decode(model, swipes, { decoding, nativeStep: false });
    expectAgree(native, script, `${arch} beam 6 built-in vs TorchScript step`);
    const full = await decode(model, [at(swipes, 3)], { decoding, incremental: false });
    expectAgree([at(native, 3)], full, `${arch} beam 6 built-in vs full prefix`);
    for (const r of native) {
      expect(r.margins!.topK).toBeGreaterThan(0);
      expect(Number.isFinite(r.margins!.prune)).toBe(true);
      expect(Number.isFinite(r.margins!.select)).toBe(true);
    }
  });

  it('beam 20, no vocabulary: built-in step = TorchScript step', async () => {
    const decoding = { ...BEAM, beamSize: 20 };
    const few = [at(swipes, 4)];
    expectAgree(await decode(model, few, { decoding }), await decode(model, few, { decoding, nativeStep: false }), `${arch} beam 20`);
  });

  it('beam 6 with the vocabulary (forced steps deferred): built-in step = TorchScript step = full prefix', async () => {
    const decoding = { ...BEAM, beamSize: 6 };
    const native = await decode(model, swipes, { decoding, vocabulary: vocab });
    const script = await decode(model, swipes, { decoding, vocabulary: vocab, nativeStep: false, skipForced: false });
    const full = await decode(model, swipes, { decoding, vocabulary: vocab, incremental: false });
    expectAgree(native, script, `${arch} beam+vocab built-in vs TorchScript step`);
    expectAgree(native, full, `${arch} beam+vocab built-in vs full prefix`);
  });
});

/** Every row both runs scored agrees within STEP_TOLERANCE (and, with `sameRows`, both scored the same rows). */
function expectSameSteps(a: DecodedSwipe[], b: DecodedSwipe[], label: string, sameRows = true): StepComparison {
  const c = compareSteps(a, b, { sameRows }) as StepComparison;
  for (const f of c.failures) process.stderr.write(`${label}: swipe ${f.swipe}: STEP DIFFERENCE: ${f.problem}\n`);
  expect(c.failures, label).toEqual([]);
  expect(c.rows, label).toBeGreaterThan(a.length);
  return c;
}

/** Random-initialised exports as python/export_torchscript.py makes them (no long-running tweak), with their grids. */
const PLAIN: [string, string[]][] = [
  ['m1_bigger_two_grids.pt', ['default', 'extra']],
  ['v3_weighted_and_traj_transformer_bigger.pt', ['default']],
  ['v3_nearest_only_transformer_bigger.pt', ['default']],
];

describe.each(PLAIN)('step level, random-initialised %s', (file, grids) => {
  let model: Model;
  let swipes: Swipe[];
  let vocab: Vocabulary;
  beforeAll(async () => {
    setNumThreads(1);
    model = await Model.load(fixture(file), { device: 'cpu' });
    vocab = await Vocabulary.build(readVocabularyFile(EXAMPLE_VOCAB), (await Decoder.create(model)).tokenizer, EXAMPLE_VOCAB);
    swipes = grids.flatMap((g, k) => synthSwipesInMemory(g, 4, 41 + k, EXAMPLE_VOCAB, 4 * k));
  });
  afterAll(() => model.dispose());

  it('beam 6 and greedy: every row the built-in step scored equals the TorchScript step\'s and full-prefix decoding\'s', async () => {
    for (const decoding of [{ ...BEAM, beamSize: 6 }, { generator: 'greedy', maxSteps: 35 } as const]) {
      const native = await decode(model, swipes, { decoding, traceSteps: true });
      const script = await decode(model, swipes, { decoding, traceSteps: true, nativeStep: false });
      const label = `${file} ${decoding.generator}`;
      const c = expectSameSteps(native, script, `${label} built-in vs TorchScript step`);
      expect(c.maxDiff).toBeLessThan(STEP_TOLERANCE);
      expectAgree(native, script, `${label} built-in vs TorchScript step`);
      const full = await decode(model, swipes.slice(0, 2), { decoding, traceSteps: true, incremental: false });
      expectSameSteps(native.slice(0, 2), full, `${label} built-in vs full prefix`);
      expectAgree(native.slice(0, 2), full, `${label} built-in vs full prefix`);
    }
  });

  it('beam 6 with the vocabulary: the rows the built-in step scored (forced steps skipped) equal the TorchScript step\'s', async () => {
    const decoding = { ...BEAM, beamSize: 6 };
    const native = await decode(model, swipes, { decoding, vocabulary: vocab, vocabScoring: 'seed', traceSteps: true });
    const script = await decode(model, swipes, { decoding, vocabulary: vocab, vocabScoring: 'seed', traceSteps: true, nativeStep: false, skipForced: false });
    expectSameSteps(native, script, `${file} beam+vocab`, false);
    expectAgree(native, script, `${file} beam+vocab`);
  });
});

describe('vocabulary scoring by the model (vocabScoring: \'model\')', () => {
  it('scores every forced letter by the model on every engine path, and the paths agree row by row', async () => {
    setNumThreads(1);
    const model = await Model.load(fixture('m1_bigger_two_grids.pt'), { device: 'cpu' });
    try {
      const vocab = await Vocabulary.build(readVocabularyFile(EXAMPLE_VOCAB), (await Decoder.create(model)).tokenizer, EXAMPLE_VOCAB);
      const swipes = synthSwipesInMemory('extra', 4, 61);
      const decoding = { ...BEAM, beamSize: 6 };
      const opts = { decoding, vocabulary: vocab, vocabScoring: 'model' as const, batchSize: 4, margins: true, traceSteps: true };
      const native = await (await Decoder.create(model, opts)).decode(swipes);
      const script = await (await Decoder.create(model, { ...opts, nativeStep: false })).decode(swipes);
      const seed = await (await Decoder.create(model, { ...opts, vocabScoring: 'seed' })).decode(swipes);
      // No step is free under model scoring; the seed's masking answers forced steps without the model.
      expect(native.stats.forcedSteps).toBe(0);
      expect(seed.stats.forcedSteps).toBeGreaterThan(0);
      // The built-in step also scores forced chains ahead (rows the search may never ask for): every row the
      // TorchScript step scored, letter by letter, is among them.
      expect(native.stats.chainRows).toBeGreaterThan(0);
      expect(script.stats.chainRows).toBe(0);
      expectSameSteps(script.rows, native.rows, 'model scoring TorchScript step vs built-in', false);
      expectAgree(native.rows, script.rows, 'model scoring built-in vs TorchScript step');
      // Each allowed token keeps its full-softmax log-probability: a row's allowed entries sum to at most 1.
      for (const r of native.rows) {
        for (const st of r.steps!) {
          const mass = st.logProbs.reduce((a, v) => a + Math.exp(v), 0);
          expect(mass).toBeLessThanOrEqual(1 + 1e-5);
        }
      }
      const masses = seed.rows.flatMap((r) => r.steps!.map((st) => st.logProbs.reduce((a, v) => a + Math.exp(v), 0)));
      for (const m of masses) expect(m).toBeCloseTo(1, 5);
      await expect(Decoder.create(model, { vocabScoring: 'plain' as never })).rejects.toThrow(/vocabScoring/);
    } finally {
      model.dispose();
    }
  });
});

describe('the step-level comparison', () => {
  const row = (prefix: number[], logProbs: number[]) => ({ prefix: Int32Array.from(prefix), logProbs: Float32Array.from(logProbs) });
  const swipe = (steps: ReturnType<typeof row>[]) => [{ steps }];
  const a = swipe([row([36], [-0.5, -1, -Infinity]), row([36, 0], [-0.1, -3, -2.5])]);

  it('passes equal rows and rows within the tolerance', () => {
    expect((compareSteps(a, a) as StepComparison).failures).toEqual([]);
    const near = swipe([row([36], [-0.5 + 1e-5, -1, -Infinity]), row([36, 0], [-0.1, -3, -2.5])]);
    expect((compareSteps(a, near) as StepComparison).failures).toEqual([]);
  });

  it('fails a log-probability outside the tolerance, a different mask, and a row scored by one run only', () => {
    const off = swipe([row([36], [-0.5, -1, -Infinity]), row([36, 0], [-0.1, -3 + 1e-4, -2.5])]);
    expect((compareSteps(a, off) as StepComparison).failures[0]!.problem).toMatch(/token 1: log-probability/);
    const masked = swipe([row([36], [-0.5, -1, -7]), row([36, 0], [-0.1, -3, -2.5])]);
    expect((compareSteps(a, masked) as StepComparison).failures[0]!.problem).toMatch(/token 2/);
    const fewer = swipe([row([36], [-0.5, -1, -Infinity])]);
    expect((compareSteps(fewer, a) as StepComparison).failures[0]!.problem).toMatch(/1 prefixes scored against 2/);
    expect((compareSteps(fewer, a, { sameRows: false }) as StepComparison).failures).toEqual([]);
    expect((compareSteps(a, fewer, { sameRows: false }) as StepComparison).failures[0]!.problem).toMatch(/scored by one run only/);
  });
});

describe('the margins statistic', () => {
  let model: Model;
  beforeAll(async () => {
    setNumThreads(1);
    model = await Model.load(fixture('long_m1_bigger.pt'), { device: 'cpu' });
  });
  afterAll(() => model.dispose());

  it('is absent unless asked for, and then per swipe with its minimum in the stats', async () => {
    const swipes = synthSwipesInMemory('default', 3, 5);
    const plain = await (await Decoder.create(model, { decoding: { ...BEAM, beamSize: 3, maxSteps: 8 } })).decode(swipes);
    expect(at(plain.rows, 0).margins).toBeUndefined();
    expect(plain.stats.margins).toBeUndefined();
    const withMargins = await (await Decoder.create(model, { decoding: { ...BEAM, beamSize: 3, maxSteps: 8 }, margins: true })).decode(swipes);
    const each = withMargins.rows.map((r) => r.margins!);
    expect(withMargins.stats.margins!.topK).toBe(Math.min(...each.map((m) => m.topK)));
    expect(withMargins.stats.margins!.prune).toBe(Math.min(...each.map((m) => m.prune)));
    // The statistic does not change the search.
    expect(withMargins.rows.map((r) => r.candidates)).toEqual(plain.rows.map((r) => r.candidates));
    // Greedy: only the top-1 gap; no pruning or selection.
    const greedy = await (await Decoder.create(model, { decoding: { generator: 'greedy', maxSteps: 35 }, margins: true })).decode(swipes);
    for (const r of greedy.rows) {
      expect(r.margins!.topK).toBeGreaterThan(0);
      expect(r.margins!.prune).toBe(Infinity);
      expect(r.margins!.select).toBe(Infinity);
    }
    await expect(Decoder.create(model, { margins: 'yes' as never })).rejects.toThrow(/margins/);
  });

  it(`a swipe compared with a perturbed copy of itself is a near tie only below ${FRAGILE_MARGIN}`, () => {
    const row = (score: number, margin: number): DecodedSwipe => ({ index: 0, gridName: 'default', candidates: [[score, 'а'], [score + 1, 'б']], margins: { topK: margin, prune: margin, select: margin } });
    const other: DecodedSwipe = { index: 0, gridName: 'default', candidates: [[1, 'б'], [2, 'а']], margins: { topK: 1, prune: 1, select: 1 } };
    expect((compareRuns([row(1, 1)], [row(1, 1)]) as Comparison).identical).toBe(1);
    expect((compareRuns([row(1, 1)], [other]) as Comparison).failures).toHaveLength(1);
    expect((compareRuns([row(1, 5e-5)], [other]) as Comparison).fragile).toHaveLength(1);
    expect((compareRuns([row(1 + 1e-4, 1)], [row(1, 1)]) as Comparison).failures).toHaveLength(1);
  });

  it('scores near 0 agree within float32 steps of a log-probability near 0, larger scores within 1e-5 relative', () => {
    const margins = { topK: 1, prune: 1, select: 1 };
    const swipe = (score: number): DecodedSwipe => ({ index: 0, gridName: 'default', candidates: [[score, ''], [3.4, 'аб']], margins });
    // The empty word of a model that ends at once, as the built-in and the TorchScript steps scored it
    // (long-running m1_bigger, seed 31002): one float32 step of log Σ eˣ near 1 apart, 2.1e-5 relative.
    expect((compareRuns([swipe(0.004044036542)], [swipe(0.004043868613)]) as Comparison).identical).toBe(1);
    expect((compareRuns([swipe(0.00404)], [swipe(0.00410)]) as Comparison).failures).toHaveLength(1);
    expect((compareRuns([swipe(0.004044036542 + 5e-7)], [swipe(0.004044036542)]) as Comparison).failures).toHaveLength(1);
  });

  it('lists that repeat a word (hypotheses cut at the step limit) and differ only in the order of near-equal scores are a near tie', () => {
    // Long searches return up to beamSize candidates with the same text (the step limit drops the last token);
    // two runs whose rounding differs by 1e-7 may then sort two near-equal candidates the other way round.
    const margins = { topK: 1, prune: 1, select: 1 };
    const swipe = (candidates: [number, string][]): DecodedSwipe => ({ index: 0, gridName: 'default', candidates, margins });
    const a = swipe([[1, 'аб'], [2, 'вв'], [2 + 1e-7, 'гг'], [3, 'вв'], [3.5, 'вв']]);
    const b = swipe([[1, 'аб'], [2 + 1e-7, 'гг'], [2 + 2e-7, 'вв'], [3, 'вв'], [3.5, 'вв']]);
    const near = compareRuns([a], [b]) as Comparison;
    expect(near.failures).toEqual([]);
    expect(near.fragile.map((f) => f.reason)).toEqual(['final order of near-equal scores']);
    // A repeated word with another score, or one repetition too many, is still a difference.
    const otherScore = swipe([[1, 'аб'], [2 + 1e-7, 'гг'], [2 + 2e-7, 'вв'], [3.1, 'вв'], [3.5, 'вв']]);
    expect((compareRuns([a], [otherScore]) as Comparison).failures).toHaveLength(1);
    const otherWord = swipe([[1, 'аб'], [2 + 1e-7, 'гг'], [2 + 2e-7, 'вв'], [3, 'гг'], [3.5, 'вв']]);
    expect((compareRuns([a], [otherWord]) as Comparison).failures).toHaveLength(1);
  });
});
