import { describe, expect, it } from 'vitest';
import { loadGrids } from '../../lib/keyboard/grid.js';
import { FeatureExtractor } from '../../lib/features/extractor.js';
import type { TransformName } from '../../lib/features/types.js';
import type { Swipe } from '../../lib/data/dataset.js';
import { DISTANCE_COLUMNS } from '../../lib/tokenizer.js';
import { at } from '../../lib/util/checked.js';

const grids = loadGrids();
const X = [100, 150, 210, 260, 300, -4];
const Y = [100, 120, 130, 150, 240, 250];
const T = [0, 10, 20, 35, 50, 60];
const swipe = (gridName = 'default', t = T): Swipe => ({ index: 0, x: Int16Array.from(X), y: Int16Array.from(Y), t: Int16Array.from(t), gridName });
const spec = (name: TransformName, includeTime = false, includeVelocities = true, includeAccelerations = true) => ({ name, includeTime, includeVelocities, includeAccelerations });

// Spec §3.8, float32 values printed as doubles: must match bit for bit.
const TRAJ = [
  [0.09259258955717087, 0.14992503821849823, 0, 0, 0, 0],
  [0.1388888955116272, 0.17991004884243011, 5.5, 1.5, 0.2199999988079071, 0.06000000238418579],
  [0.1944444477558136, 0.19490255415439606, 4.400000095367432, 1.2000000476837158, -0.10000000149011612, 0.08666667342185974],
  [0.24074074625968933, 0.22488754987716675, 3.0, 3.6666667461395264, -0.4986667037010193, 0.09333333373069763],
  [0.2777777910232544, 0.35982009768486023, -10.5600004196167, 4.0, -0.11999999731779099, -0.14666667580604553],
  [-0.003703703638166189, 0.37481260299682617, 0, 0, 0, 0],
];

describe('spec §3.8 worked example', () => {
  it('trajectory features with velocities and accelerations are bit-exact', () => {
    const f = new FeatureExtractor(grids, spec('traj_feats_and_nearest_key')).extract(swipe());
    expect(f.nTrajFeats).toBe(6);
    expect(f.length).toBe(6);
    const rows = TRAJ.map((_, i) => Array.from(f.traj.subarray(i * 6, i * 6 + 6)));
    expect(rows).toEqual(TRAJ);
  });

  it('with time only: F = 3 and the third column is raw t', () => {
    const f = new FeatureExtractor(grids, spec('traj_feats_and_nearest_key', true, false, false)).extract(swipe());
    expect(f.nTrajFeats).toBe(3);
    expect(Array.from({ length: 6 }, (_, i) => f.traj[i * 3 + 2])).toEqual(T);
    expect(Array.from({ length: 6 }, (_, i) => f.traj[i * 3])).toEqual(TRAJ.map((r) => r[0]));
  });

  it.each(['default', 'extra'])('nearest-key tokens are ц ц у у а ф on %s', (g) => {
    const f = new FeatureExtractor(grids, spec('traj_feats_and_nearest_key')).extract(swipe(g));
    expect(f.keyKind).toBe('nearest');
    expect(Array.from(f.keys)).toEqual([23, 23, 20, 20, 0, 21]);
    const only = new FeatureExtractor(grids, spec('nearest_key_only', false, false, false)).extract(swipe(g));
    expect(Array.from(only.keys)).toEqual([23, 23, 20, 20, 0, 21]);
    expect(only.nTrajFeats).toBe(0);
    expect(only.traj).toHaveLength(0);
  });

  it('raw distances row 0', () => {
    const f = new FeatureExtractor(grids, spec('traj_feats_and_distances__actual')).extract(swipe());
    expect(f.keyKind).toBe('distances');
    expect(f.nKeyColumns).toBe(37);
    const row = f.keys.subarray(0, 37);
    const col = (l: string) => row[DISTANCE_COLUMNS.indexOf(l)];
    expect(col('а')).toBe(284.3448486328125);
    expect(col('б')).toBe(780.0);
    expect(col('в')).toBe(206.4751739501953);
    expect(col('й')).toBe(51.62363815307617);
    expect(col('ц')).toBe(47.67599105834961);
    for (const k of [6, 27, 33, 34, 35, 36]) expect(row[k]).toBe(-1);
  });

  it('weights_function_v1 row 0 within 1e-6 relative; missing columns exactly 0', () => {
    const f = new FeatureExtractor(grids, spec('traj_feats_and_distance_weights')).extract(swipe());
    expect(f.keyKind).toBe('weights');
    const row = f.keys.subarray(0, 37);
    const expected: Record<string, number> = {
      й: 0.9517200589179993,
      ц: 0.9551762342453003,
      у: 0.752967119216919,
      ф: 0.7207324504852295,
      ы: 0.7257591485977173,
      в: 0.4813583493232727,
      к: 0.30625051259994507,
      а: 0.16640973091125488,
    };
    for (const [label, v] of Object.entries(expected)) {
      const got = at(row, DISTANCE_COLUMNS.indexOf(label));
      expect(Math.abs(got - v) / v, label).toBeLessThan(1e-6);
    }
    for (const k of [6, 27, 33, 34, 35, 36]) expect(Object.is(row[k], 0)).toBe(true);
  });

  it('traj_feats_and_xy: raw coordinates as float32 [S][2]', () => {
    const f = new FeatureExtractor(grids, spec('traj_feats_and_xy')).extract(swipe());
    expect(f.keyKind).toBe('xy');
    expect(f.nKeyColumns).toBe(2);
    expect(Array.from(f.keys)).toEqual(X.flatMap((x, i) => [x, Y[i]]));
  });
});

describe('equal consecutive timestamps', () => {
  // t[1] == t[2] == t[3]: the central difference at i = 2 divides by t[3] − t[1] = 0.
  const t = [0, 10, 10, 10, 50, 60];

  it('seedCompatible reproduces the seed: ±Infinity velocities and NaN accelerations', () => {
    const f = new FeatureExtractor(grids, { ...spec('traj_feats_and_nearest_key'), seedCompatible: true }).extract(swipe('default', t));
    expect(f.traj[2 * 6 + 2]).toBe(Infinity); // vx = (260 − 150) / 0
    expect(f.traj[2 * 6 + 3]).toBe(Infinity); // vy = (150 − 120) / 0
    // ax[2] = (vx[3] − vx[1]) / 0 = (2.25 − 11) / 0; ax[1] = (inf − 0) / 10; ax[3] = (0 − inf) / 40
    expect(f.traj[2 * 6 + 4]).toBe(-Infinity);
    expect(f.traj[1 * 6 + 4]).toBe(Infinity);
    expect(f.traj[3 * 6 + 4]).toBe(-Infinity);
  });

  it('0/0 gives NaN when seedCompatible', () => {
    const f = new FeatureExtractor(grids, { ...spec('traj_feats_and_nearest_key'), seedCompatible: true }).extract({
      ...swipe('default', t),
      x: Int16Array.from([100, 150, 210, 150, 300, -4]),
    });
    expect(Number.isNaN(f.traj[2 * 6 + 2])).toBe(true);
  });

  it('the default keeps every feature finite, with 0 for the undefined derivative', () => {
    const f = new FeatureExtractor(grids, spec('traj_feats_and_nearest_key')).extract(swipe('default', t));
    expect(f.traj.every(Number.isFinite)).toBe(true);
    expect(f.traj[2 * 6 + 2]).toBe(0);
    expect(f.traj[2 * 6 + 3]).toBe(0);
    // other rows are unaffected: vx[1] = (210 − 100) / (10 − 0)
    expect(f.traj[1 * 6 + 2]).toBe(11);
  });
});

describe('spec validation', () => {
  it('accelerations without velocities is a RangeError naming the flag', () => {
    expect(() => new FeatureExtractor(grids, spec('traj_feats_and_nearest_key', false, false, true))).toThrow(/includeAccelerations/);
  });
  it('an unknown transform name is a RangeError listing the names', () => {
    expect(() => new FeatureExtractor(grids, { ...spec('traj_feats_and_nearest_key'), name: 'traj_feats_and_distances' as TransformName })).toThrow(/transform\.name/);
  });
  it('an unknown weight function is rejected', () => {
    expect(() => new FeatureExtractor(grids, { ...spec('traj_feats_and_distance_weights'), weightsFunction: { name: 'v2' as never } })).toThrow(/weightsFunction\.name/);
  });
  it('a swipe on an unknown grid is an error naming the grid', () => {
    const fx = new FeatureExtractor(grids, spec('nearest_key_only'));
    expect(() => fx.extract(swipe('nope'))).toThrow(/"nope"/);
  });
});
