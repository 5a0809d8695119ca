/**
 * The English example end to end, through the library's front door (`EXAMPLES.en`): QWERTY swipes of the
 * frequency-drawn test set decoded by the trained model with beam search and the vocabulary, with and
 * without the word-frequency prior, and the prior fitted on English (held-out swipes drawn by the SUBTLEX
 * counts) helping there and not hurting on uniformly drawn words.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXAMPLES, EXAMPLES_DIR } from '../../lib/data/examples.js';
import { Decoder } from '../../lib/decode/decoder.js';
import { WordPrior, applyPrior, fitPrior, readFrequencyFile } from '../../lib/decode/prior.js';
import { swipeMrr } from '../../lib/evaluate/metrics.js';
import { readSwipes, type Swipe } from '../../lib/data/dataset.js';
import { Model } from '../../lib/model/model.js';
import { Vocabulary } from '../../lib/vocabulary.js';
import { at } from '../../lib/util/checked.js';

const N = 150;
let model: Model;
let vocabulary: Vocabulary;
let prior: WordPrior;

async function firstSwipes(path: string, n: number): Promise<{ swipes: Swipe[]; words: string[] }> {
  const swipes: Swipe[] = [];
  for await (const s of readSwipes(path)) {
    if (swipes.length === n) break;
    swipes.push(s);
  }
  const words = readFileSync(path.replace(/\.jsonl$/, '.ref'), 'utf8').split('\n').slice(0, n);
  return { swipes, words };
}

async function decodeRows(swipes: Swipe[], withPrior: boolean): Promise<[number, string][][]> {
  const p = EXAMPLES.en.prior!;
  const decoding = withPrior ? { generator: 'beam' as const, beamSize: 6, priorWeight: p.priorWeight, priorLength: p.priorLength } : { generator: 'beam' as const, beamSize: 6 };
  const decoder = await Decoder.create(model, { vocabulary, decoding, ...(withPrior ? { prior } : {}) });
  try {
    return (await decoder.decode(swipes)).rows.map((r) => r.candidates);
  } finally {
    decoder.dispose();
  }
}

const top1 = (rows: [number, string][][], words: string[]): number => rows.filter((r, i) => r[0]?.[1] === words[i]).length / rows.length;
const mrr = (rows: [number, string][][], words: string[]): number => swipeMrr(rows.map((r) => r.map((c) => c[1])), words);

beforeAll(async () => {
  model = await Model.load(EXAMPLES.en.model, { device: 'cpu' });
  vocabulary = await Vocabulary.fromFile(EXAMPLES.en.vocab, model);
  prior = new WordPrior(readFrequencyFile(EXAMPLES.en.prior!.frequency));
});

afterAll(() => {
  vocabulary?.dispose();
  model?.dispose();
});

describe('EXAMPLES', () => {
  it('names the files of both examples, English in EXAMPLES_DIR/en', () => {
    expect(EXAMPLES.ru.model).toBe(`${EXAMPLES_DIR}/model.pt`);
    expect(EXAMPLES.en.dir).toBe(`${EXAMPLES_DIR}/en`);
    for (const ex of [EXAMPLES.en, EXAMPLES.ru]) {
      for (const f of [ex.model, ex.vocab, ex.valid, ex.validRef, ex.card]) expect(existsSync(f), f).toBe(true);
    }
    expect(existsSync(EXAMPLES.en.prior!.frequency)).toBe(true);
    expect(EXAMPLES.ru.prior).toBeNull();
    expect([EXAMPLES.en.grid, EXAMPLES.ru.grid]).toEqual(['qwerty', 'default']);
  });

  it('the English model is the qwerty grid’s, with the 26 letters as its characters', () => {
    expect(model.metadata.grid_names).toEqual(['qwerty']);
    expect(model.metadata.char_tokens.slice(0, 26).join('')).toBe('abcdefghijklmnopqrstuvwxyz');
    expect(model.metadata.n_classes).toBe(28);
  });
});

describe('decoding English swipes', () => {
  it('beam + vocabulary finds most frequency-drawn test words first, and the fitted prior ranks them higher still', async () => {
    const { swipes, words } = await firstSwipes(`${EXAMPLES.en.dir}/test.jsonl`, N);
    expect(swipes.every((s) => s.gridName === 'qwerty')).toBe(true);
    const plain = await decodeRows(swipes, false);
    const vocab = new Set(readFileSync(EXAMPLES.en.vocab, 'utf8').split('\n'));
    expect(plain.flat().filter(([, w]) => !vocab.has(w))).toEqual([]);
    expect(top1(plain, words)).toBeGreaterThanOrEqual(0.8);
    const withPrior = await decodeRows(swipes, true);
    expect(top1(withPrior, words)).toBeGreaterThanOrEqual(0.85);
    expect(mrr(withPrior, words)).toBeGreaterThan(mrr(plain, words));
    // The prior only reorders: the same words per swipe.
    for (let i = 0; i < N; i++) expect(at(withPrior, i).map((c) => c[1]).sort()).toEqual(at(plain, i).map((c) => c[1]).sort());
  });
});

describe('fitting the prior on English', () => {
  it('fits λ > 0 on frequency-drawn held-out swipes, and with uniformly drawn ones as a guard keeps their MRR', async () => {
    const valid = await firstSwipes(EXAMPLES.en.valid, 300);
    const rows = await decodeRows(valid.swipes, false);
    const fit = fitPrior(rows, valid.words, prior);
    expect(fit.lambda).toBeGreaterThan(0);
    expect(fit.mrr).toBeGreaterThan(fit.initialMrr);
    expect(fit.guard).toBeUndefined();
    const uniform = await firstSwipes(`${EXAMPLES.en.dir}/valid-uniform.jsonl`, 300);
    const guardRows = await decodeRows(uniform.swipes, false);
    const guarded = fitPrior(rows, valid.words, prior, { guard: { rows: guardRows, targets: uniform.words } });
    expect(guarded.mrr).toBeGreaterThanOrEqual(guarded.initialMrr);
    expect(guarded.mrr).toBeLessThanOrEqual(fit.mrr);
    expect(guarded.guard!.initialMrr).toBe(mrr(guardRows, uniform.words));
    expect(guarded.guard!.mrr).toBeGreaterThanOrEqual(guarded.guard!.initialMrr);
    expect(mrr(guardRows.map((r) => applyPrior(r, prior, guarded.lambda, guarded.mu)), uniform.words)).toBe(guarded.guard!.mrr);
    // The unguarded fit, a frequency prior, costs the uniformly drawn words MRR.
    expect(mrr(guardRows.map((r) => applyPrior(r, prior, fit.lambda, fit.mu)), uniform.words)).toBeLessThan(guarded.guard!.initialMrr);
  });
});

describe('fit-prior --guard-predictions on English', () => {
  const BIN = new URL('../../bin/neuroswipe.js', import.meta.url).pathname;
  const cli = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  const dir = mkdtempSync(join(tmpdir(), 'neuroswipe-fit-en-'));

  it('fits on frequency-drawn predictions without lowering the guard set’s MRR, and names a missing --guard-data', () => {
    const files: Record<string, string> = {};
    for (const [name, source] of [['freq', EXAMPLES.en.valid], ['uniform', `${EXAMPLES.en.dir}/valid-uniform.jsonl`]] as const) {
      const data = join(dir, `${name}.jsonl`);
      writeFileSync(data, readFileSync(source, 'utf8').split('\n').slice(0, 200).join('\n') + '\n');
      const out = join(dir, `${name}.pred.jsonl`);
      const r = cli(['decode', '--model', EXAMPLES.en.model, '--data', data, '--vocab', EXAMPLES.en.vocab, '--use-vocab', '--workers', '1', '--out', out, '--quiet']);
      expect(r.status, r.stderr).toBe(0);
      files[name] = data;
      files[`${name}.pred`] = out;
    }
    const prior = EXAMPLES.en.prior!.frequency;
    const r = cli(['fit-prior', '--predictions', files['freq.pred']!, '--data', files.freq!, '--prior', prior, '--guard-predictions', files['uniform.pred']!, '--guard-data', files.uniform!]);
    expect(r.status, r.stderr).toBe(0);
    const fit = JSON.parse(r.stdout) as { priorWeight: number; mrr: number; initialMrr: number; guard: { swipes: number; initialMrr: number; mrr: number } };
    expect(fit.guard.swipes).toBe(200);
    expect(fit.mrr).toBeGreaterThanOrEqual(fit.initialMrr);
    expect(fit.guard.mrr).toBeGreaterThanOrEqual(fit.guard.initialMrr);
    expect(r.stderr).toMatch(/; guard swipes 0\.\d+ -> 0\.\d+/);
    const bad = cli(['fit-prior', '--predictions', files['freq.pred']!, '--data', files.freq!, '--prior', prior, '--guard-predictions', files['uniform.pred']!]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('--guard-predictions and --guard-data go together');
  });
});
