import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BadLineError, BadLineReport, SwipeReader, readSwipes, subsetByGrid, type Swipe } from '../../lib/data/dataset.js';
import { gridIndices, readRef } from '../../lib/data/labels.js';
import { loadGrids, type GridMap } from '../../lib/keyboard/grid.js';
import { FeatureExtractor } from '../../lib/features/extractor.js';
import { at, own } from '../../lib/util/checked.js';

const fixtures = fileURLToPath(new URL('../fixtures/data/', import.meta.url));
const grids = loadGrids();
const WORDS = ['привет', 'ёжик', 'съел', 'информация', 'объём', 'да'];
const GRIDS = ['default', 'extra', 'default', 'default', 'extra', 'default'];

async function all(it: AsyncIterable<Swipe>): Promise<Swipe[]> {
  const out: Swipe[] = [];
  for await (const s of it) out.push(s);
  return out;
}

function tmpFile(lines: string[]): string {
  const p = join(mkdtempSync(join(tmpdir(), 'ns-data-')), 'in.jsonl');
  writeFileSync(p, lines.join('\n') + '\n');
  return p;
}

describe('readSwipes on both formats', () => {
  it('inline grids: indices, words, grid names, int16 arrays; grids collected and validated', async () => {
    const reader = new SwipeReader(join(fixtures, 'inline.jsonl'));
    const swipes = await all(reader);
    expect(swipes.map((s) => s.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(swipes.map((s) => s.word)).toEqual(WORDS);
    expect(swipes.map((s) => s.gridName)).toEqual(GRIDS);
    expect(at(swipes, 3).x).toBeInstanceOf(Int16Array);
    expect(at(swipes, 3).x[0]).toBe(-7);
    expect(reader.grids.default).toEqual(grids.default);
    expect(reader.grids.extra).toEqual(grids.extra);
  });

  it('collectedGrids receives inline grids through readSwipes', async () => {
    const collected: GridMap = {};
    await all(readSwipes(join(fixtures, 'inline.jsonl'), { collectedGrids: collected }));
    expect(Object.keys(collected)).toEqual(['default', 'extra']);
  });

  it('separated format gives the same swipes as the inline format', async () => {
    const a = await all(readSwipes(join(fixtures, 'inline.jsonl')));
    const b = await all(readSwipes(join(fixtures, 'inline.separated.expected.jsonl'), { grids }));
    expect(b).toEqual(a);
  });

  it('test files without word, and valid.ref line by line', async () => {
    const swipes = await all(readSwipes(join(fixtures, 'test.jsonl'), { grids }));
    expect(swipes.every((s) => s.word === undefined && !('word' in s))).toBe(true);
    expect(await readRef(join(fixtures, 'valid.ref'))).toEqual(WORDS);
  });

  it('subsets by grid keep file order and original indices', async () => {
    const extra = await all(subsetByGrid(readSwipes(join(fixtures, 'test.jsonl'), { grids }), 'extra'));
    expect(extra.map((s) => s.index)).toEqual([1, 4]);
    expect(gridIndices(GRIDS, 'default')).toEqual([0, 2, 3, 5]);
  });

  it('an inline grid that differs from the given grid of the same name is an error', async () => {
    const other: GridMap = { default: { ...own(grids, 'default'), width: 1000 } };
    await expect(all(readSwipes(join(fixtures, 'inline.jsonl'), { grids: other }))).rejects.toThrow(/inline\.jsonl:1: curve\.grid: grid "default" differs/);
  });

  it('an inline grid with a new name is usable by a FeatureExtractor built on reader.grids', async () => {
    const custom = { ...grids.default, grid_name: 'custom' };
    const p = tmpFile([JSON.stringify({ curve: { x: [98, 97], y: [50, 50], t: [0, 5], grid: custom } })]);
    const reader = new SwipeReader(p, { grids });
    const fx = new FeatureExtractor(reader.grids, { name: 'nearest_key_only', includeTime: false, includeVelocities: false, includeAccelerations: false });
    const keys: number[][] = [];
    for await (const s of reader) keys.push(Array.from(fx.extract(s).keys));
    expect(keys).toEqual([[23, 10]]); // ц, й (spec §2.4)
    expect(Object.keys(reader.grids)).toEqual(['default', 'extra', 'qwerty', 'custom']);
  });

  it('a missing file is an error naming it', async () => {
    await expect(all(readSwipes('/nonexistent/x.jsonl'))).rejects.toThrow(/\/nonexistent\/x\.jsonl/);
  });
});

const ok = { x: [1, 2], y: [3, 4], t: [0, 5], grid_name: 'default' };
const line = (curve: object, extra: object = {}) => JSON.stringify({ ...extra, curve });

// Each bad input: the line, the field the message must name.
const BAD: [string, string, RegExp][] = [
  ['invalid JSON', '{"curve": {', /:2: \(line\): invalid JSON/],
  ['not an object', '[1, 2]', /:2: \(line\): expected a JSON object/],
  ['missing curve', '{"word": "да"}', /:2: curve: missing/],
  ['missing x', line({ ...ok, x: undefined }), /:2: curve\.x: missing/],
  ['non-array y', line({ ...ok, y: 5 }), /:2: curve\.y: expected an array/],
  ['non-array t', line({ ...ok, t: { a: 1 } }), /:2: curve\.t: expected an array/],
  ['string element', line({ ...ok, x: [1, '2'] }), /:2: curve\.x\[1\]: expected an integer/],
  ['non-integer', line({ ...ok, t: [0, 1.5] }), /:2: curve\.t\[1\]: expected an integer, got 1\.5/],
  ['non-finite', '{"curve":{"x":[1,1e999],"y":[3,4],"t":[0,5],"grid_name":"default"}}', /:2: curve\.x\[1\]: non-finite/],
  ['outside int16', line({ ...ok, y: [3, 40000] }), /:2: curve\.y\[1\]: 40000 is outside the int16 range/],
  ['different lengths', line({ ...ok, t: [0] }), /:2: curve\.t: has 1 points but curve\.x has 2/],
  ['empty curve', line({ ...ok, x: [], y: [], t: [] }), /:2: curve\.x: empty curve/],
  ['unknown grid name', line({ ...ok, grid_name: 'dvorak' }), /:2: curve\.grid_name: unknown grid name "dvorak"/],
  ['no grid at all', line({ ...ok, grid_name: undefined }), /:2: curve\.grid_name: missing/],
  ['bad inline grid', line({ x: [1], y: [1], t: [0], grid: { width: 10, height: 10, grid_name: 'g', keys: [{ label: 'а', hitbox: { x: 0, y: 0, w: 'wide', h: 1 } }] } }), /:2: curve\.grid\.keys\[0\]\.hitbox\.w: expected an integer/],
  ['word not a string', line(ok, { word: 5 }), /:2: word: expected a string/],
];

describe('bad lines name the file, the line and the field', () => {
  it.each(BAD)('%s', async (_, bad, message) => {
    const p = tmpFile([line(ok), bad, line(ok)]);
    const err = await all(readSwipes(p, { grids })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadLineError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message.startsWith(p)).toBe(true);
    expect((err as BadLineError).index).toBe(1);
  });

  it('skipBadLines turns them into a report with the count and the first lines', async () => {
    const p = tmpFile([line(ok), ...BAD.map((b) => b[1]), line({ ...ok, grid_name: 'extra' })]);
    const report = new BadLineReport(3);
    const swipes = await all(readSwipes(p, { grids, skipBadLines: true, onBadLine: report.add }));
    expect(swipes.map((s) => s.index)).toEqual([0, BAD.length + 1]);
    expect(report.count).toBe(BAD.length);
    expect(report.first).toHaveLength(3);
    expect(report.first[0]).toMatch(/:2: \(line\): invalid JSON/);
    expect(report.summary()).toMatch(new RegExp(`skipped ${BAD.length} bad lines:[\\s\\S]*and ${BAD.length - 3} more`));
  });
});
