import { beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from '../../lib/registry/registry.js';
import { mergeRegistries } from '../../lib/registry/merge.js';
import type { PredictorIdentity } from '../../lib/registry/schema.js';
import { at } from '../../lib/util/checked.js';

let dir: string;

function predictor(over: Partial<PredictorIdentity> = {}): PredictorIdentity {
  return {
    architecture: 'm1_bigger',
    weightsPath: 'models/m1_bigger__2023_11_12__14_51_49__0.13115.pt',
    weightsSha256: 'a'.repeat(64),
    generator: 'beam',
    generatorOptions: '{"beamSize":6,"maxSteps":35,"normalizationFactor":0.5,"returnHypotheses":7}',
    useVocab: false,
    vocabSha256: '',
    transform: '{"include_accelerations":true,"include_coords":true,"include_time":false,"include_velocities":true,"name":"traj_feats_and_nearest_key"}',
    grid: 'default',
    ...over,
  };
}

function rows(path: string) {
  const r = Registry.open(path, { create: false, readonly: true });
  try {
    return r.list();
  } finally {
    r.close();
  }
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'neuroswipe-registry-'));
});

describe('Registry', () => {
  it('keeps one row per identity and updates only the given result columns', () => {
    const r = Registry.open(join(dir, 'r.sqlite'));
    const a = r.upsert(predictor(), { valPredsPath: 'a.val.jsonl', valMrr: 0.875, valAccuracy: 0.8 });
    const b = r.upsert(predictor(), { testPredsPath: 'a.test.jsonl' });
    expect(b.id).toBe(a.id);
    expect(b).toMatchObject({ valPredsPath: 'a.val.jsonl', testPredsPath: 'a.test.jsonl', valMrr: 0.875, valAccuracy: 0.8, useVocab: false });
    const c = r.upsert(predictor({ grid: 'extra' }));
    const d = r.upsert(predictor({ weightsSha256: 'b'.repeat(64) }));
    const e = r.upsert(predictor({ generatorOptions: '{"beamSize":6,"maxSteps":35,"normalizationFactor":0.5,"returnHypotheses":null}' }));
    const f = r.upsert(predictor({ useVocab: true, vocabSha256: 'c'.repeat(64) }));
    expect(new Set([a.id, c.id, d.id, e.id, f.id]).size).toBe(5);
    expect(r.list().map((x) => x.id)).toEqual([1, 2, 3, 4, 5]);
    expect(r.find(predictor({ grid: 'extra' }))?.id).toBe(c.id);
    expect(r.find(predictor({ grid: 'nope' }))).toBeUndefined();
    expect(r.get(5)?.useVocab).toBe(true);
    r.close();
  });

  it('stores prediction paths relative to its folder', () => {
    mkdirSync(join(dir, 'reg'));
    const r = Registry.open(join(dir, 'reg', 'r.sqlite'));
    expect(r.storedPath(join(dir, 'preds', 'x.jsonl'))).toBe('../preds/x.jsonl');
    expect(r.resolvePath('../preds/x.jsonl')).toBe(join(dir, 'preds', 'x.jsonl'));
    r.close();
  });

  it('refuses a missing file when asked not to create, and a foreign SQLite file', async () => {
    expect(() => Registry.open(join(dir, 'none.sqlite'), { create: false })).toThrow(/none\.sqlite: registry not found/);
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(join(dir, 'other.sqlite'));
    db.exec('CREATE TABLE t (x)');
    db.close();
    expect(() => Registry.open(join(dir, 'other.sqlite'))).toThrow(/other\.sqlite: cannot open registry: not a neuroswipe registry/);
  });
});

describe('mergeRegistries (docs/SEED.md §7.4)', () => {
  function make(name: string, fill: (r: Registry) => void): string {
    const p = join(dir, name);
    const r = Registry.open(p);
    fill(r);
    r.close();
    return p;
  }

  it('joins rows of one predictor whose columns agree, ignoring empty values, and reassigns ids', () => {
    const m1 = make('m1.sqlite', (r) => {
      r.upsert(predictor({ grid: 'extra' }), { testPredsPath: 'e.test.jsonl' });
      r.upsert(predictor(), { valPredsPath: 'd.val.jsonl', valMrr: 0.9, valAccuracy: 0.85 });
    });
    const m2 = make('m2.sqlite', (r) => {
      r.upsert(predictor(), { testPredsPath: 'd.test.jsonl', valPredsPath: 'd.val.jsonl' });
      r.upsert(predictor({ architecture: 'm1' }), { valPredsPath: '' });
    });
    const out = join(dir, 'all.sqlite');
    expect(mergeRegistries(out, [m1, m2])).toEqual({ rowsIn: 4, rowsOut: 3 });
    const got = rows(out);
    expect(got.map((x) => [x.id, x.architecture, x.grid, x.valPredsPath, x.testPredsPath, x.valMrr, x.valAccuracy])).toEqual([
      [1, 'm1_bigger', 'extra', null, 'e.test.jsonl', null, null],
      [2, 'm1_bigger', 'default', 'd.val.jsonl', 'd.test.jsonl', 0.9, 0.85],
      [3, 'm1', 'default', null, null, null, null],
    ]);
  });

  it('fails on a conflict naming the predictor, the column and both files, and leaves the target unchanged', () => {
    const target = make('target.sqlite', (r) => r.upsert(predictor({ grid: 'extra' }), { valPredsPath: 'x.jsonl' }));
    const before = readFileSync(target);
    const beforeRows = rows(target);
    const a = make('a.sqlite', (r) => r.upsert(predictor(), { valMrr: 0.9 }));
    const b = make('b.sqlite', (r) => r.upsert(predictor(), { valMrr: 0.91 }));
    expect(() => mergeRegistries(target, [a, b])).toThrow(
      new RegExp(`conflict for predictor m1_bigger models/m1_bigger__2023_11_12__14_51_49__0\\.13115\\.pt \\(beam .*grid default\\): column val_mrr is 0\\.9 in ${a} but 0\\.91 in ${b}`),
    );
    expect(readFileSync(target).equals(before)).toBe(true);
    expect(rows(target)).toEqual(beforeRows);
    const fresh = join(dir, 'fresh.sqlite');
    expect(() => mergeRegistries(fresh, [a, b])).toThrow(/column val_mrr/);
    expect(existsSync(fresh)).toBe(false);
  });

  it('compares paths after rebasing them on the target folder', () => {
    mkdirSync(join(dir, 'm1'));
    mkdirSync(join(dir, 'm2'));
    const a = make('m1/r.sqlite', (r) => r.upsert(predictor(), { valPredsPath: r.storedPath(join(dir, 'preds', 'p.jsonl')) }));
    const b = make('m2/r.sqlite', (r) => r.upsert(predictor(), { valPredsPath: r.storedPath(join(dir, 'preds', 'p.jsonl')) }));
    expect(at(rows(a), 0).valPredsPath).toBe('../preds/p.jsonl');
    const out = join(dir, 'all.sqlite');
    mergeRegistries(out, [a, b]);
    expect(rows(out).map((x) => x.valPredsPath)).toEqual(['preds/p.jsonl']);
    const c = make('m2/other.sqlite', (r) => r.upsert(predictor(), { valPredsPath: 'p.jsonl' }));
    expect(() => mergeRegistries(out, [c])).toThrow(/column val_preds_path is "preds\/p\.jsonl" in .*all\.sqlite but "m2\/p\.jsonl" in .*other\.sqlite/);
  });

  it('merges into an existing target, its rows first', () => {
    const target = make('t.sqlite', (r) => r.upsert(predictor({ grid: 'extra' }), { valPredsPath: 'e.jsonl' }));
    const a = make('a.sqlite', (r) => {
      r.upsert(predictor());
      r.upsert(predictor({ grid: 'extra' }), { valMrr: 0.5 });
    });
    mergeRegistries(target, [a]);
    expect(rows(target).map((x) => [x.id, x.grid, x.valPredsPath, x.valMrr])).toEqual([
      [1, 'extra', 'e.jsonl', 0.5],
      [2, 'default', null, null],
    ]);
  });
});
