/**
 * The rebuilt seed architectures have exactly the state-dict keys, order, shapes and parameter counts of
 * docs/SEED.md §5.4 (transcribed in test/fixtures/seed_state_dict_shapes.json).
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runPython } from './run-python.js';
import { own } from '../../lib/util/checked.js';

interface ArchShapes {
  n_traj_feats: number;
  n_keys: number;
  n_params: number;
  keys: [string, number[]][];
}

const fixture = JSON.parse(readFileSync(`${ROOT}test/fixtures/seed_state_dict_shapes.json`, 'utf8')) as Record<
  string,
  ArchShapes | string
>;
const names = Object.keys(fixture).filter((k) => !k.startsWith('_'));

describe('seed state dicts (docs/SEED.md §5.4)', () => {
  let got: Record<string, ArchShapes>;

  beforeAll(async () => {
    const r = await runPython(['python/describe_seed_models.py']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    got = JSON.parse(r.stdout) as Record<string, ArchShapes>;
  });

  it('covers every seed architecture and the nearest-key F=4 / F=3 variants', () => {
    expect(Object.keys(got).sort()).toEqual([...names].sort());
    expect(names).toHaveLength(9);
  });

  it.each(names)('%s: keys in order with their shapes', (name) => {
    const want = fixture[name] as ArchShapes;
    expect(own(got, name).keys).toEqual(want.keys);
    expect(own(got, name).n_keys).toBe(want.n_keys);
    expect(want.keys).toHaveLength(want.n_keys);
  });

  it.each(names)('%s: parameter count', (name) => {
    const want = fixture[name] as ArchShapes;
    expect(own(got, name).n_params).toBe(want.n_params);
    expect(own(got, name).n_traj_feats).toBe(want.n_traj_feats);
  });

  it('legacy models keep the unused decoder prototype layer', () => {
    for (const name of ['m1', 'm1_bigger', 'm1_smaller']) {
      const keys = own(got, name).keys.map(([k]) => k);
      expect(keys.filter((k) => k.startsWith('decoder.decoder_layer.'))).toHaveLength(18);
    }
  });
});
