import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CharTokenizer, distanceColumns, DISTANCE_COLUMNS, KeyboardTokenizer } from '../../lib/tokenizer.js';
import { LATIN_ALPHABET } from '../../lib/keyboard/alphabet.js';

const LETTERS = 'абвгдежзийклмнопрстуфхцчшщъыьэюя';
// A vocabulary with the competition's character inventory (32 letters without ё, plus '-') and its longest word.
const VOCAB = ['информационно-телекоммуникационной', 'съешь', 'жёлтый'.replace('ё', 'е'), 'щука', 'фыва', 'эхо', 'ягодка', 'бюджет', 'зачем', 'привет', ''].join('\n');

function vocabFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'ns-voc-'));
  const p = join(dir, 'voc.txt');
  writeFileSync(p, text);
  return p;
}

describe('CharTokenizer.fromVocabFile (spec §4.1)', () => {
  const tok = CharTokenizer.fromVocabFile(vocabFile(VOCAB));

  it('has the 37 competition tokens in order', () => {
    expect(tok.tokens).toEqual(['-', ...LETTERS, '<eos>', '<unk>', '<pad>', '<sos>']);
    expect([tok.eosId, tok.unkId, tok.padId, tok.sosId]).toEqual([33, 34, 35, 36]);
    expect(tok.tokens[10]).toBe('й');
    expect(tok.tokens[27]).toBe('ъ');
  });

  it('max word length is the longest word plus 2 (36)', () => {
    expect(tok.maxWordLen).toBe(36);
  });

  it('encodes with <sos>/<eos> and maps unknown characters (ё, Latin) to <unk>', () => {
    expect(tok.encode('привет')).toEqual([36, 16, 17, 9, 3, 6, 19, 33]);
    expect(tok.encode('ёж')).toEqual([36, 34, 7, 33]);
    expect(tok.encode('')).toEqual([36, 33]);
  });

  it('decodes by concatenating token strings, special tokens included', () => {
    expect(tok.decode([16, 17, 9, 3, 6, 19])).toBe('привет');
    expect(tok.decode(tok.encode('да'))).toBe('<sos>да<eos>');
    expect(() => tok.decode([37])).toThrow(RangeError);
  });

  it('sorts by code point and keeps every character of the file', () => {
    const t = CharTokenizer.fromVocabText('ба\nz\nаб\n');
    expect(t.tokens).toEqual(['z', 'а', 'б', '<eos>', '<unk>', '<pad>', '<sos>']);
    expect(t.maxWordLen).toBe(4);
  });

  it('a missing vocabulary file is an error naming it', () => {
    expect(() => CharTokenizer.fromVocabFile('/nonexistent/voc.txt')).toThrow(/\/nonexistent\/voc\.txt/);
  });
});

describe('CharTokenizer.fromTokens', () => {
  it('builds the same tokenizer from a model token list', () => {
    const a = CharTokenizer.fromVocabFile(vocabFile(VOCAB));
    const b = CharTokenizer.fromTokens([...a.tokens], 36);
    expect(b.tokens).toEqual(a.tokens);
    expect(b.encode('съешь')).toEqual(a.encode('съешь'));
    expect(b.maxWordLen).toBe(36);
    expect(CharTokenizer.fromTokens([...a.tokens]).maxWordLen).toBeUndefined();
  });

  it('rejects lists without the special tokens, with repeats or empty tokens', () => {
    expect(() => CharTokenizer.fromTokens(['а', '<eos>', '<unk>', '<pad>'])).toThrow(/<sos>/);
    expect(() => CharTokenizer.fromTokens(['а', 'а', '<eos>', '<unk>', '<pad>', '<sos>'])).toThrow(/twice/);
    expect(() => CharTokenizer.fromTokens(['', '<eos>', '<unk>', '<pad>', '<sos>'])).toThrow(/token 0/);
    expect(() => CharTokenizer.fromTokens(['а', '<eos>', '<unk>', '<pad>', '<sos>'], 1)).toThrow(RangeError);
  });
});

describe('KeyboardTokenizer (spec §4.2)', () => {
  const kb = new KeyboardTokenizer();
  it('has 36 tokens with the Latin ë at 6', () => {
    expect(kb.size).toBe(36);
    expect(kb.tokens.join(' ')).toBe('а б в г д е \u00eb ж з и й к л м н о п р с т у ф х ц ч ш щ ъ ы ь э ю я - <unk> <pad>');
    expect(kb.getToken('\u00eb')).toBe(6);
  });
  it('maps known labels to ids and unknown ones (Cyrillic ё, actions) to 34', () => {
    expect(kb.getToken('а')).toBe(0);
    expect(kb.getToken('ц')).toBe(23);
    expect(kb.getToken('я')).toBe(32);
    expect(kb.getToken('-')).toBe(33);
    expect(kb.getToken('ё')).toBe(34);
    expect(kb.getToken('space')).toBe(34);
    expect(kb.getLabel(23)).toBe('ц');
    expect(() => kb.getLabel(36)).toThrow(RangeError);
  });
});

describe('KeyboardTokenizer of a Latin grid', () => {
  const kb = new KeyboardTokenizer(LATIN_ALPHABET);
  it('puts a–z at 0…25, keeps -, <unk>, <pad> at 33, 34, 35, and leaves slots 26…32 matching no key', () => {
    expect(kb.size).toBe(36);
    expect(kb.tokens.slice(0, 26).join('')).toBe('abcdefghijklmnopqrstuvwxyz');
    expect(kb.getToken('a')).toBe(0);
    expect(kb.getToken('z')).toBe(25);
    expect(kb.getToken('-')).toBe(33);
    expect(kb.padId).toBe(35);
    expect(kb.getLabel(35)).toBe('<pad>');
    for (const label of ['а', 'shift', 'A', "'"]) expect(kb.getToken(label), label).toBe(34);
    expect(new Set(kb.tokens).size).toBe(36);
  });
  it('gives the same 37 distance columns as the seed, with a–z in the letter slots', () => {
    const cols = distanceColumns(LATIN_ALPHABET);
    expect(cols.length).toBe(DISTANCE_COLUMNS.length);
    expect(cols.slice(0, 3)).toEqual(['a', 'b', 'c']);
    expect(cols.slice(-4)).toEqual(DISTANCE_COLUMNS.slice(-4));
  });
  it('refuses more than 33 letters or a repeated letter', () => {
    expect(() => new KeyboardTokenizer(Array.from({ length: 34 }, (_, i) => String.fromCodePoint(0x4e00 + i)))).toThrow(/at most 33 letters, got 34/);
    expect(() => new KeyboardTokenizer(['a', 'a'])).toThrow(/letters must be distinct/);
  });
});
