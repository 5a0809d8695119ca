import { describe, expect, it } from 'vitest';
import { loadGrids } from '../../lib/keyboard/grid.js';
import { buildBaselineVocab, compareCodePoints, pyStrip } from '../../lib/baseline/vocab.js';
import { baselineKeys, letterAt, wordPolyline } from '../../lib/baseline/keyboard.js';
import { BaselineGridCache, baselineReference, dtwDistance } from '../../lib/baseline/reference.js';
import { TopK } from '../../lib/baseline/top-k.js';
import { at, own } from '../../lib/util/checked.js';

const grids = loadGrids();

describe('baseline vocabulary', () => {
  it('keeps the first tab field, skips hyphenated words, strips and lower-cases, truncates, sorts and groups', () => {
    const text = 'Привет\t12\nкто-то\nдом  \n  Дым\nабв\nдом\n\nёж\n';
    const v = buildBaselineVocab(text);
    expect(v.words).toEqual(['абв', 'дом', 'дом', 'дым', 'привет', 'ёж']);
    expect([...v.groups]).toEqual([['а', [0, 1]], ['д', [1, 4]], ['п', [4, 5]], ['ё', [5, 6]]]);
    expect(buildBaselineVocab(text, 3).words).toEqual(['дом', 'дым', 'привет']);
    expect(buildBaselineVocab(text, 0).words).toEqual([]);
  });

  it('compares by code point and strips Python whitespace only', () => {
    expect(compareCodePoints('\u{10000}', '\uffff')).toBeGreaterThan(0);
    expect(compareCodePoints('да', 'дам')).toBeLessThan(0);
    expect(pyStrip('\u3000да\x1c ')).toBe('да');
    expect(pyStrip('\ufeffда')).toBe('\ufeffда');
  });
});

describe('baseline keyboard', () => {
  it('keeps one-character keys in key order with float32 centres', () => {
    expect([...baselineKeys(own(grids, 'default')).keys()].join('')).toBe('йцукенгшщзхфывапролджэячсмитьбю,.');
    expect([...baselineKeys(own(grids, 'extra')).keys()].join('')).toBe('йцукенгшщзхёфывапролджэъячсмитьбю?,.');
    expect(baselineKeys(own(grids, 'default')).get('й')).toMatchObject({ left: 0, right: 99, top: 15, bottom: 169, cx: 49.5, cy: 92 });
  });

  it('gives the earlier key on a one-pixel overlap and Latin a off the keys', () => {
    const keys = baselineKeys(own(grids, 'default'));
    expect(letterAt(keys, 98, 100)).toBe('й');
    expect(letterAt(keys, 99, 100)).toBe('ц');
    expect(letterAt(keys, 500, 5)).toBe('a');
  });

  it('skips letters without a key in polylines (ъ on the default grid)', () => {
    const keys = baselineKeys(own(grids, 'default'));
    expect(wordPolyline(keys, 'съел')).toEqual(wordPolyline(keys, 'сел'));
    expect(wordPolyline(baselineKeys(own(grids, 'extra')), 'съел').x).toHaveLength(4);
  });
});

describe('DTW', () => {
  it('accumulates squared distances along the best path and takes the square root', () => {
    expect(dtwDistance([0, 1], [0, 0], [0], [0])).toBe(1);
    expect(dtwDistance([0, 2, 4], [0, 0, 0], [0, 4], [0, 0])).toBe(2);
    expect(dtwDistance([0, 2, 4], [0, 0, 0], [0, 4], [0, 0])).toBe(dtwDistance([0, 4], [0, 0], [0, 2, 4], [0, 0, 0]));
    expect(dtwDistance([], [], [1], [1])).toBe(Infinity);
  });
});

describe('top-4 selection', () => {
  const run = (offers: [number, string][]) => {
    const t = new TopK(4);
    for (const [d, w] of offers) t.offer(d, w);
    return t.result();
  };

  it("replays Python heapq, ties included (expected values computed with Python's heapq)", () => {
    const offers: [number, string][] = [[5, 'д'], [3, 'в'], [5, 'а'], [5, 'б'], [4, 'г'], [5, 'е'], [3, 'ж'], [4, 'а'], [3, 'б'], [3, 'а']];
    expect(run(offers)).toEqual([[3, 'а'], [3, 'б'], [3, 'ж'], [3, 'в']]);
    expect(run([[2, 'ссора'], [2, 'сора'], [1, 'а'], [2, 'аа'], [2, 'ааа'], [2, 'б']])).toEqual([[1, 'а'], [2, 'аа'], [2, 'сора'], [2, 'ссора']]);
  });

  it('keeps fewer than four when there are fewer candidates', () => {
    expect(run([[2, 'да'], [1, 'до']])).toEqual([[1, 'до'], [2, 'да']]);
  });
});

describe('reference baseline', () => {
  it('ranks the words of the first letter by DTW to the key-centre polyline', () => {
    const vocab = buildBaselineVocab('привет\nпират\nпри\nмир\nпривез\nприват\n');
    const keys = baselineKeys(own(grids, 'default'));
    const line = wordPolyline(keys, 'привет');
    const out = baselineReference(line.x.map(Math.round), line.y.map(Math.round), new BaselineGridCache(own(grids, 'default')), vocab);
    expect(out.map((c) => c[1])).toEqual(['привет', 'приват', 'пират', 'при']);
    expect(at(out, 0)[0]).toBeLessThan(2); // the swipe is the rounded polyline itself
    const pri = wordPolyline(keys, 'при');
    expect(at(out, 3)[0]).toBe(dtwDistance(line.x.map(Math.round), line.y.map(Math.round), pri.x, pri.y));
    const privez = wordPolyline(keys, 'привез');
    expect(dtwDistance(line.x.map(Math.round), line.y.map(Math.round), privez.x, privez.y)).toBeGreaterThan(at(out, 3)[0]);
  });
});
