import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it, vi } from 'vitest';
import { loadGrids } from '../../lib/keyboard/grid.js';
import { buildBaselineVocab, type BaselineVocab } from '../../lib/baseline/vocab.js';
import { prepareGrid, wordRanks } from '../../lib/baseline/prepare.js';
import { BaselineGridCache, baselineReference } from '../../lib/baseline/reference.js';
import { nativeDtwBaseline } from '../../lib/baseline/native.js';
import { formatBaselineCsv, runBaseline } from '../../lib/baseline/run.js';
import { readPredictionFile } from '../../lib/predictions.js';
import { register } from '../../lib/cli/baseline.js';
import { curveAlong, rng } from './helpers.js';
import { at, own } from '../../lib/util/checked.js';

const root = new URL('../../', import.meta.url).pathname;
const grids = loadGrids();
const names = ['default', 'extra'];

async function compare(vocab: BaselineVocab, curves: { g: number; x: number[]; y: number[] }[]): Promise<void> {
  const offsets = new Uint32Array(curves.length + 1);
  curves.forEach((c, i) => (offsets[i + 1] = at(offsets, i) + c.x.length));
  const xs = new Int32Array(at(offsets, curves.length));
  const ys = new Int32Array(at(offsets, curves.length));
  curves.forEach((c, i) => {
    xs.set(c.x, offsets[i]);
    ys.set(c.y, offsets[i]);
  });
  const out = await nativeDtwBaseline({
    grids: names.map((n) => prepareGrid(own(grids, n), vocab)),
    wordRank: wordRanks(vocab.words),
    curveOffsets: offsets,
    xs,
    ys,
    curveGrid: Uint32Array.from(curves, (c) => c.g),
    k: 4,
    prune: true,
    threads: 2,
  });
  const caches = names.map((n) => new BaselineGridCache(own(grids, n)));
  curves.forEach((c, i) => {
    const got: [number, string][] = [];
    for (let s = 0; s < 4; s++) if (at(out.words, i * 4 + s) >= 0) got.push([at(out.dists, i * 4 + s), at(vocab.words, at(out.words, i * 4 + s))]);
    expect(got, `swipe ${i}`).toEqual(baselineReference(c.x, c.y, at(caches, c.g), vocab));
  });
}

describe('native DTW baseline', () => {
  it('equals the straightforward implementation on real words and both real grids', async () => {
    const vocab = buildBaselineVocab(readFileSync(`${root}examples/vocab.txt`, 'utf8'));
    const r = rng(5);
    const curves = Array.from({ length: 80 }, (_, i) => {
      const g = i % 3 === 0 ? 1 : 0;
      return { g, ...curveAlong(at(vocab.words, Math.floor(r() * vocab.words.length)), own(grids, at(names, g)), r) };
    });
    await compare(vocab, curves);
  });

  it('keeps the seed order on ties, off-keyboard starts, small groups and duplicate words', async () => {
    // сел/съел and the doubled letters tie exactly; "ы" has fewer than four words; the duplicates tie.
    const words = 'сел\nсъел\nссора\nсора\nсоора\nсор\nсорт\nсъесть\nсесть\nсел\nыы\nы\nкасса\nкаса\nкас\nкасс\nкот\nкит\nкто\nъ\n';
    const vocab = buildBaselineVocab(words);
    const r = rng(9);
    const curves: { g: number; x: number[]; y: number[] }[] = [];
    for (const w of ['сел', 'сора', 'касса', 'ыы', 'кот', 'съесть']) {
      for (const g of [0, 1]) curves.push({ g, ...curveAlong(w, own(grids, at(names, g)), r, 30, 10) });
    }
    curves.push({ g: 0, x: [540, 300, 200], y: [5, 200, 300] }); // first point above the keys: all words
    curves.push({ g: 1, x: [1079], y: [666] });
    await compare(vocab, curves);
  });

  it('rejects malformed input with a RangeError naming the field', async () => {
    const vocab = buildBaselineVocab('да\n');
    const input = {
      grids: [prepareGrid(own(grids, 'default'), vocab)],
      wordRank: wordRanks(vocab.words),
      curveOffsets: new Uint32Array([0, 2]),
      xs: new Int32Array([1]),
      ys: new Int32Array([1]),
      curveGrid: new Uint32Array([0]),
      k: 4,
      prune: true,
      threads: 1,
    };
    await expect(nativeDtwBaseline(input)).rejects.toThrow(/curveOffsets: must start at 0 and end at xs.length/);
    await expect(nativeDtwBaseline({ ...input, curveOffsets: new Uint32Array([0, 1]), curveGrid: new Uint32Array([3]) })).rejects.toThrow(/curveGrid\[0\]: grid index out of range/);
    await expect(nativeDtwBaseline({ ...input, xs: new Float64Array([1]) as unknown as Int32Array })).rejects.toThrow(/xs: expected an Int32Array/);
  });
});

describe('baseline run', () => {
  const vocab = buildBaselineVocab(readFileSync(`${root}test/fixtures/vocab-small.txt`, 'utf8'));

  it('gives the same rows on the inline-grid and separated-grid formats, natively and straightforwardly', async () => {
    const inline = await runBaseline(`${root}test/fixtures/data/inline.jsonl`, vocab, { threads: 2 });
    const separated = await runBaseline(`${root}test/fixtures/data/test.jsonl`, vocab, { grids, batchSize: 2 });
    const reference = await runBaseline(`${root}test/fixtures/data/inline.jsonl`, vocab, { engine: 'reference' });
    expect(inline).toHaveLength(6);
    expect(separated).toEqual(inline);
    expect(reference).toEqual(inline);
    expect(inline.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(inline.every((r) => r.candidates.length === 4)).toBe(true);
  });

  it("writes the seed's CSV: as many fields as the longest row, padded", () => {
    const rows = [
      { index: 0, grid_name: 'default', candidates: [[1, 'да'], [2, 'до']] as [number, string][] },
      { index: 1, grid_name: 'default', candidates: [[1, 'кот']] as [number, string][] },
    ];
    expect(formatBaselineCsv(rows)).toBe('да,до\nкот,\n');
  });

  it('neuroswipe baseline writes prediction rows and the CSV', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ns-baseline-'));
    const voc = join(dir, 'voc.txt');
    writeFileSync(voc, readFileSync(`${root}test/fixtures/vocab-small.txt`));
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const program = new Command().exitOverride();
      register(program);
      await program.parseAsync(['node', 'ns', 'baseline', '--data', `${root}test/fixtures/data/test.jsonl`, '--vocab', voc, '--voc-size', '500', '--out', join(dir, 'b.jsonl'), '--csv', join(dir, 'b.csv'), '--threads', '1']);
    } finally {
      spy.mockRestore();
    }
    const file = await readPredictionFile(join(dir, 'b.jsonl'));
    expect(file.meta).toMatchObject({ model_name: 'dtw_baseline', generator_call_kwargs: { voc_size: 500 } });
    expect(file.rows).toEqual(await runBaseline(`${root}test/fixtures/data/test.jsonl`, buildBaselineVocab(readFileSync(voc, 'utf8'), 500), { grids }));
    expect(readFileSync(join(dir, 'b.csv'), 'utf8')).toBe(formatBaselineCsv(file.rows));
  });
});
