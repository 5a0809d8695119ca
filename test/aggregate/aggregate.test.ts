import { describe, expect, it } from 'vitest';
import type { Candidate } from '../../lib/predictions.js';
import { appendPreds, separateOutVocab } from '../../lib/aggregate/primitives.js';
import { aggregateAppendage, rankScores } from '../../lib/aggregate/appendage.js';
import { aggregateWeighted, mergeByScore } from '../../lib/aggregate/weighted.js';
import { pySplitLines } from '../../lib/aggregate/vocab.js';

const vocab = new Set(['привет', 'привез', 'привел', 'приват', 'пират', 'дом', 'дым', 'дам', 'дума', 'да']);
const c = (...pairs: [number, string][]): Candidate[] => pairs;

describe('primitives', () => {
  it('separates in- and out-of-vocabulary hypotheses keeping order', () => {
    expect(separateOutVocab(c([1, 'привет'], [2, 'превет'], [3, 'дом']), vocab)).toEqual({ inVocab: c([1, 'привет'], [3, 'дом']), outVocab: c([2, 'превет']) });
  });

  it('appends new words up to the limit and never cuts a longer row', () => {
    const out = appendPreds([['дом'], ['да', 'дом', 'дым', 'дам', 'дума'], []], [['дом', 'дым', 'дам', 'дума', 'да'], ['привет'], ['да', 'да']], 4);
    expect(out).toEqual([['дом', 'дым', 'дам', 'дума'], ['да', 'дом', 'дым', 'дам', 'дума'], ['да']]);
  });

  it('splits lines like str.splitlines()', () => {
    expect(pySplitLines('да\nдом\r\nдым\rдам\u2028дума\n')).toEqual(['да', 'дом', 'дым', 'дам', 'дума']);
    expect(pySplitLines('')).toEqual([]);
    expect(pySplitLines('да\n\n')).toEqual(['да', '']);
  });
});

describe('appendage aggregation', () => {
  it('takes models in order, drops out-of-vocabulary words, skips duplicates and stops at the limit', () => {
    const m1 = [c([0.1, 'привет'], [0.2, 'прибет'], [0.3, 'привез']), c(), c([0.5, 'дом'])];
    const m2 = [c([0.1, 'привет'], [0.4, 'пират'], [0.5, 'приват'], [0.6, 'привел']), c([1, 'дым']), c([0.2, 'дом'], [0.3, 'дом'])];
    expect(aggregateAppendage([m1, m2], vocab, 4)).toEqual([['привет', 'привез', 'пират', 'приват'], ['дым'], ['дом']]);
    expect(aggregateAppendage([m2, m1], vocab, 4)).toEqual([['привет', 'пират', 'приват', 'привел'], ['дым'], ['дом']]);
    expect(rankScores([['да', 'дом']])).toEqual([[[0, 'да'], [1, 'дом']]]);
  });

  it('refuses models with different row counts', () => {
    expect(() => aggregateAppendage([[c()], [c(), c()]], vocab, 4)).toThrow(/model 1 has 2 rows/);
  });
});

describe('weighted aggregation', () => {
  it('merges with ties going to the later model', () => {
    expect(mergeByScore(c([1, 'дом'], [2, 'дым']), c([1, 'дам'], [3, 'да']))).toEqual(c([1, 'дам'], [1, 'дом'], [2, 'дым'], [3, 'да']));
    expect(mergeByScore(c([0.5, 'дом']), c([1, 'дам']))).toEqual(c([0.5, 'дом'], [1, 'дам']));
  });

  it('scales scores, merges in order, removes duplicates and cuts to the limit', () => {
    const m1 = [c([1, 'дом'], [2, 'дым'], [3, 'дома'], [4, 'дама'], [5, 'дам'])];
    const m2 = [c([1.5, 'дым'], [2, 'дума'], [2.5, 'да'])];
    expect(aggregateWeighted([m1, m2], [1, 1], vocab, 4)).toEqual([c([1, 'дом'], [1.5, 'дым'], [2, 'дума'], [2.5, 'да'])]);
    expect(aggregateWeighted([m1, m2], [1, 2], vocab, 4)).toEqual([c([1, 'дом'], [2, 'дым'], [4, 'дума'], [5, 'да'])]);
    expect(aggregateWeighted([m1, m2], [2, 1], vocab, 2)).toEqual([c([1.5, 'дым'], [2, 'дума'])]);
  });

  it('pairs models and weights like zip and handles empty rows and short rows', () => {
    const m1 = [c([1, 'дом']), c()];
    const m2 = [c([0.5, 'дым']), c([0.1, 'да'])];
    expect(aggregateWeighted([m1, m2], [1], vocab, 4)).toEqual([c([1, 'дом']), c()]);
    expect(aggregateWeighted([m1, m2], [1, 1, 7], vocab, 4)).toEqual([c([0.5, 'дым'], [1, 'дом']), c([0.1, 'да'])]);
    expect(aggregateWeighted([], [], vocab, 4)).toEqual([]);
  });
});
