import { describe, expect, it } from 'vitest';
import { accuracy, dedupStable, swipeMrr, swipeMrrLine } from '../../lib/evaluate/metrics.js';
import { evaluateRows } from '../../lib/evaluate/evaluate.js';
import type { PredictionRow } from '../../lib/predictions.js';

describe('swipeMrrLine', () => {
  it('weights the first four distinct candidates 1, 0.1, 0.09, 0.08', () => {
    const preds = ['привет', 'привез', 'привел', 'приват', 'пират'];
    expect(swipeMrrLine(preds, 'привет')).toBe(1);
    expect(swipeMrrLine(preds, 'привез')).toBe(0.1);
    expect(swipeMrrLine(preds, 'привел')).toBe(0.09);
    expect(swipeMrrLine(preds, 'приват')).toBe(0.08);
    expect(swipeMrrLine(preds, 'пират')).toBe(0);
    expect(swipeMrrLine(preds, 'мир')).toBe(0);
  });

  it('de-duplicates stably before weighting', () => {
    expect(dedupStable(['да', 'да', 'до', 'да', 'дом'])).toEqual(['да', 'до', 'дом']);
    expect(swipeMrrLine(['да', 'да', 'до'], 'до')).toBe(0.1);
    expect(swipeMrrLine(['да', 'да', 'да', 'да', 'дом'], 'дом')).toBe(0.1);
  });

  it('allows fewer than four candidates and empty rows', () => {
    expect(swipeMrrLine(['кот'], 'кот')).toBe(1);
    expect(swipeMrrLine(['кит', 'кот'], 'кот')).toBe(0.1);
    expect(swipeMrrLine([], 'кот')).toBe(0);
  });
});

describe('swipeMrr', () => {
  it('averages per-swipe values summed in order', () => {
    const preds = [['не', 'на'], ['на', 'не'], ['ты', 'та', 'то', 'ту'], ['что']];
    const targets = ['не', 'не', 'ту', 'как'];
    expect(swipeMrr(preds, targets)).toBe((((0 + 1) + 0.1) + 0.08 + 0) / 4);
  });

  it('pairs like zip and divides by the number of prediction rows', () => {
    expect(swipeMrr([['да'], ['нет'], ['да']], ['да', 'нет'])).toBe(2 / 3);
    expect(swipeMrr([['да']], ['да', 'нет'])).toBe(1);
  });

  it('refuses an empty prediction list', () => {
    expect(() => swipeMrr([], [])).toThrow(/empty/);
  });
});

describe('accuracy', () => {
  it('counts exact top-1 matches; a missing top-1 is wrong', () => {
    expect(accuracy(['да', 'нет', undefined, 'что'], ['да', 'да', 'да', 'что'])).toBe(0.5);
    expect(() => accuracy([], [])).toThrow(/empty/);
  });
});

describe('evaluateRows', () => {
  const labels = { gridNames: ['default', 'extra', 'default'], words: ['привет', 'съел', undefined] };
  const row = (index: number, grid: string, words: string[]): PredictionRow => ({ index, grid_name: grid, candidates: words.map((w, i) => [i, w]) });

  it('cuts rows to four words before de-duplication, then scores', () => {
    const r = evaluateRows([row(0, 'default', ['при', 'при', 'при', 'при', 'привет'])], labels, 'p.jsonl');
    expect(r).toEqual({ swipes: 1, mrr: 0, accuracy: 0 });
  });

  it('matches rows to targets by index, in index order, and scores empty rows as misses', () => {
    const r = evaluateRows([row(1, 'extra', []), row(0, 'default', ['привет', 'привез'])], labels, 'p.jsonl');
    expect(r).toEqual({ swipes: 2, mrr: 0.5, accuracy: 0.5 });
  });

  it('names the row when the grid differs, the index is outside or the target is missing', () => {
    expect(() => evaluateRows([row(0, 'extra', ['a'])], labels, 'p.jsonl')).toThrow(/p\.jsonl: index 0: grid_name "extra"/);
    expect(() => evaluateRows([row(7, 'default', ['a'])], labels, 'p.jsonl')).toThrow(/index 7: outside the data file \(3 lines\)/);
    expect(() => evaluateRows([row(2, 'default', ['a'])], labels, 'p.jsonl')).toThrow(/index 2: the data line has no target word/);
    expect(() => evaluateRows([], labels, 'p.jsonl')).toThrow(/no prediction rows/);
  });
});
