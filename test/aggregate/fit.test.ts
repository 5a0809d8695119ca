import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it, vi } from 'vitest';
import type { Candidate } from '../../lib/predictions.js';
import { readPredictionFile, writePredictionFile } from '../../lib/predictions.js';
import { fitWeights } from '../../lib/aggregate/fit.js';
import { predictorId, readWeightState, weightsFromState } from '../../lib/aggregate/state.js';
import { alignInputs } from '../../lib/aggregate/inputs.js';
import { register } from '../../lib/cli/aggregate.js';
import { at } from '../../lib/util/checked.js';

const vocab = new Set(['дом', 'дым', 'дам', 'да', 'кот', 'кит']);
const c = (...pairs: [number, string][]): Candidate[] => pairs;
// With equal weights model A wins every swipe and misses the third; weighting B between 1/3 and 2/3
// promotes B's third answer without letting B win the first two.
const modelA = [c([1, 'дом'], [5, 'дым']), c([1, 'кот'], [6, 'кит']), c([2, 'да'], [9, 'дам'])];
const modelB = [c([3, 'дым'], [4, 'дом']), c([3, 'кит'], [5, 'кот']), c([3, 'дам'], [8, 'да'])];
const targets = ['дом', 'кот', 'дам'];

describe('fitWeights', () => {
  it('finds the first grid weight that maximises Swipe MRR, deterministically', () => {
    const fit = fitWeights([modelA, modelB], targets, vocab);
    expect(fit.initialMrr).toBeCloseTo((1 + 1 + 0.1) / 3, 12);
    expect(fit.mrr).toBe(1);
    expect(fit.weights).toEqual([1, 0.35]);
    expect(fit.sweeps).toBe(2);
    expect(fitWeights([modelA, modelB], targets, vocab)).toEqual(fit);
  });

  it('keeps a single model at weight 1 and validates its input', () => {
    expect(fitWeights([modelA], targets, vocab)).toMatchObject({ weights: [1], sweeps: 0 });
    expect(() => fitWeights([], targets, vocab)).toThrow(RangeError);
    expect(() => fitWeights([modelA], ['дом'], vocab)).toThrow(/1 targets for 3 swipes/);
    expect(() => fitWeights([modelA, modelB], targets, vocab, { grid: [0, 1] })).toThrow(/positive/);
  });
});

describe('state and ids', () => {
  it('derives ids from metadata without the data split, else from the path', () => {
    const meta = { model_name: 'm1', model_weights: 'w.pt', generator_name: 'beam', generator_call_kwargs: { b: 6, a: 1 }, grid_name: 'default' };
    expect(predictorId({ ...meta, dataset_split: 'valid' }, 'v.jsonl')).toBe(predictorId({ ...meta, dataset_split: 'test' }, 't.jsonl'));
    expect(predictorId(meta, 'x')).toBe('["m1","w.pt","beam",{"a":1,"b":6},"default"]');
    expect(predictorId({ predictor_id: 7 }, 'x')).toBe('7');
    expect(predictorId(undefined, 'p.jsonl')).toBe('p.jsonl');
  });

  it('requires every input in the state and every state entry among the inputs', () => {
    expect(weightsFromState({ a: 1, b: 0.5 }, ['b', 'a'])).toEqual([0.5, 1]);
    expect(() => weightsFromState({ a: 1 }, ['a', 'b'])).toThrow(/inputs without a weight: b/);
    expect(() => weightsFromState({ a: 1, c: 2 }, ['a'])).toThrow(/state predictors not among the inputs: c/);
  });

  it('lines up inputs and names the first differing row', () => {
    const f = (idx: number[]) => ({ rows: idx.map((index) => ({ index, grid_name: 'default', candidates: [] })) });
    expect(alignInputs([{ path: 'a', file: f([0, 2]) }, { path: 'b', file: f([0, 2]) }]).indices).toEqual([0, 2]);
    expect(() => alignInputs([{ path: 'a', file: f([0, 2]) }, { path: 'b', file: f([0, 3]) }])).toThrow(/b: row 2 is index 3 \(default\), a has index 2/);
    expect(() => alignInputs([{ path: 'a', file: f([0]) }, { path: 'b', file: f([0, 3]) }])).toThrow(/b: has 2 rows, a has 1/);
  });
});

describe('neuroswipe aggregate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ns-agg-'));
  const run = async (...args: string[]) => {
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const program = new Command().exitOverride();
      register(program);
      await program.parseAsync(['node', 'ns', 'aggregate', ...args]);
    } finally {
      spy.mockRestore();
      err.mockRestore();
    }
  };

  it('fits on validation, saves the state and applies it', async () => {
    const voc = join(dir, 'voc.txt');
    writeFileSync(voc, [...vocab].join('\n') + '\n');
    const data = join(dir, 'valid.jsonl');
    writeFileSync(data, targets.map((w) => JSON.stringify({ word: w, curve: { x: [1], y: [1], t: [0], grid_name: 'default' } })).join('\n') + '\n');
    const rows = (m: Candidate[][]) => m.map((candidates, index) => ({ index, grid_name: 'default', candidates }));
    await writePredictionFile(join(dir, 'a.jsonl'), rows(modelA), { model_name: 'A', grid_name: 'default', dataset_split: 'valid' });
    await writePredictionFile(join(dir, 'b.jsonl'), rows(modelB), { model_name: 'B', grid_name: 'default', dataset_split: 'valid' });
    const inputs = ['--inputs', join(dir, 'a.jsonl'), join(dir, 'b.jsonl'), '--vocab', voc];
    await run('--method', 'weighted', ...inputs, '--fit-on', join(dir, 'a.jsonl'), join(dir, 'b.jsonl'), '--data', data, '--save-state', join(dir, 'w.json'), '--out', join(dir, 'out.jsonl'));
    expect(Object.values(readWeightState(join(dir, 'w.json')))).toEqual([1, 0.35]);
    const out = await readPredictionFile(join(dir, 'out.jsonl'));
    expect(out.rows.map((r) => at(r.candidates, 0)[1])).toEqual(targets);
    expect(out.meta?.weights).toEqual([1, 0.35]);
    await run('--method', 'weighted', ...inputs, '--state', join(dir, 'w.json'), '--out', join(dir, 'out2.jsonl'));
    expect(readFileSync(join(dir, 'out2.jsonl'), 'utf8')).toBe(readFileSync(join(dir, 'out.jsonl'), 'utf8'));
    await run('--method', 'appendage', ...inputs, '--limit', '1', '--out', join(dir, 'app.jsonl'));
    expect((await readPredictionFile(join(dir, 'app.jsonl'))).rows.map((r) => r.candidates)).toEqual([[[0, 'дом']], [[0, 'кот']], [[0, 'да']]]);
  });

  it('rejects inconsistent options', async () => {
    const base = ['--inputs', join(dir, 'a.jsonl'), '--vocab', join(dir, 'voc.txt'), '--out', join(dir, 'x.jsonl')];
    await expect(run('--method', 'weighted', ...base)).rejects.toThrow(/exactly one of --weights, --fit-on, --state/);
    await expect(run('--method', 'appendage', ...base, '--weights', '1')).rejects.toThrow(/weighted only/);
    await expect(run('--method', 'weighted', ...base, '--weights', '1,2')).rejects.toThrow(/2 weight\(s\) for 1 input/);
    await expect(run('--method', 'mean', ...base)).rejects.toThrow(/--method: expected appendage or weighted/);
  });
});
