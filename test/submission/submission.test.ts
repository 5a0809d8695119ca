import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it, vi } from 'vitest';
import { type PredictionFile, writePredictionFile } from '../../lib/predictions.js';
import { fillFromBaseline, formatSubmission, mergeByIndex, readBaselineCsv, writeSubmission } from '../../lib/submission.js';
import { register } from '../../lib/cli/submit.js';

const dir = mkdtempSync(join(tmpdir(), 'ns-submit-'));
const grids = ['default', 'extra', 'default', 'default'];
const file = (rows: [number, string, string[]][]): PredictionFile => ({
  rows: rows.map(([index, grid_name, words]) => ({ index, grid_name, candidates: words.map((w, i) => [i, w]) })),
});

describe('mergeByIndex', () => {
  it('puts per-grid rows back in data order, de-duplicated and cut to 4', () => {
    const def = file([[0, 'default', ['привет', 'привет', 'привез']], [2, 'default', ['да', 'до', 'дом', 'дым', 'дам']], [3, 'default', []]]);
    const ext = file([[1, 'extra', ['съел']]]);
    expect(mergeByIndex([{ path: 'd', file: def }, { path: 'e', file: ext }], grids)).toEqual([['привет', 'привез'], ['съел'], ['да', 'до', 'дом', 'дым'], []]);
  });

  it('names missing, repeated, outside and wrong-grid indices', () => {
    const def = file([[0, 'default', ['а']], [2, 'default', ['б']]]);
    expect(() => mergeByIndex([{ path: 'd', file: def }], grids)).toThrow(/missing indices 1, 3/);
    const twice = file([[1, 'extra', ['в']], [2, 'default', ['г']], [3, 'default', []]]);
    expect(() => mergeByIndex([{ path: 'd', file: def }, { path: 't', file: twice }], grids)).toThrow(/indices covered twice: 2 \(d and t\)/);
    expect(() => mergeByIndex([{ path: 'o', file: file([[9, 'default', []]]) }], grids)).toThrow(/o: indices outside the data file \(4 lines\): 9/);
    expect(() => mergeByIndex([{ path: 'g', file: file([[1, 'default', []]]) }], grids)).toThrow(/g: rows whose grid_name differs from the data line's grid: 1/);
  });
});

describe('baseline fill and CSV', () => {
  it('fills rows up to 4 words from the baseline, skipping words already present', () => {
    expect(fillFromBaseline([['дом'], ['да', 'до', 'дом', 'дым'], []], [['дом', 'дым', 'дам', 'дума', 'да'], ['привет'], ['кот']])).toEqual([
      ['дом', 'дым', 'дам', 'дума'],
      ['да', 'до', 'дом', 'дым'],
      ['кот'],
    ]);
    expect(() => fillFromBaseline([['да']], [])).toThrow(/baseline has 0 rows/);
  });

  it("reads the seed's baseline CSV, empty fields becoming empty words", () => {
    const p = join(dir, 'baseline.csv');
    writeFileSync(p, 'дом,дым,дам,дума\nкот,,,\n');
    const rows = readBaselineCsv(p);
    expect(rows).toEqual([['дом', 'дым', 'дам', 'дума'], ['кот', '', '', '']]);
    expect(fillFromBaseline([['кит'], ['кот']], rows)).toEqual([['кит', 'дом', 'дым', 'дам'], ['кот', '']]);
  });

  it('writes 4 words a line without a header and refuses to overwrite unless forced', () => {
    const p = join(dir, 'sub.csv');
    writeSubmission(p, [['привет', 'привез'], ['съел']]);
    expect(readFileSync(p, 'utf8')).toBe('привет,привез\nсъел\n');
    expect(() => writeSubmission(p, [['да']])).toThrow(/sub\.csv: already exists \(use --force/);
    writeSubmission(p, [['да']], true);
    expect(readFileSync(p, 'utf8')).toBe(formatSubmission([['да']]));
    expect(() => writeSubmission(join(dir, 'bad.csv'), [['a,b']])).toThrow(/contains a comma/);
    expect(existsSync(join(dir, 'bad.csv'))).toBe(false);
  });
});

describe('neuroswipe submit', () => {
  it('merges, fills from a baseline prediction file and writes the CSV', async () => {
    const data = join(dir, 'test.jsonl');
    writeFileSync(data, grids.map((g) => JSON.stringify({ curve: { x: [1], y: [1], t: [0], grid_name: g } })).join('\n') + '\n');
    const rows = (r: [number, string, string[]][]) => file(r).rows;
    await writePredictionFile(join(dir, 'def.jsonl'), rows([[0, 'default', ['привет']], [2, 'default', ['да', 'до', 'дом', 'дым']], [3, 'default', []]]));
    await writePredictionFile(join(dir, 'ext.jsonl'), rows([[1, 'extra', ['съел', 'сел']]]));
    await writePredictionFile(join(dir, 'base.jsonl'), rows([[0, 'default', ['привез', 'привет', 'привел', 'приват']], [1, 'extra', ['сел', 'съел', 'сэл']], [2, 'default', ['дам']], [3, 'default', ['кот', 'кит']]]));
    const out = join(dir, 'submission.csv');
    const run = async (...extra: string[]) => {
      const spy = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
      try {
        const program = new Command().exitOverride();
        register(program);
        await program.parseAsync(['node', 'ns', 'submit', '--predictions', join(dir, 'def.jsonl'), join(dir, 'ext.jsonl'), '--data', data, '--baseline', join(dir, 'base.jsonl'), '--out', out, ...extra]);
      } finally {
        spy.mockRestore();
      }
    };
    await run();
    expect(readFileSync(out, 'utf8')).toBe('привет,привез,привел,приват\nсъел,сел,сэл\nда,до,дом,дым\nкот,кит\n');
    await expect(run()).rejects.toThrow(/already exists/);
    await run('--force');
  });
});
