import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { CharTokenizer } from '../../lib/tokenizer.js';
import { Vocabulary, readVocabularyFile, splitLines } from '../../lib/vocabulary.js';
import { at } from '../../lib/util/checked.js';

const VOCAB_FILE = new URL('../fixtures/vocab-small.txt', import.meta.url).pathname;
const COMPETITION_TOKENS = ['-', ...'абвгдежзийклмнопрстуфхцчшщъыьэюя', '<eos>', '<unk>', '<pad>', '<sos>'];

/** The seed's prefix table (§6.2), built the straightforward way. */
function seedTable(words: string[], tok: CharTokenizer): Map<string, Set<number>> {
  const table = new Map<string, Set<number>>();
  for (const w of words) {
    const t = tok.encode(w);
    for (let i = 1; i < t.length; i++) {
      const key = t.slice(0, i).join(',');
      if (!table.has(key)) table.set(key, new Set());
      table.get(key)!.add(at(t, i));
    }
  }
  return table;
}

describe('Vocabulary trie', () => {
  const tok = CharTokenizer.fromTokens(COMPETITION_TOKENS);
  const words = readVocabularyFile(VOCAB_FILE);

  it('allows exactly the seed prefix table’s tokens after every prefix of every word', async () => {
    const vocab = await Vocabulary.build(words, tok, VOCAB_FILE);
    expect(vocab.size).toBe(words.length);
    const table = seedTable(words, tok);
    let checked = 0;
    for (const [key, allowed] of table) {
      const prefix = key.split(',').map(Number).slice(1); // drop <sos>
      expect(vocab.allowedAfter(prefix), key).toEqual([...allowed].sort((a, b) => a - b));
      checked++;
    }
    expect(checked).toBeGreaterThan(words.length);
  });

  it('allows <eos> where a word ends and nothing after an unknown prefix', async () => {
    const vocab = await Vocabulary.build(['да', 'дом', 'дома'], tok);
    const id = (s: string) => [...s].map((c) => tok.tokenId(c));
    expect(vocab.allowedAfter([])).toEqual(id('д'));
    expect(vocab.allowedAfter(id('д'))).toEqual([...id('ао')].sort((a, b) => a - b));
    expect(vocab.allowedAfter(id('да'))).toEqual([tok.eosId]);
    expect(vocab.allowedAfter(id('дом'))).toEqual([...id('а'), tok.eosId].sort((a, b) => a - b));
    expect(vocab.allowedAfter(id('дя'))).toEqual([]);
    expect(vocab.allowedAfter(id('домаа'))).toEqual([]);
  });

  it('never allows <pad> or <sos> (ids ≥ n_classes)', async () => {
    const vocab = await Vocabulary.build(words.slice(0, 200), tok);
    for (const w of words.slice(0, 200)) {
      const ids = [...w].map((c) => tok.tokenId(c));
      for (let i = 0; i <= ids.length; i++) {
        for (const a of vocab.allowedAfter(ids.slice(0, i))) expect(a).toBeLessThan(35);
      }
    }
  });

  it('rejects an empty vocabulary', async () => {
    await expect(Vocabulary.build([], tok, 'v.txt')).rejects.toThrow(/v\.txt: the vocabulary is empty/);
  });

  it('names the word, its line and the character the tokenizer lacks', async () => {
    await expect(Vocabulary.build(['дом', 'ёлка'], tok, 'v.txt')).rejects.toThrow(/v\.txt: line 2: word "ёлка" has the character "ё" \(U\+0451\)/);
  });

  it('splits lines like Python str.splitlines', () => {
    expect(splitLines('а\nб\r\nв\rг\n')).toEqual(['а', 'б', 'в', 'г']);
    expect(splitLines('а\n\nб')).toEqual(['а', '', 'б']);
    expect(splitLines('')).toEqual([]);
    expect(readFileSync(VOCAB_FILE, 'utf8').endsWith('\n')).toBe(true);
  });
});
