import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it, vi } from 'vitest';
import { appendResults, parseCsv, pyFloatRepr, pyJsonDumps, RESULTS_COLUMNS } from '../../lib/evaluate/results-table.js';
import type { EvaluationResult } from '../../lib/evaluate/evaluate.js';
import { register } from '../../lib/cli/evaluate.js';
import { writePredictionFile } from '../../lib/predictions.js';
import { at } from '../../lib/util/checked.js';

const dir = mkdtempSync(join(tmpdir(), 'ns-results-'));

describe('Python formatting', () => {
  it('writes floats like repr()', () => {
    expect(pyFloatRepr(0.8936)).toBe('0.8936');
    expect(pyFloatRepr(1)).toBe('1.0');
    expect(pyFloatRepr(0)).toBe('0.0');
    expect(pyFloatRepr(0.0001)).toBe('0.0001');
    expect(pyFloatRepr(0.00001)).toBe('1e-05');
    expect(pyFloatRepr(1e16)).toBe('1e+16');
    expect(pyFloatRepr(123456789012345680)).toBe('1.2345678901234568e+17');
    expect(pyFloatRepr(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(pyFloatRepr(-2.5)).toBe('-2.5');
  });

  it('serialises generator kwargs like json.dumps', () => {
    expect(pyJsonDumps({ max_steps_n: 35, return_hypotheses_n: null, beamsize: 6, normalization_factor: 0.5 })).toBe(
      '{"max_steps_n": 35, "return_hypotheses_n": null, "beamsize": 6, "normalization_factor": 0.5}',
    );
    expect(pyJsonDumps({ w: 'ё', l: [true, false] })).toBe('{"w": "\\u0451", "l": [true, false]}');
  });
});

describe('results table', () => {
  const result = (mrr: number): EvaluationResult => ({
    path: 'preds/m1.jsonl',
    predictor: 'x',
    meta: { model_name: 'm1_bigger', generator_name: 'beam', generator_call_kwargs: { beamsize: 6, normalization_factor: 0.5 }, use_vocab_for_generation: false, grid_name: 'default' },
    grid: 'default',
    swipes: 9416,
    mrr,
    accuracy: 0.88,
  });

  it('creates the table with a header, then appends only rows not already present', () => {
    const p = join(dir, 'results.csv');
    expect(appendResults(p, [result(0.89298)])).toBe(1);
    expect(appendResults(p, [result(0.89298)])).toBe(0);
    expect(appendResults(p, [result(0.8914698), result(0.89298)])).toBe(1);
    const rows = parseCsv(readFileSync(p, 'utf8'), p);
    expect(rows[0]).toEqual(RESULTS_COLUMNS);
    expect(rows).toHaveLength(3);
    const kw = RESULTS_COLUMNS.indexOf('generator_call_kwargs');
    expect(at(rows, 1)[kw]).toBe('{"beamsize": 6, "normalization_factor": 0.5}');
    expect(at(rows, 1)[RESULTS_COLUMNS.indexOf('use_vocab_for_generation')]).toBe('False');
    expect(at(rows, 2)[RESULTS_COLUMNS.indexOf('mmr')]).toBe('0.8914698');
    expect(readFileSync(p, 'utf8')).toContain('"{""beamsize"": 6, ""normalization_factor"": 0.5}"');
  });

  it('refuses a table with other columns', () => {
    const p = join(dir, 'other.csv');
    writeFileSync(p, 'a,b\n1,2\n');
    expect(() => appendResults(p, [result(0.5)])).toThrow(/other\.csv: header is "a,b"/);
  });
});

describe('neuroswipe evaluate', () => {
  it('prints the table and fills the results file', async () => {
    const data = join(dir, 'valid.jsonl');
    writeFileSync(data, ['default', 'extra', 'default'].map((g) => JSON.stringify({ curve: { x: [1], y: [1], t: [0], grid_name: g } })).join('\n') + '\n');
    const ref = join(dir, 'valid.ref');
    writeFileSync(ref, 'привет\nсъел\nдом\n');
    const pred = join(dir, 'default.jsonl');
    await writePredictionFile(pred, [
      { index: 0, grid_name: 'default', candidates: [[0, 'привет']] },
      { index: 2, grid_name: 'default', candidates: [[0, 'дым'], [1, 'дом']] },
    ], { model_name: 'm1', model_weights: 'models/m1.pt', generator_name: 'beam', grid_name: 'default' });
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
    try {
      const program = new Command().exitOverride();
      register(program);
      await program.parseAsync(['node', 'ns', 'evaluate', '--predictions', pred, '--data', data, '--ref', ref, '--results', join(dir, 'eval.csv')]);
    } finally {
      spy.mockRestore();
    }
    const text = out.join('');
    expect(text).toMatch(/predictor\s+grid\s+swipes\s+Swipe MRR\s+accuracy/);
    expect(text).toMatch(/m1\.pt \(beam\)\s+default\s+2\s+0\.5500000\s+0\.5000000/);
    expect(parseCsv(readFileSync(join(dir, 'eval.csv'), 'utf8'), 'eval.csv')).toHaveLength(2);
  });
});
