/**
 * scripts/make_vocab_ru.mjs: its rules on a small hunspell dictionary, text folder and training list (the
 * script's real input formats), and the committed Russian everyday list it wrote from the real sources.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = new URL('../..', import.meta.url).pathname;
const SCRIPT = join(ROOT, 'scripts/make_vocab_ru.mjs');
const EVERYDAY = join(ROOT, 'examples/vocab-everyday.txt');
const TRAINING = join(ROOT, 'examples/vocab.txt');

function run(args: string[]): { status: number | null; stderr: string } {
  return spawnSync(process.execPath, [SCRIPT, ...args], { cwd: ROOT, encoding: 'utf8' });
}

function lines(path: string): string[] {
  return readFileSync(path, 'utf8').trimEnd().split('\n');
}

describe('make_vocab_ru.mjs rules', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ns-vocab-ru-'));
  const source = join(dir, 'dictionary');
  mkdirSync(source);
  writeFileSync(join(source, 'index.aff'), [
    'SET UTF-8', '', 'SFX A Y 2', 'SFX A 0 а [^а]', 'SFX A 0 ом .', '', 'SFX B Y 2', 'SFX B а ы а', 'SFX B а е а', '',
  ].join('\n'));
  // A proper noun (capitalised), one-letter words, a hyphenated word and a word with ё.
  writeFileSync(join(source, 'index.dic'), ['8', 'привет/A', 'Москва/B', 'я', 'и', 'в', 'что-то', 'ёлка/B', 'дом/A', ''].join('\n'));
  const corpus = join(dir, 'corpus');
  mkdirSync(corpus);
  writeFileSync(join(corpus, 'a'), 'Привет из Москвы.\n%\nЯ и ты — в Москве, а ёлке дома.\n');
  writeFileSync(join(corpus, 'b'), 'Дома, дома!\n');
  writeFileSync(join(corpus, 'a.dat'), 'домом приветом\n'); // fortune's index files are not text
  symlinkSync(join(corpus, 'a'), join(corpus, 'a.u8')); // a link is not counted twice
  writeFileSync(join(dir, 'training.txt'), 'кот\nпривет\n');
  const out = (name: string) => join(dir, name);
  const base = ['--source', source, '--corpus', corpus, '--training', join(dir, 'training.txt')];

  it('keeps lowercase lemmas, dictionary forms seen in the text (proper nouns lowercased) and the training words', () => {
    const r = run([...base, '--out', out('v.txt')]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain(`${corpus}: 13 words (11 distinct) in 2 files`);
    expect(r.stderr).toContain('6 lemmas, 8 forms seen in the corpus; 1 training words added');
    // Not kept: привета/приветом/домом/елки (not in the text, and .dat files are not read), москва (a proper
    // noun's headword that the text does not use), что-то (the default grid has no `-` key), ты/из/а (not
    // in the dictionary).
    expect(lines(out('v.txt'))).toEqual(['в', 'дом', 'дома', 'елка', 'елке', 'и', 'кот', 'москве', 'москвы', 'привет', 'я']);
  });

  it('--frequency-out writes the corpus counts of the list\'s words, most frequent first', () => {
    expect(run([...base, '--out', out('v1.txt'), '--frequency-out', out('f1.tsv')]).status).toBe(0);
    expect(lines(out('f1.tsv'))).toEqual(['дома\t3', 'в\t1', 'елке\t1', 'и\t1', 'москве\t1', 'москвы\t1', 'привет\t1', 'я\t1']);
  });

  it('--min-count keeps only forms seen that often', () => {
    expect(run([...base, '--min-count', '2', '--out', out('v2.txt')]).status).toBe(0);
    expect(lines(out('v2.txt'))).toEqual(['в', 'дом', 'дома', 'елка', 'и', 'кот', 'привет', 'я']);
  });

  it('names an empty text folder, a bad training word and a bad option', () => {
    mkdirSync(join(dir, 'empty'));
    const empty = run(['--source', source, '--corpus', join(dir, 'empty'), '--training', join(dir, 'training.txt'), '--out', out('x.txt')]);
    expect(empty.status).toBe(1);
    expect(empty.stderr).toContain(`${join(dir, 'empty')}: no text files (install Debian's fortunes-ru, or give --corpus DIR)`);
    writeFileSync(join(dir, 'bad.txt'), 'кот\nКот\n');
    const bad = run(['--source', source, '--corpus', corpus, '--training', join(dir, 'bad.txt'), '--out', out('x.txt')]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain(`${join(dir, 'bad.txt')}:2: "Кот" is not a normalised word (lowercase а–я)`);
    const option = run(['--min-count', '0']);
    expect(option.status).toBe(1);
    expect(option.stderr).toContain('--min-count: expected a positive integer, got "0"');
  });
});

describe('the committed Russian everyday list', () => {
  const words = lines(EVERYDAY);

  it('is 165,220 sorted, distinct words of 1…34 letters а–я (the count the docs give)', () => {
    expect(words).toHaveLength(165_220);
    expect(words.filter((w) => !/^[а-я]{1,34}$/.test(w))).toEqual([]);
    expect(new Set(words).size).toBe(words.length);
    expect([...words].sort()).toEqual(words);
  });

  it('holds every training word and the everyday words the training list lacks', () => {
    const all = new Set(words);
    const training = lines(TRAINING);
    expect(training.filter((w) => !all.has(w))).toEqual([]);
    const everyday = ['привет', 'москва', 'я', 'и', 'в', 'спасибо', 'здравствуйте', 'хорошо', 'мама', 'сегодня'];
    for (const w of everyday) expect(all.has(w), w).toBe(true);
    // The words the issue found missing from the training list.
    expect(['привет', 'москва', 'я', 'и', 'в'].filter((w) => training.includes(w))).toEqual([]);
  });
});
