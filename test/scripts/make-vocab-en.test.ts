/**
 * scripts/make_vocab_en.mjs: its rules on a small SUBTLEX-style file and spelling list (the script's real
 * input formats), and the committed English word list and frequency file it wrote from the real sources.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = new URL('../..', import.meta.url).pathname;
const SCRIPT = join(ROOT, 'scripts/make_vocab_en.mjs');
const VOCAB = join(ROOT, 'examples/en/vocab.txt');
const FREQUENCY = join(ROOT, 'examples/en/frequency.tsv');

function run(args: string[]): { status: number | null; stderr: string } {
  return spawnSync(process.execPath, [SCRIPT, ...args], { cwd: ROOT, encoding: 'utf8' });
}

function lines(path: string): string[] {
  return readFileSync(path, 'utf8').trimEnd().split('\n');
}

describe('make_vocab_en.mjs rules', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ns-vocab-en-'));
  mkdirSync(join(dir, 'subtlex'));
  writeFileSync(join(dir, 'subtlex', 'index.json'), JSON.stringify([
    { word: 'you', count: 900 },
    { word: 'I', count: 800 }, // one letter
    { word: 'What', count: 700 }, // sentence-initial capital: kept as "what"
    { word: 'don', count: 600 }, // half of "don't"
    { word: 'John', count: 500 }, // a name the spelling list has capitalised
    { word: 'didn', count: 400 }, // not in the spelling list
    { word: 'house', count: 300 },
    { word: 'mother-in-law', count: 200 }, // not a–z only
    { word: 'zebra', count: 1 },
    { word: 'aardvark', count: 1 },
    { word: 'rare', count: 0 },
  ]));
  writeFileSync(join(dir, 'dict'), ['you', 'what', 'don', 'John', 'john', 'house', 'mother-in-law', 'zebra', 'aardvark', 'rare', 'i', ''].join('\n'));
  const out = (name: string) => join(dir, name);

  it('keeps lowercase a–z dictionary words, drops names, fragments and zero counts, and writes both files', () => {
    const r = run(['--subtlex', join(dir, 'subtlex'), '--dict', join(dir, 'dict'), '--vocab-out', out('v.txt'), '--frequency-out', out('f.tsv')]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('11 SUBTLEX entries');
    expect(r.stderr).toContain('5 words kept');
    expect(lines(out('v.txt'))).toEqual(['aardvark', 'house', 'what', 'you', 'zebra']);
    expect(lines(out('f.tsv'))).toEqual(['you\t900', 'what\t700', 'house\t300', 'aardvark\t1', 'zebra\t1']);
  });

  it('--size keeps the most frequent words and --min-count drops rare ones', () => {
    expect(run(['--subtlex', join(dir, 'subtlex'), '--dict', join(dir, 'dict'), '--size', '2', '--vocab-out', out('v2.txt'), '--frequency-out', out('f2.tsv')]).status).toBe(0);
    expect(lines(out('v2.txt'))).toEqual(['what', 'you']);
    expect(run(['--subtlex', join(dir, 'subtlex'), '--dict', join(dir, 'dict'), '--min-count', '2', '--vocab-out', out('v3.txt'), '--frequency-out', out('f3.tsv')]).status).toBe(0);
    expect(lines(out('v3.txt'))).toEqual(['house', 'what', 'you']);
  });

  it('names a missing spelling list, a bad SUBTLEX file and a bad option', () => {
    const missing = run(['--subtlex', join(dir, 'subtlex'), '--dict', join(dir, 'nope'), '--vocab-out', out('x.txt'), '--frequency-out', out('x.tsv')]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain(`${join(dir, 'nope')}: no such spelling list (install Debian's wamerican package, or give --dict PATH)`);
    mkdirSync(join(dir, 'bad'));
    writeFileSync(join(dir, 'bad', 'index.json'), JSON.stringify([{ word: 'you', count: -1 }]));
    const bad = run(['--subtlex', join(dir, 'bad'), '--dict', join(dir, 'dict'), '--vocab-out', out('x.txt'), '--frequency-out', out('x.tsv')]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('entry 0: expected { word: string, count: non-negative integer }');
    const option = run(['--size', 'many']);
    expect(option.status).toBe(1);
    expect(option.stderr).toContain('--size: expected a non-negative integer, got "many"');
  });
});

describe('the committed English vocabulary', () => {
  const words = lines(VOCAB);
  const freq = lines(FREQUENCY).map((l) => l.split('\t'));

  it('is about 50,000 sorted, distinct words of 2…20 letters a–z', () => {
    expect(words.length).toBeGreaterThan(45_000);
    expect(words.length).toBeLessThan(55_000);
    expect(words.filter((w) => !/^[a-z]{2,20}$/.test(w))).toEqual([]);
    expect(new Set(words).size).toBe(words.length);
    expect([...words].sort()).toEqual(words);
  });

  it('has a count for every word, most frequent first, with common words on top and no fragments or names', () => {
    expect(freq.every((f) => f.length === 2 && /^[1-9]\d*$/.test(f[1]!))).toBe(true);
    expect(freq.map((f) => f[0]).sort()).toEqual(words);
    const counts = freq.map((f) => Number(f[1]));
    expect(counts.every((c, i) => i === 0 || c <= counts[i - 1]!)).toBe(true);
    const top = freq.slice(0, 20).map((f) => f[0]);
    for (const w of ['you', 'the', 'to', 'and', 'what']) expect(top, w).toContain(w);
    const all = new Set(words);
    for (const w of ['don', 're', 'll', 've', 'didn', 'john']) expect(all.has(w), w).toBe(false);
    for (const w of ['hello', 'keyboard', 'swipe', 'because', 'something']) expect(all.has(w), w).toBe(true);
  });
});
