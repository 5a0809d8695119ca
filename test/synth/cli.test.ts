import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register } from '../../lib/cli/synth.js';
import { DEFAULT_GRIDS_PATH } from '../../lib/keyboard/grid.js';
import { synthesizeToFile } from '../../lib/synth/synthesize.js';
import { SMALL_VOCAB } from './helpers.js';

let dir: string;
const stderr: string[] = [];
const realWrite = process.stderr.write.bind(process.stderr);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'neuroswipe-synth-'));
  process.stderr.write = (s: string) => {
    stderr.push(s);
    return true;
  };
});
afterAll(() => {
  process.stderr.write = realWrite;
});

async function synth(...args: string[]): Promise<void> {
  const program = new Command().exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  register(program);
  await program.parseAsync(['node', 'neuroswipe', 'synth', ...args]);
}

const file = (name: string): string => join(dir, name);
const lines = (path: string): string[] => readFileSync(path, 'utf8').trimEnd().split('\n');

describe('neuroswipe synth', () => {
  it('writes the same bytes for the same seed and different bytes for another seed', async () => {
    await synth('--vocab', SMALL_VOCAB, '--count', '300', '--seed', '7', '--out', file('a.jsonl'));
    await synth('--vocab', SMALL_VOCAB, '--count', '300', '--seed', '7', '--out', file('b.jsonl'));
    await synth('--vocab', SMALL_VOCAB, '--count', '300', '--seed', '8', '--out', file('c.jsonl'));
    const a = readFileSync(file('a.jsonl'));
    expect(a.equals(readFileSync(file('b.jsonl')))).toBe(true);
    expect(a.equals(readFileSync(file('c.jsonl')))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('writes the separated-grid format with the word first', async () => {
    await synth('--vocab', SMALL_VOCAB, '--count', '50', '--seed', '1', '--grid', 'extra', '--out', file('sep.jsonl'), '--ref-out', file('sep.ref'));
    const rows = lines(file('sep.jsonl')).map((l) => JSON.parse(l));
    expect(rows).toHaveLength(50);
    for (const r of rows) {
      expect(Object.keys(r)).toEqual(['word', 'curve']);
      expect(Object.keys(r.curve)).toEqual(['x', 'y', 't', 'grid_name']);
      expect(r.curve.grid_name).toBe('extra');
      expect(r.curve.x.length).toBe(r.curve.t.length);
    }
    expect(lines(file('sep.ref'))).toEqual(rows.map((r) => r.word));
  });

  it('writes the original format with the full grid object, and test-file style without the word', async () => {
    await synth('--vocab', SMALL_VOCAB, '--count', '20', '--seed', '1', '--inline-grid', '--no-word', '--out', file('inl.jsonl'));
    const raw = JSON.parse(readFileSync(DEFAULT_GRIDS_PATH, 'utf8')).default;
    for (const l of lines(file('inl.jsonl'))) {
      const r = JSON.parse(l);
      expect(Object.keys(r)).toEqual(['curve']);
      expect(Object.keys(r.curve)).toEqual(['x', 'y', 't', 'grid']);
      expect(Object.keys(r.curve.grid)).toEqual(['width', 'height', 'keys', 'grid_name']);
      expect(r.curve.grid).toEqual(raw);
    }
    // Same seed, same curves as the separated format.
    await synth('--vocab', SMALL_VOCAB, '--count', '20', '--seed', '1', '--out', file('sep2.jsonl'));
    const a = lines(file('inl.jsonl')).map((l) => JSON.parse(l).curve.x);
    expect(lines(file('sep2.jsonl')).map((l) => JSON.parse(l).curve.x)).toEqual(a);
  });

  it('reports skipped vocabulary words on stderr', async () => {
    writeFileSync(file('mixed.txt'), 'объем\nдом\nподъезд\n');
    stderr.length = 0;
    await synth('--vocab', file('mixed.txt'), '--count', '30', '--out', file('mixed.jsonl'));
    expect(stderr.join('')).toMatch(/skipped 2 vocabulary words .* grid default: объем \(line 1, ъ\), подъезд \(line 3, ъ\)/);
    expect(new Set(lines(file('mixed.jsonl')).map((l) => JSON.parse(l).word))).toEqual(new Set(['дом']));
    await synth('--vocab', file('mixed.txt'), '--count', '30', '--missing', 'substitute', '--out', file('mixed2.jsonl'));
    expect(new Set(lines(file('mixed2.jsonl')).map((l) => JSON.parse(l).word))).toEqual(new Set(['дом', 'объем', 'подъезд']));
  });

  it('--frequency draws each word in proportion to its count, by seed, and skips words that are not usable', async () => {
    // Counts 1, 100 and 10 for three vocabulary words; a word outside the vocabulary and one that cannot be
    // swiped on the grid (ъ) are skipped and reported; the other vocabulary words are never drawn.
    writeFileSync(file('freq-vocab.txt'), 'дом\nкот\nлес\nмир\nподъезд\n');
    writeFileSync(file('freq.tsv'), 'дом\t1\nкот\t100\nлес\t10\nнетслова\t50\nподъезд\t7\n');
    stderr.length = 0;
    await synth('--vocab', file('freq-vocab.txt'), '--frequency', file('freq.tsv'), '--count', '2000', '--seed', '3', '--out', file('f1.jsonl'));
    expect(stderr.join('')).toMatch(/freq\.tsv: skipped 2 words that are not usable vocabulary words/);
    expect(stderr.join('')).toMatch(/1 vocabulary word with no positive count in .*freq\.tsv is never drawn/);
    const counts = new Map<string, number>();
    for (const l of lines(file('f1.jsonl'))) {
      const w = (JSON.parse(l) as { word: string }).word;
      counts.set(w, (counts.get(w) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(['дом', 'кот', 'лес']);
    const n = (w: string): number => counts.get(w) ?? 0;
    // Expected 1/111, 100/111 and 10/111 of 2000: about 18, 1802 and 180.
    expect(n('кот')).toBeGreaterThan(20 * n('дом'));
    expect(n('кот')).toBeGreaterThan(5 * n('лес'));
    expect(n('лес')).toBeGreaterThan(3 * n('дом'));
    expect(n('кот') / 2000).toBeGreaterThan(0.85);
    await synth('--vocab', file('freq-vocab.txt'), '--frequency', file('freq.tsv'), '--count', '2000', '--seed', '3', '--out', file('f2.jsonl'));
    await synth('--vocab', file('freq-vocab.txt'), '--frequency', file('freq.tsv'), '--count', '2000', '--seed', '4', '--out', file('f3.jsonl'));
    expect(readFileSync(file('f2.jsonl'))).toEqual(readFileSync(file('f1.jsonl')));
    expect(readFileSync(file('f3.jsonl'))).not.toEqual(readFileSync(file('f1.jsonl')));
    // Errors name the file and line, or the conflict.
    writeFileSync(file('freq-bad.tsv'), 'дом\t1\nкот\tмного\n');
    await expect(synth('--vocab', file('freq-vocab.txt'), '--frequency', file('freq-bad.tsv'), '--count', '5', '--out', file('never.jsonl'))).rejects.toThrow(/freq-bad\.tsv:2: count: expected a non-negative number, got "много"/);
    writeFileSync(file('freq-none.tsv'), 'нетслова\t5\nдом\t0\n');
    await expect(synth('--vocab', file('freq-vocab.txt'), '--frequency', file('freq-none.tsv'), '--count', '5', '--out', file('never.jsonl'))).rejects.toThrow(/freq-none\.tsv: no word with a positive count is a usable word/);
    await expect(synth('--vocab', file('freq-vocab.txt'), '--frequency', file('freq.tsv'), '--sampling', 'zipf', '--count', '5', '--out', file('never.jsonl'))).rejects.toThrow(/--frequency draws words by its counts; drop --sampling zipf/);
  });

  it('gives clear errors for bad arguments and writes nothing', async () => {
    writeFileSync(file('empty.txt'), '\n');
    writeFileSync(file('hard.txt'), 'объем\nподъезд\n');
    const out = file('never.jsonl');
    await expect(synth('--vocab', SMALL_VOCAB, '--count', '5', '--grid', 'dvorak', '--out', out)).rejects.toThrow(/unknown grid "dvorak" \(available: default, extra, qwerty\)/);
    await expect(synth('--vocab', file('empty.txt'), '--count', '5', '--out', out)).rejects.toThrow(/empty\.txt: vocabulary is empty/);
    await expect(synth('--vocab', SMALL_VOCAB, '--count', '0', '--out', out)).rejects.toThrow(/option '--count <n>' argument '0' is invalid\. expected an integer in 1\.\.10000000/);
    await expect(synth('--vocab', SMALL_VOCAB, '--count', 'many', '--out', out)).rejects.toThrow(/option '--count <n>' argument 'many' is invalid\. expected an integer in 1\.\.10000000/);
    await expect(synth('--vocab', SMALL_VOCAB, '--count', '5', '--seed', '1.5', '--out', out)).rejects.toThrow(/--seed/);
    await expect(synth('--vocab', file('hard.txt'), '--count', '5', '--out', out)).rejects.toThrow(/hard\.txt: no word can be swiped on grid "default"/);
    await expect(synth('--vocab', file('hard.txt'), '--count', '5', '--missing', 'error', '--out', out)).rejects.toThrow(/hard\.txt:1: word "объем": letter "ъ"/);
    await expect(synth('--vocab', SMALL_VOCAB, '--count', '5', '--missing', 'drop', '--out', out)).rejects.toThrow(/missing: expected skip \| substitute \| error, got "drop"/);
    await expect(synth('--vocab', SMALL_VOCAB, '--count', '5', '--noise-scale', '-2', '--out', out)).rejects.toThrow(/swipe\.noiseScale/);
    await expect(synth('--vocab', SMALL_VOCAB, '--count', '5', '--out', join(dir, 'no', 'such', 'dir', 'x.jsonl'))).rejects.toThrow(/x\.jsonl: cannot write/);
    await expect(synth('--count', '5', '--out', out)).rejects.toThrow(/--vocab/);
    expect(readdirSync(dir).filter((f) => f.startsWith('never') || f.endsWith('.tmp'))).toEqual([]);
  });

  it('validates counts, sizes and word lengths before writing anything', async () => {
    const out = file('bounded.jsonl');
    await expect(synth('--vocab', SMALL_VOCAB, '--count', '1e12', '--out', out)).rejects.toThrow(/option '--count <n>' argument '1e12' is invalid\. expected an integer in 1\.\.10000000/);
    await expect(synth('--vocab', SMALL_VOCAB, '--count', '10000001', '--out', out)).rejects.toThrow(/option '--count <n>' argument '10000001' is invalid\. expected an integer in 1\.\.10000000/);
    await expect(synth('--vocab', SMALL_VOCAB, '--count', '5', '--noise-scale', '1e9', '--out', out)).rejects.toThrow(/swipe\.noiseScale: expected a number 0…100, got 1000000000/);
    await expect(synthesizeToFile({ vocabPath: SMALL_VOCAB, count: 1e12, out })).rejects.toThrow(/count: expected an integer 1…10000000/);
    await expect(synthesizeToFile({ vocabPath: SMALL_VOCAB, count: 5, out, swipe: { msPerLetter: [30, 1e9] } })).rejects.toThrow(/swipe\.msPerLetter\[1\]: expected a number .*…32767/);
    await expect(synthesizeToFile({ vocabPath: SMALL_VOCAB, count: 5, out, swipe: { maxPoints: 1e7 } })).rejects.toThrow(/swipe\.maxPoints/);
    writeFileSync(file('long.txt'), `дом\n${'а'.repeat(5000)}\nкот\n`);
    await expect(synth('--vocab', file('long.txt'), '--count', '5', '--out', out)).rejects.toThrow(/long\.txt:2: word "а{40}…" has 5000 letters; .*beyond the 32767 ms.*at most 407 letters with swipe\.msPerLetter\[1\] = 80 and swipe\.startEndMs\[1\] = 200/);
    // the longest word that fits is accepted, and every value it gives is readable back
    writeFileSync(file('fits.txt'), `${'ор'.repeat(203)}о\n`);
    await synth('--vocab', file('fits.txt'), '--count', '3', '--out', out);
    for (const l of lines(out)) expect(Math.max(...JSON.parse(l).curve.t)).toBeLessThanOrEqual(32767);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('reports progress for large counts through the library callback', async () => {
    const seen: number[] = [];
    await synthesizeToFile({ vocabPath: SMALL_VOCAB, count: 25, out: file('p.jsonl'), progressEvery: 10, onProgress: (d) => seen.push(d) });
    expect(seen).toEqual([10, 20, 25]);
  });
});
