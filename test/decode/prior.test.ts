/**
 * The word-frequency prior (lib/decode/prior.ts): the frequency file's errors, the smoothed probabilities, and
 * the fit on real decodes (the trained example model, beam + vocabulary) of synthetic swipes: with a Zipf
 * frequency file, words drawn by those frequencies make the fit choose a prior that raises Swipe MRR, words
 * drawn uniformly leave it at about 0.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Decoder } from '../../lib/decode/decoder.js';
import { WordPrior, applyPrior, fitPrior, readFrequencyFile } from '../../lib/decode/prior.js';
import { readSwipes, type Swipe } from '../../lib/data/dataset.js';
import { loadGrids } from '../../lib/keyboard/grid.js';
import { Model } from '../../lib/model/model.js';
import { Vocabulary, readVocabularyFile } from '../../lib/vocabulary.js';
import { setNumThreads } from '../../lib/runtime.js';
import { at } from '../../lib/util/checked.js';
import { EXAMPLE_MODEL, EXAMPLE_VOCAB } from '../helpers/examples.js';

const BIN = new URL('../../bin/neuroswipe.js', import.meta.url).pathname;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'neuroswipe-prior-'));
});

describe('frequency file and prior', () => {
  it('names the file, line and field of a bad line', () => {
    const f = join(dir, 'bad.tsv');
    writeFileSync(f, 'мама\t10\nпапа\tten\n');
    expect(() => readFrequencyFile(f)).toThrow(`${f}:2: count: expected a non-negative number, got "ten"`);
    writeFileSync(f, 'мама\t10\nмама\t3\n');
    expect(() => readFrequencyFile(f)).toThrow(`${f}:2: word: "мама" is listed twice`);
    writeFileSync(f, 'мама 10 3\n');
    expect(() => readFrequencyFile(f)).toThrow(`${f}:1: expected "word<TAB>count"`);
  });

  it('smooths: probabilities of the listed words and the unseen slot sum to 1', () => {
    const counts = new Map([['а', 5], ['б', 0], ['в', 3]]);
    const p = new WordPrior(counts, 1);
    const sum = ['а', 'б', 'в'].reduce((s, w) => s + Math.exp(p.logProb(w)), 0) + Math.exp(p.logProb('nope'));
    expect(sum).toBeCloseTo(1, 12);
    expect(p.logProb('а')).toBeGreaterThan(p.logProb('в'));
    const ranked = applyPrior([[1, 'в'], [1.01, 'а']], p, 1, 0);
    expect(at(ranked, 0)[1]).toBe('а');
  });
});

describe('fitting the prior on real decodes', () => {
  let model: Model;
  let vocab: Vocabulary;
  let prior: WordPrior;
  const words = readVocabularyFile(EXAMPLE_VOCAB);
  beforeAll(async () => {
    setNumThreads(1);
    model = await Model.load(EXAMPLE_MODEL, { device: 'cpu' });
    vocab = await Vocabulary.build(words, (await Decoder.create(model)).tokenizer, EXAMPLE_VOCAB);
    // Zipf counts by line order: the distribution `synth --sampling zipf` draws from.
    const freq = join(dir, 'zipf.tsv');
    writeFileSync(freq, words.map((w, i) => `${w}\t${Math.round(1e6 / (i + 1))}`).join('\n') + '\n');
    prior = new WordPrior(readFrequencyFile(freq));
  });
  afterAll(() => model.dispose());

  async function fitOn(sampling: string, seed: number) {
    const data = join(dir, `${sampling}.jsonl`);
    execFileSync(process.execPath, [BIN, 'synth', '--grid', 'default', '--vocab', EXAMPLE_VOCAB, '--count', '150', '--seed', String(seed), '--sampling', sampling, '--noise-scale', '3', '--out', data, '--quiet']);
    const swipes: Swipe[] = [];
    for await (const s of readSwipes(data, { grids: loadGrids() })) swipes.push(s);
    const dec = await Decoder.create(model, { decoding: { generator: 'beam', beamSize: 6 }, vocabulary: vocab });
    const { rows } = await dec.decode(swipes);
    return fitPrior(rows.map((r) => r.candidates), swipes.map((s) => s.word!), prior);
  }

  it('finds a prior that helps on frequency-drawn words and about none on uniform ones', async () => {
    const zipf = await fitOn('zipf', 21);
    const uniform = await fitOn('uniform', 22);
    expect(zipf.lambda).toBeGreaterThan(0);
    expect(zipf.mrr).toBeGreaterThan(zipf.initialMrr);
    expect(uniform.lambda).toBeLessThanOrEqual(0.01);
    expect(zipf.lambda).toBeGreaterThan(uniform.lambda);
  });
});
