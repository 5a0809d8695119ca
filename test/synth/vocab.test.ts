import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseVocab, readVocab } from '../../lib/synth/vocab.js';
import { filterVocabForGrid } from '../../lib/synth/vocab-filter.js';
import { EN_VOCAB, EXAMPLE_VOCAB, layoutOf, SMALL_VOCAB } from './helpers.js';

const INVENTORY = /^[а-я-]+$/u; // `-` and а…я; ё (U+0451) lies outside the range (competition voc.txt)

describe('committed word lists', () => {
  const example = readFileSync(EXAMPLE_VOCAB, 'utf8').trimEnd().split('\n');
  const small = readFileSync(SMALL_VOCAB, 'utf8').trimEnd().split('\n');

  it('use only the competition inventory, lengths 2…34, no duplicates', () => {
    for (const list of [example, small]) {
      for (const w of list) {
        if (!INVENTORY.test(w) || w.length < 2 || w.length > 34) throw new Error(`bad word ${JSON.stringify(w)}`);
      }
      expect(new Set(list).size).toBe(list.length);
    }
  });

  it('have the documented sizes, and the small list is part of the example list', () => {
    expect(example.length).toBe(20000);
    expect(small.length).toBe(2000);
    const ex = new Set(example);
    expect(small.filter((w) => !ex.has(w))).toEqual([]);
  });

  it('are real Russian words of many lengths', () => {
    const ex = new Set(example);
    for (const w of ['дом', 'вода', 'быть']) expect(ex.has(w), w).toBe(true);
    const lengths = new Set(example.map((w) => w.length));
    for (let l = 2; l <= 15; l++) expect(lengths.has(l), `length ${l}`).toBe(true);
  });
});

describe('parseVocab', () => {
  it('reads one word per line, skipping blank lines and keeping line numbers', () => {
    expect(parseVocab('дом\r\n\n  кот \n', 'v.txt')).toEqual([
      { word: 'дом', line: 1 },
      { word: 'кот', line: 3 },
    ]);
  });

  it('names the file and line of a bad word, and rejects an empty vocabulary', () => {
    expect(() => parseVocab('дом\nHouse\n', 'v.txt')).toThrow(/v\.txt:2: word "House": unexpected character "H"/);
    expect(() => parseVocab('дом\nДом\n', 'v.txt')).toThrow(/v\.txt:2/);
    expect(() => parseVocab('\n \n', 'v.txt')).toThrow(/v\.txt: vocabulary is empty/);
    expect(() => readVocab('/nonexistent/vocab.txt')).toThrow(/\/nonexistent\/vocab\.txt: cannot read vocabulary/);
  });
});

describe('filterVocabForGrid on the real grids', () => {
  const words = parseVocab('объем\nелка\nёлка\nкто-то\nподъезд\nдом\n', 'v.txt');

  it('skips words with letters that have no allowed key (ъ on default, ё on both) and reports them', () => {
    const d = filterVocabForGrid(words, layoutOf('default'));
    expect(d.words.map((w) => w.word)).toEqual(['елка', 'кто-то', 'дом']);
    expect(d.skipped.map((s) => [s.word, s.line, s.letter])).toEqual([
      ['объем', 1, 'ъ'],
      ['ёлка', 3, 'ё'],
      ['подъезд', 5, 'ъ'],
    ]);
    const e = filterVocabForGrid(words, layoutOf('extra'));
    expect(e.words.map((w) => w.word)).toEqual(['объем', 'елка', 'кто-то', 'подъезд', 'дом']);
    expect(e.skipped.map((s) => s.word)).toEqual(['ёлка']);
  });

  it('traces hyphenated words without the hyphen', () => {
    const d = filterVocabForGrid(words, layoutOf('default'));
    expect(d.words.find((w) => w.word === 'кто-то')!.trace).toBe('ктото');
  });

  it('substitutes ъ→ь and ё→е under the substitute policy, keeping the target word', () => {
    const d = filterVocabForGrid(words, layoutOf('default'), 'substitute');
    expect(d.skipped).toEqual([]);
    expect(d.substituted).toBe(3);
    expect(d.words.find((w) => w.word === 'объем')!.trace).toBe('обьем');
    expect(d.words.find((w) => w.word === 'ёлка')!.trace).toBe('елка');
  });

  it('throws naming the file, line and letter under the error policy', () => {
    expect(() => filterVocabForGrid(words, layoutOf('default'), 'error', 'v.txt')).toThrow(/v\.txt:1: word "объем": letter "ъ" has no key on grid "default"/);
  });
});

describe('English words on the qwerty grid', () => {
  const words = parseVocab("hello\ndon't\nwell-known\nдом\n", 'en.txt');

  it('reads Latin letters, the apostrophe and the hyphen', () => {
    expect(words.map((w) => w.word)).toEqual(['hello', "don't", 'well-known', 'дом']);
    expect(() => parseVocab('hello\ncafé\n', 'en.txt')).toThrow(/en\.txt:2: word "café": unexpected character "é"/);
  });

  it('traces a–z words without the apostrophe and the hyphen, and skips words with letters the grid lacks', () => {
    const q = filterVocabForGrid(words, layoutOf('qwerty'));
    expect(q.words).toEqual([
      { word: 'hello', trace: 'hello' },
      { word: "don't", trace: 'dont' },
      { word: 'well-known', trace: 'wellknown' },
    ]);
    expect(q.skipped.map((s) => [s.word, s.letter])).toEqual([['дом', 'д']]);
    const d = filterVocabForGrid(words, layoutOf('default'));
    expect(d.words.map((w) => w.word)).toEqual(['дом']);
    expect(d.skipped.map((s) => [s.word, s.letter])).toEqual([['hello', 'h'], ["don't", 'd'], ['well-known', 'w']]);
  });

  it('every word of the English example vocabulary can be swiped on qwerty', () => {
    const en = readVocab(EN_VOCAB);
    const q = filterVocabForGrid(en, layoutOf('qwerty'));
    expect(q.skipped).toEqual([]);
    expect(q.words.length).toBe(en.length);
  });
});
