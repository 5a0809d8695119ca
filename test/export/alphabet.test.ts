/**
 * A model for another alphabet than the competition's: python/export_torchscript.py takes the char tokens of
 * an a–z word list (30 tokens, 28 classes) for the legacy m1 family, writes them and the qwerty grid in the
 * metadata, and the Node side loads the model and decodes QWERTY swipes into words of that list. The v3
 * family keeps the seed's 37 tokens and says so.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPython, type RunResult } from './run-python.js';
import { Model } from '../../lib/model/model.js';
import { Decoder } from '../../lib/decode/decoder.js';
import { Vocabulary } from '../../lib/vocabulary.js';
import { readSwipes, type Swipe } from '../../lib/data/dataset.js';
import { loadGrids } from '../../lib/keyboard/grid.js';

const WORDS = ['the', 'hello', 'world', 'quick', 'brown', 'fox', 'jumps', 'over', 'lazy', 'dog', 'keyboard', 'zebra', 'vivid'];

describe('export_torchscript.py with an a–z word list', () => {
  let dir: string;
  let vocab: string;
  let result: RunResult;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'neuroswipe-export-en-'));
    vocab = join(dir, 'en.txt');
    writeFileSync(vocab, `${WORDS.join('\n')}\n`);
    result = await runPython(['python/export_torchscript.py', '--arch', 'm1_smaller', '--random-init', '--seed', '5', '--vocab', vocab, '--grids', 'qwerty', '--out', join(dir, 'en.pt')]);
  }, 600_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('exports a legacy model with the 26 letters and the 4 special tokens, self-checked', () => {
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('30 char tokens, grids qwerty');
    expect(result.stdout).toMatch(/incremental self-check: max abs difference between decode_step and decode logits \S+ \(limit 1e-05\)/);
  });

  it('loads in Node with 28 classes and decodes QWERTY swipes into words of the list', async () => {
    const model = await Model.load(join(dir, 'en.pt'), { device: 'cpu' });
    try {
      const m = model.metadata;
      expect(m.char_tokens).toEqual([...'abcdefghijklmnopqrstuvwxyz', '<eos>', '<unk>', '<pad>', '<sos>']);
      expect(m.n_classes).toBe(28);
      expect(m.grid_names).toEqual(['qwerty']);
      const vocabulary = await Vocabulary.fromFile(vocab, model);
      try {
        const swipes: Swipe[] = [];
        for await (const s of readSwipes(join(import.meta.dirname, '../../examples/en/test.jsonl'), { grids: loadGrids() })) {
          swipes.push(s);
          if (swipes.length === 4) break;
        }
        const decoder = await Decoder.create(model, { vocabulary, workers: 1 });
        const { rows } = await decoder.decode(swipes);
        expect(rows.map((r) => r.gridName)).toEqual(['qwerty', 'qwerty', 'qwerty', 'qwerty']);
        for (const r of rows) {
          expect(r.candidates.length).toBeGreaterThan(0);
          for (const [score, word] of r.candidates) {
            expect(Number.isFinite(score)).toBe(true);
            expect(WORDS).toContain(word);
          }
        }
      } finally {
        vocabulary.dispose();
      }
    } finally {
      model.dispose();
    }
  });

  it('refuses an a–z word list for a v3 architecture, which keeps the seed’s 37 tokens', async () => {
    const r = await runPython(['python/export_torchscript.py', '--arch', 'v3_nearest_only_transformer_bigger', '--random-init', '--vocab', vocab, '--grids', 'qwerty', '--out', join(dir, 'v3.pt')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the vocabulary gives 30 char tokens (28 classes); v3_nearest_only_transformer_bigger predicts 35 classes, which needs 37 tokens (the legacy m1 family takes any number)');
  });
});
