import { describe, expect, it } from 'vitest';
import { loadGrids } from '../../lib/keyboard/grid.js';
import { FeatureExtractor } from '../../lib/features/extractor.js';
import { packBatch } from '../../lib/predict/batcher.js';
import type { Swipe } from '../../lib/data/dataset.js';
import type { SwipeFeatures } from '../../lib/features/types.js';

const grids = loadGrids();
const sw = (x: number[], y: number[], gridName = 'default'): Swipe => ({
  index: 0,
  gridName,
  x: Int16Array.from(x),
  y: Int16Array.from(y),
  t: Int16Array.from(x, (_, i) => i * 10),
});
const a = sw([100, 150, 210], [100, 120, 130]);
const b = sw([540, 300], [600, 550], 'extra');

describe('packBatch', () => {
  it('nearest keys: sequence-first traj [S][B][F], tokens [S][B], lengths and batch-first pad mask, padding 0', () => {
    const fx = new FeatureExtractor(grids, { name: 'traj_feats_and_nearest_key', includeTime: true, includeVelocities: false, includeAccelerations: false });
    const fa = fx.extract(a);
    const fb = fx.extract(b);
    const p = packBatch([fa, fb]);
    expect([p.batch, p.maxLen, p.nTrajFeats, p.nKeyColumns, p.keyKind]).toEqual([2, 3, 3, 0, 'nearest']);
    expect(Array.from(p.lengths)).toEqual([3, 2]);
    expect(Array.from(p.padMask)).toEqual([0, 0, 0, 0, 0, 1]);
    expect(p.keys).toBeInstanceOf(Int32Array);
    // keys[s][b]
    expect(Array.from(p.keys)).toEqual([fa.keys[0], fb.keys[0], fa.keys[1], fb.keys[1], fa.keys[2], 0]);
    // traj[s][b][f]
    for (let s = 0; s < 3; s++) {
      expect(Array.from(p.traj.subarray((s * 2 + 0) * 3, (s * 2 + 1) * 3))).toEqual(Array.from(fa.traj.subarray(s * 3, s * 3 + 3)));
      const rowB = Array.from(p.traj.subarray((s * 2 + 1) * 3, (s * 2 + 2) * 3));
      expect(rowB).toEqual(s < 2 ? Array.from(fb.traj.subarray(s * 3, s * 3 + 3)) : [0, 0, 0]);
    }
  });

  it('weights: keys [S][B][K] float32 with zero padding', () => {
    const fx = new FeatureExtractor(grids, { name: 'traj_feats_and_distance_weights', includeTime: false, includeVelocities: true, includeAccelerations: true });
    const fa = fx.extract(a);
    const fb = fx.extract(b);
    const p = packBatch([fb, fa]);
    expect(p.keys).toBeInstanceOf(Float32Array);
    expect(p.keys.length).toBe(3 * 2 * 37);
    expect(Array.from(p.keys.subarray((1 * 2 + 1) * 37, (1 * 2 + 2) * 37))).toEqual(Array.from(fa.keys.subarray(37, 74)));
    expect(Array.from(p.keys.subarray((2 * 2 + 0) * 37, (2 * 2 + 1) * 37)).every((v) => v === 0)).toBe(true);
    expect(Array.from(p.padMask)).toEqual([0, 0, 1, 0, 0, 0]);
  });

  it('key-only transforms pack an empty traj', () => {
    const fx = new FeatureExtractor(grids, { name: 'nearest_key_only', includeTime: false, includeVelocities: false, includeAccelerations: false });
    const p = packBatch([fx.extract(a)]);
    expect(p.traj).toHaveLength(0);
    expect(p.keys).toHaveLength(3);
  });

  it('rejects an empty batch and mixed feature kinds, naming the item', () => {
    expect(() => packBatch([])).toThrow(RangeError);
    const n = new FeatureExtractor(grids, { name: 'traj_feats_and_nearest_key', includeTime: false, includeVelocities: false, includeAccelerations: false }).extract(a);
    const w = new FeatureExtractor(grids, { name: 'traj_feats_and_distance_weights', includeTime: false, includeVelocities: false, includeAccelerations: false }).extract(a);
    expect(() => packBatch([n, w])).toThrow(/items\[1\]\.keyKind/);
    const broken: SwipeFeatures = { ...n, traj: new Float32Array(1) };
    expect(() => packBatch([n, broken])).toThrow(/items\[1\]\.traj/);
  });
});
