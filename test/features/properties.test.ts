import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { loadGrids } from '../../lib/keyboard/grid.js';
import { FeatureExtractor } from '../../lib/features/extractor.js';
import { TRANSFORM_NAMES, WEIGHTS_FUNCTION_NAMES, type TransformName } from '../../lib/features/types.js';
import type { Swipe } from '../../lib/data/dataset.js';
import { NearestKeyLookup } from '../../lib/keyboard/nearest-key.js';
import { gridAlphabet } from '../../lib/keyboard/grid.js';
import { KeyboardTokenizer } from '../../lib/tokenizer.js';
import { at, own } from '../../lib/util/checked.js';

const grids = loadGrids();

/** Random curves on a grid: points mostly on the keyboard, some outside, increasing times. */
const curveArb = (gridName: string) =>
  fc
    .array(fc.tuple(fc.integer({ min: -60, max: 1140 }), fc.integer({ min: -60, max: 727 }), fc.integer({ min: 1, max: 40 })), { minLength: 1, maxLength: 60 })
    .map((pts): Swipe => {
      let t = 0;
      return {
        index: 0,
        gridName,
        x: Int16Array.from(pts, (p) => p[0]),
        y: Int16Array.from(pts, (p) => p[1]),
        t: Int16Array.from(pts, (p, i) => (i === 0 ? 0 : (t += p[2]))),
      };
    });

const flagsArb = fc.tuple(fc.boolean(), fc.boolean(), fc.boolean()).map(([time, vel, acc]) => ({ includeTime: time, includeVelocities: vel || acc, includeAccelerations: acc }));

const extractors = new Map<string, FeatureExtractor>();

describe.each(['default', 'extra', 'qwerty'])('features on random curves, %s grid', (gridName) => {
  it('shapes: traj [S][F], keys [S] or [S][K], for every transform and flag set', () => {
    fc.assert(
      fc.property(curveArb(gridName), flagsArb, fc.constantFrom(...TRANSFORM_NAMES), (sw, flags, name: TransformName) => {
        const key = JSON.stringify([name, flags]);
        if (!extractors.has(key)) extractors.set(key, new FeatureExtractor(grids, { name, ...flags }));
        const f = extractors.get(key)!.extract(sw);
        const s = sw.x.length;
        const F = name === 'nearest_key_only' ? 0 : 2 + (flags.includeTime ? 1 : 0) + (flags.includeVelocities ? 2 : 0) + (flags.includeAccelerations ? 2 : 0);
        expect(f.length).toBe(s);
        expect(f.nTrajFeats).toBe(F);
        expect(f.traj).toBeInstanceOf(Float32Array);
        expect(f.traj.length).toBe(s * F);
        expect(f.traj.every(Number.isFinite)).toBe(true);
        if (f.keyKind === 'nearest') {
          expect(f.keys).toBeInstanceOf(Int32Array);
          expect(f.keys.length).toBe(s);
        } else {
          expect(f.keys).toBeInstanceOf(Float32Array);
          expect(f.keys.length).toBe(s * f.nKeyColumns);
        }
      }),
      { numRuns: 200 },
    );
  });

  it.each(WEIGHTS_FUNCTION_NAMES)('%s: weights in [0, 1], missing columns 0, rows summing to 1 for the normalised variants', (fn) => {
    const fx = new FeatureExtractor(grids, { name: 'traj_feats_and_distance_weights', includeTime: false, includeVelocities: false, includeAccelerations: false, weightsFunction: { name: fn } });
    const missing = fx.context(gridName).missing;
    fc.assert(
      fc.property(curveArb(gridName), (sw) => {
        const w = fx.extract(sw).keys as Float32Array;
        const bad: string[] = [];
        for (let i = 0; i < sw.x.length; i++) {
          let sum = 0;
          for (let k = 0; k < 37; k++) {
            const v = at(w, i * 37 + k);
            if (!(v >= 0 && v <= 1) || (missing[k] && v !== 0)) bad.push(`point ${i} column ${k}: ${v}`);
            sum += v;
          }
          if (fn !== 'weights_function_v1' && !(Math.abs(sum - 1) < 1e-5)) bad.push(`point ${i}: row sum ${sum}`);
        }
        expect(bad).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });

  it('weights decrease with distance: the nearest key centre gets the largest v1 weight', () => {
    const fx = new FeatureExtractor(grids, { name: 'traj_feats_and_distance_weights', includeTime: false, includeVelocities: false, includeAccelerations: false });
    const dx = new FeatureExtractor(grids, { name: 'traj_feats_and_distances__actual', includeTime: false, includeVelocities: false, includeAccelerations: false });
    fc.assert(
      fc.property(curveArb(gridName), (sw) => {
        const w = fx.extract(sw).keys;
        const d = dx.extract(sw).keys;
        for (let i = 0; i < sw.x.length; i++) {
          let bestD = Infinity;
          let bestW = -1;
          let wOfBestD = -1;
          for (let k = 0; k < 37; k++) {
            const dk = at(d, i * 37 + k);
            if (dk >= 0 && dk < bestD) {
              bestD = dk;
              wOfBestD = at(w, i * 37 + k);
            }
            bestW = Math.max(bestW, at(w, i * 37 + k));
          }
          if (wOfBestD !== bestW) return false;
        }
        return true;
      }),
      { numRuns: 100 },
    );
  });

  it('nearest-key tokens are the keyboard tokens of the lookup labels', () => {
    const kb = new KeyboardTokenizer(gridAlphabet(own(grids, gridName)));
    const lookup = new NearestKeyLookup(own(grids, gridName));
    const fx = new FeatureExtractor(grids, { name: 'nearest_key_only', includeTime: false, includeVelocities: false, includeAccelerations: false });
    fc.assert(
      fc.property(curveArb(gridName), (sw) => {
        const keys = fx.extract(sw).keys;
        const expected = Array.from(sw.x, (x, i) => kb.getToken(lookup.nearestLabel(x, at(sw.y, i))));
        expect(Array.from(keys)).toEqual(expected);
        if (gridName === 'qwerty') expect(expected.every((id) => id >= 0 && id < 26)).toBe(true); // a–z only
        else expect(expected.includes(6)).toBe(false); // the seed's Latin ë is never a key
      }),
      { numRuns: 100 },
    );
  });
});

describe('weights function parameters', () => {
  it('bias and scale change the sigmoid: w = sigmoid(bias − scale·d/hkd)', () => {
    const sw: Swipe = { index: 0, gridName: 'default', x: Int16Array.from([100]), y: Int16Array.from([100]), t: Int16Array.from([0]) };
    const base = { name: 'traj_feats_and_distance_weights' as const, includeTime: false, includeVelocities: false, includeAccelerations: false };
    const a = new FeatureExtractor(grids, base).extract(sw).keys;
    const b = new FeatureExtractor(grids, { ...base, weightsFunction: { name: 'weights_function_v1', bias: 0, scale: 0 } }).extract(sw).keys;
    expect(a[10]).not.toBe(0.5);
    for (let k = 0; k < 37; k++) expect(b[k]).toBe([6, 27, 33, 34, 35, 36].includes(k) ? 0 : 0.5);
  });
});
