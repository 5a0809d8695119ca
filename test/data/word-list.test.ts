import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blankLinesNote, parseWordList, readWordList } from '../../lib/io/word-list.js';
import { fitWordList } from '../../lib/vocabulary.js';
import { readVocabSet } from '../../lib/aggregate/vocab.js';
import { buildBaselineVocab } from '../../lib/baseline/vocab.js';
import { parseVocab } from '../../lib/synth/vocab.js';
import { readSwipes } from '../../lib/data/dataset.js';
import { readLabels } from '../../lib/data/labels.js';
import { loadGrids } from '../../lib/keyboard/grid.js';

describe('the word-list reader', () => {
  it('skips and counts blank lines, keeping the file lines of the words', () => {
    const list = parseWordList('дом\n\nкот\r\n  \nмир', 'v.txt');
    expect(list.words).toEqual(['дом', 'кот', 'мир']);
    expect(list.lines).toEqual([1, 3, 5]);
    expect(list.blankLines).toBe(2);
    expect(blankLinesNote(list)).toBe('v.txt: skipped 2 blank lines');
    expect(blankLinesNote(parseWordList('дом\n', 'w.txt'))).toBeNull();
  });
  it('refuses a file without words, naming it', () => {
    expect(() => parseWordList('', 'e.txt')).toThrow('e.txt: vocabulary is empty: the file has no line');
    expect(() => parseWordList('\n\n', 'b.txt')).toThrow('b.txt: vocabulary is empty: all 2 lines are blank');
    expect(() => readWordList('/nonexistent/voc.txt')).toThrow(/\/nonexistent\/voc\.txt: cannot read vocabulary/);
  });
  it('gives every command the same words: no empty word in any of them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'neuroswipe-words-'));
    const file = join(dir, 'voc.txt');
    writeFileSync(file, 'дом\n\nкот\n');
    expect([...readVocabSet(file)]).toEqual(['дом', 'кот']);
    expect(buildBaselineVocab('дом\n\nкот\n').words).toEqual(['дом', 'кот']);
    expect(parseVocab('дом\n\nкот\n', 'v.txt').map((w) => [w.word, w.line])).toEqual([['дом', 1], ['кот', 3]]);
  });
  it('leaves out words longer than the decoder generates, counting them, and never cuts one', () => {
    const list = parseWordList('да\nпривет\nдом\nёж\n', 'v.txt');
    const fitted = fitWordList(list, 3);
    expect(fitted.words).toEqual(['да', 'дом', 'ёж']);
    expect(fitted.lines).toEqual([1, 3, 4]);
    expect(fitted.tooLong).toBe(1);
    // Characters outside the BMP count once.
    expect(fitWordList(parseWordList('a\u{1F600}b\n', 'v.txt'), 3).tooLong).toBe(0);
  });
});

describe('blank lines in swipe files', () => {
  it('are refused by every swipe reader as "empty line", naming the file and line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'neuroswipe-blank-'));
    const file = join(dir, 'd.jsonl');
    const ok = JSON.stringify({ word: 'да', curve: { x: [1, 2], y: [1, 2], t: [0, 5], grid_name: 'default' } });
    writeFileSync(file, `${ok}\n\n${ok}\n`);
    await expect(readLabels(file)).rejects.toThrow(`${file}:2: (line): empty line`);
    const read = async (): Promise<void> => {
      for await (const _ of readSwipes(file, { grids: loadGrids() })) void _;
    };
    await expect(read()).rejects.toThrow(`${file}:2: (line): empty line`);
  });
});

describe('neuroswipe --version', () => {
  it('prints the package version', async () => {
    const { execFileSync } = await import('node:child_process');
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const out = execFileSync(process.execPath, [new URL('../../bin/neuroswipe.js', import.meta.url).pathname, '--version'], { encoding: 'utf8' });
    expect(out.trim()).toBe(pkg.version);
  });
});
