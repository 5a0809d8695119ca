/** Swipes handed to the library are checked at the boundary with the reader's field messages. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decoder } from '../../lib/decode/decoder.js';
import { InvalidSwipeError, checkSwipes } from '../../lib/data/swipe-input.js';
import { FeatureExtractor } from '../../lib/features/extractor.js';
import { loadGrids } from '../../lib/keyboard/grid.js';
import { Model } from '../../lib/model/model.js';
import type { Swipe } from '../../lib/data/dataset.js';
import { EXAMPLE_MODEL, exampleSwipes } from '../helpers/examples.js';
import { at } from '../../lib/util/checked.js';

let model: Model;
let decoder: Decoder;
let real: Swipe[];

beforeAll(async () => {
  model = await Model.load(EXAMPLE_MODEL);
  decoder = await Decoder.create(model, { decoding: { generator: 'beam', beamSize: 4 }, batchSize: 4 });
  real = await exampleSwipes(3);
});
afterAll(() => model?.dispose());

const plain = (s: Swipe): Record<string, unknown> => ({ x: Array.from(s.x), y: Array.from(s.y), t: Array.from(s.t), gridName: s.gridName });

describe('Decoder.decode input', () => {
  it('rejects NaN, non-integers, out-of-range values and holes with the position and field', async () => {
    const base = plain(at(real, 0));
    const n = (base.x as number[]).length;
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ...base, x: new Array(n).fill(NaN) }, /^swipes\[1\]: x\[0\]: non-finite number NaN$/],
      [{ ...base, y: [...(base.y as number[]).slice(0, -1), Infinity] }, new RegExp(`^swipes\\[1\\]: y\\[${n - 1}\\]: non-finite number Infinity$`)],
      [{ ...base, t: (base.t as number[]).map((v, i) => (i === 2 ? v + 0.5 : v)) }, /^swipes\[1\]: t\[2\]: expected an integer, got \d+\.5$/],
      [{ ...base, x: (base.x as number[]).map((v, i) => (i === 1 ? 40000 : v)) }, /^swipes\[1\]: x\[1\]: 40000 is outside the int16 range/],
      [{ ...base, x: (base.x as number[]).map((v, i) => (i === 1 ? '5' : v)) }, /^swipes\[1\]: x\[1\]: expected an integer, got "5"$/],
      [{ ...base, x: Float32Array.from(base.x as number[], (v, i) => (i === 3 ? NaN : v)) }, /^swipes\[1\]: x\[3\]: non-finite number NaN$/],
      [{ ...base, t: (base.t as number[]).slice(1) }, /^swipes\[1\]: t: has \d+ points but x has \d+$/],
      [{ ...base, x: [], y: [], t: [] }, /^swipes\[1\]: x: empty curve/],
      [{ ...base, y: undefined }, /^swipes\[1\]: y: missing$/],
      [{ ...base, gridName: 'dvorak' }, /^swipes\[1\]: gridName: unknown grid "dvorak"$/],
      [{ ...base, gridName: 3 }, /^swipes\[1\]: gridName: expected a grid name, got number 3$/],
      [{ ...base, index: -1 }, /^swipes\[1\]: index: expected an integer ≥ 0/],
    ];
    for (const [bad, message] of cases) {
      const err = await decoder.decode([at(real, 1), bad as unknown as Swipe]).then(() => null, (e: unknown) => e);
      expect(err, String(message)).toBeInstanceOf(InvalidSwipeError);
      expect(err).toBeInstanceOf(TypeError);
      expect((err as Error).message).toMatch(message);
    }
  });

  it('rejects null, non-objects and a non-array with a clear TypeError', async () => {
    await expect(decoder.decode([null as unknown as Swipe])).rejects.toThrow(/^swipes\[0\]: \(swipe\): expected a swipe object \{ x, y, t, gridName \}, got null$/);
    await expect(decoder.decode([at(real, 0), 7 as unknown as Swipe])).rejects.toThrow(/^swipes\[1\]: \(swipe\): expected a swipe object .* got number 7$/);
    await expect(decoder.decode('abc' as unknown as Swipe[])).rejects.toThrow(/^swipes: expected an array of swipes, got string "abc"$/);
    await expect(decoder.decode(undefined as unknown as Swipe[])).rejects.toThrow(/^swipes: expected an array of swipes/);
  });

  it('decodes valid plain-array swipes exactly like the reader’s typed swipes', async () => {
    const typed = await decoder.decode(real);
    const fromPlain = await decoder.decode(real.map((s) => plain(s) as unknown as Swipe));
    expect(fromPlain.rows.map((r) => r.candidates)).toEqual(typed.rows.map((r) => r.candidates));
    for (const r of typed.rows) for (const [score, word] of r.candidates) {
      expect(Number.isFinite(score)).toBe(true);
      expect(word.length).toBeGreaterThan(0);
    }
    expect(checkSwipes(real)[0]).toBe(real[0]);
  });
});

describe('FeatureExtractor.extract input', () => {
  it('names the swipe and field', () => {
    const fx = new FeatureExtractor(loadGrids(), { name: 'traj_feats_and_nearest_key', includeTime: false, includeVelocities: true, includeAccelerations: true });
    const s: Record<string, unknown> = { ...plain(at(real, 0)), index: 12 };
    expect(() => fx.extract({ ...s, x: (s.x as number[]).map(() => NaN) } as unknown as Swipe)).toThrow(/^swipe 12: x\[0\]: non-finite number NaN$/);
    expect(() => fx.extract({ ...s, gridName: 'nope' } as unknown as Swipe)).toThrow(/^swipe 12: gridName: unknown grid "nope"$/);
    expect(fx.extract(s as unknown as Swipe).length).toBe((s.x as number[]).length);
  });
});
