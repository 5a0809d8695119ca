/**
 * The library's front door on the bundled example model and vocabulary: Vocabulary.fromFile, readSwipes
 * with the bundled grids, Decoder.decode's signal and onProgress, dispose()/Symbol.asyncDispose, the
 * workers default.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Model } from '../../lib/model/model.js';
import { Decoder } from '../../lib/decode/decoder.js';
import { decodeFile } from '../../lib/decode/decode-file.js';
import { EXACT_PROGRESS_SWIPES, progressChunk } from '../../lib/decode/decoder.js';
import { defaultWorkers } from '../../lib/decode/defaults.js';
import { Vocabulary, readVocabularyFile } from '../../lib/vocabulary.js';
import { readSwipes, type Swipe } from '../../lib/data/dataset.js';
import { BadLineError } from '../../lib/io/bad-line.js';
import { loadGrids } from '../../lib/keyboard/grid.js';
import { EXAMPLES_DIR } from '../../lib/data/examples.js';
import { EXAMPLE_MODEL, EXAMPLE_VALID, EXAMPLE_VOCAB } from '../helpers/examples.js';
import { at } from '../../lib/util/checked.js';

let model: Model;
let vocabulary: Vocabulary;
let swipes: Swipe[];
const dir = mkdtempSync(join(tmpdir(), 'neuroswipe-library-api-'));

beforeAll(async () => {
  model = await Model.load(EXAMPLE_MODEL, { device: 'cpu' });
  vocabulary = await Vocabulary.fromFile(EXAMPLE_VOCAB, model);
  swipes = [];
  for await (const s of readSwipes(EXAMPLE_VALID)) {
    swipes.push(s);
    if (swipes.length === 96) break;
  }
});

afterAll(() => {
  vocabulary.dispose();
  model.dispose();
});

describe('EXAMPLES_DIR', () => {
  it('is the bundled example folder', () => {
    expect(join(EXAMPLES_DIR, 'model.pt')).toBe(EXAMPLE_MODEL);
    expect(join(EXAMPLES_DIR, 'vocab.txt')).toBe(EXAMPLE_VOCAB);
  });
});

describe('Vocabulary.fromFile', () => {
  it('builds the same trie as Vocabulary.build with the model’s tokenizer', async () => {
    const words = readVocabularyFile(EXAMPLE_VOCAB);
    expect(vocabulary.size).toBe(words.length);
    const probe = await Decoder.create(model, { workers: 1 });
    const built = await Vocabulary.build(words, probe.tokenizer, EXAMPLE_VOCAB);
    expect(vocabulary.trie.nodeCount).toBe(built.trie.nodeCount);
    expect(vocabulary.trie.wordCount).toBe(built.trie.wordCount);
    for (const w of words.slice(0, 300)) {
      const ids = probe.tokenizer.encode(w).slice(1, -1);
      for (let i = 0; i <= ids.length; i++) expect(vocabulary.allowedAfter(ids.slice(0, i))).toEqual(built.allowedAfter(ids.slice(0, i)));
    }
    built.dispose();
  });

  it('names the file, the line and the character the model lacks', async () => {
    const bad = join(dir, 'latin.txt');
    writeFileSync(bad, 'дом\nкот\nhouse\n');
    await expect(Vocabulary.fromFile(bad, model)).rejects.toThrow(`${bad}: line 3: word "house" has the character "h"`);
    await expect(Vocabulary.fromFile(join(dir, 'missing.txt'), model)).rejects.toThrow(`${join(dir, 'missing.txt')}: cannot read vocabulary`);
  });
});

describe('readSwipes', () => {
  it('resolves curve.grid_name with the bundled grids when no grids are given', async () => {
    const withGrids: Swipe[] = [];
    for await (const s of readSwipes(EXAMPLE_VALID, { grids: loadGrids() })) {
      withGrids.push(s);
      if (withGrids.length === swipes.length) break;
    }
    expect(swipes.map((s) => [s.index, s.gridName, s.word, [...s.x]])).toEqual(withGrids.map((s) => [s.index, s.gridName, s.word, [...s.x]]));
    expect(new Set(swipes.map((s) => s.gridName))).toContain('default');
  });

  it('still names the file, line and field for a grid name that is not bundled', async () => {
    const file = join(dir, 'unknown-grid.jsonl');
    const line = at(readFileSync(EXAMPLE_VALID, 'utf8').split('\n'), 0).replace('"grid_name":"default"', '"grid_name":"dvorak"');
    writeFileSync(file, line + '\n');
    const read = async () => {
      for await (const _ of readSwipes(file)) void _;
    };
    await expect(read()).rejects.toThrow(BadLineError);
    await expect(read()).rejects.toThrow(`${file}:1: curve.grid_name: unknown grid name "dvorak" (known: default, extra, qwerty)`);
  });
});

describe('Decoder.decode with a signal and onProgress', () => {
  it('reports progress per chunk up to the total, with the same results as a plain call', async () => {
    const decoder = await Decoder.create(model, { vocabulary, batchSize: 4, workers: 2 });
    const plain = await decoder.decode(swipes);
    const seen: { done: number; total: number }[] = [];
    const tracked = await decoder.decode(swipes, { onProgress: (p) => seen.push(p) });
    expect(tracked.rows).toEqual(plain.rows);
    const chunk = progressChunk(swipes.length, 2, 4);
    expect(seen).toHaveLength(Math.ceil(swipes.length / chunk));
    expect(seen.every((p) => p.total === swipes.length)).toBe(true);
    expect(seen.map((p) => p.done)).toEqual([...seen.map((p) => p.done)].sort((a, b) => a - b));
    expect(seen.at(-1)!.done).toBe(swipes.length);
  });

  it('rejects with an AbortError at once when the signal is already aborted', async () => {
    const decoder = await Decoder.create(model, { vocabulary, workers: 1 });
    await expect(decoder.decode(swipes, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('stops between native searches once aborted, with the signal’s reason', async () => {
    const decoder = await Decoder.create(model, { vocabulary, batchSize: 2, workers: 1 });
    const controller = new AbortController();
    const seen: number[] = [];
    const call = decoder.decode(swipes, {
      signal: controller.signal,
      onProgress: ({ done }) => {
        seen.push(done);
        if (seen.length === 1) controller.abort();
      },
    });
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toEqual([progressChunk(swipes.length, 1, 2)]);
    expect(seen[0]).toBeLessThan(swipes.length);

    const reason = new Error('the user left');
    const again = new AbortController();
    const second = decoder.decode(swipes, { signal: again.signal, onProgress: () => again.abort(reason) });
    await expect(second).rejects.toBe(reason);
  });
});

describe('dispose', () => {
  it('Decoder: later decodes throw, the model stays usable; Symbol.asyncDispose does the same', async () => {
    const decoder = await Decoder.create(model, { workers: 1 });
    const running = decoder.decode(swipes.slice(0, 8));
    decoder.dispose();
    expect(decoder.disposed).toBe(true);
    expect((await running).rows).toHaveLength(8);
    await expect(decoder.decode(swipes.slice(0, 1))).rejects.toThrow('Decoder.decode: the decoder has been disposed');
    const other = await Decoder.create(model, { workers: 1 });
    await other[Symbol.asyncDispose]();
    await expect(other.decode(swipes.slice(0, 1))).rejects.toThrow('the decoder has been disposed');
  });

  it('Vocabulary: decodes already running finish with the same words; later use throws', async () => {
    const vocab = await Vocabulary.fromFile(EXAMPLE_VOCAB, model);
    const decoder = await Decoder.create(model, { vocabulary: vocab, batchSize: 4, workers: 1 });
    const before = await decoder.decode(swipes.slice(0, 12));
    const running = decoder.decode(swipes.slice(0, 12));
    vocab.dispose();
    expect(vocab.disposed).toBe(true);
    expect((await running).rows).toEqual(before.rows);
    expect(() => vocab.trie).toThrow('Vocabulary: the vocabulary has been disposed');
    expect(() => vocab.allowedAfter([])).toThrow('the vocabulary has been disposed');
    await expect(decoder.decode(swipes.slice(0, 1))).rejects.toThrow('the vocabulary has been disposed');
    await expect(Decoder.create(model, { vocabulary: vocab })).rejects.toThrow('Decoder.create: the vocabulary has been disposed');
    vocab.dispose(); // again: nothing happens
    const other = await Vocabulary.fromFile(EXAMPLE_VOCAB, model);
    await other[Symbol.asyncDispose]();
    expect(other.disposed).toBe(true);
  });

  it('Decoder.create refuses a disposed model', async () => {
    const m = await Model.load(EXAMPLE_MODEL, { device: 'cpu' });
    m.dispose();
    expect(m.disposed).toBe(true);
    await expect(Decoder.create(m)).rejects.toThrow('Decoder.create: the model has been disposed');
    // Its metadata stays readable, so a vocabulary can still be spelled in its tokens.
    const v = await Vocabulary.fromFile(EXAMPLE_VOCAB, m);
    expect(v.size).toBe(vocabulary.size);
    v.dispose();
  });
});

describe('workers default', () => {
  it('is one per core on the CPU (at most 64) and 1 on CUDA, as the README says', async () => {
    const decoder = await Decoder.create(model);
    expect(decoder.workers).toBe(Math.min(64, availableParallelism()));
    expect(defaultWorkers('cpu')).toBe(Math.min(64, availableParallelism()));
    expect(defaultWorkers('cuda:0')).toBe(1);
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toMatch(/\| workers \| one per core divided by `--threads` on CPU, 1 on CUDA \|/);
  });
});

describe('decodeFile and long swipes', () => {
  it('fails on a swipe longer than max_curve_len naming file:line, or skips it and reports it', async () => {
    const lines = readFileSync(EXAMPLE_VALID, 'utf8').split('\n').slice(0, 3);
    const x = Array.from({ length: 300 }, (_, i) => 100 + i);
    const long = JSON.stringify({ curve: { x, y: x.map(() => 200), t: x.map((_, i) => i * 5), grid_name: 'default' } });
    const file = join(dir, 'long.jsonl');
    writeFileSync(file, [lines[0], long, lines[1], lines[2]].join('\n') + '\n');
    const grids = loadGrids();
    const decoder = await Decoder.create(model, { decoding: { generator: 'greedy', maxSteps: 4 }, batchSize: 2, workers: 1, grids });
    const rows: number[] = [];
    const opts = { grids, gridNames: ['default'], onRows: (r: { index: number }[]) => void rows.push(...r.map((x) => x.index)) };
    const err = await decodeFile(decoder, file, opts).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadLineError);
    expect((err as BadLineError).message).toBe(`${file}:2: curve.x: 300 points, but the model accepts at most 299 (max_curve_len); pass --long-swipes skip to decode the other swipes`);
    rows.length = 0;
    const summary = await decodeFile(decoder, file, { ...opts, longSwipes: 'skip' });
    expect(rows).toEqual([0, 2, 3]);
    expect(summary.swipes).toBe(3);
    expect(summary.longSwipes).toEqual({ count: 1, lines: [2], message: `${file}: skipped 1 swipe longer than 299 points (max_curve_len), line 2` });
    decoder.dispose();
  });
});

describe('exact scoring reports progress often', () => {
  it('at most every 10 swipes, however large the batch, with the rows of a plain call', async () => {
    // The first 2,000 words keep exact scoring (every word of the list, per swipe) quick.
    const words = readFileSync(EXAMPLE_VOCAB, 'utf8').split('\n').filter((w) => w.length > 0).slice(0, 2000);
    const list = join(dir, 'vocab-2000.txt');
    writeFileSync(list, words.join('\n') + '\n');
    const small = await Vocabulary.fromFile(list, model);
    const decoder = await Decoder.create(model, { vocabulary: small, decoding: { generator: 'exact' }, batchSize: 16, workers: 1 });
    const part = swipes.slice(0, 25);
    const seen: number[] = [];
    const tracked = await decoder.decode(part, { onProgress: ({ done }) => seen.push(done) });
    expect(seen).toEqual([10, 20, 25]);
    // Smaller batches: the same words, scores equal up to float32 rounding of the batched model calls.
    const plain = (await decoder.decode(part)).rows;
    tracked.rows.forEach((row, i) => {
      expect(row.candidates.map(([, w]) => w)).toEqual(at(plain, i).candidates.map(([, w]) => w));
      row.candidates.forEach(([s], k) => expect(s).toBeCloseTo(at(at(plain, i).candidates, k)[0], 5));
    });
    expect(progressChunk(1000, 1, 16, EXACT_PROGRESS_SWIPES)).toBe(10);
    expect(progressChunk(1000, 1, 16)).toBe(128);
    decoder.dispose();
    small.dispose();
  });
});
