/**
 * The word-frequency prior (lib/decode/prior.ts): the frequency file's errors, the smoothed probabilities, and
 * the fit on real decodes (the trained example model, beam + vocabulary) of synthetic swipes: with a Zipf
 * frequency file, words drawn by those frequencies make the fit choose a prior that raises Swipe MRR, words
 * drawn uniformly leave it at about 0; the same through the command line (`synth --frequency`, `decode`,
 * `fit-prior`); and the prior as a decoder option (λ = μ = 0 gives the rows of no prior).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Decoder } from '../../lib/decode/decoder.js';
import { WordPrior, applyPrior, readFrequencyFile } from '../../lib/decode/prior.js';
import { fitPrior } from '../../lib/decode/prior-fit.js';
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

  it('gives the floor of a rank: the k-th count, the last one beyond the list', () => {
    const p = new WordPrior(new Map([['а', 5], ['б', 0], ['в', 3]]), 1);
    expect([1, 2, 3, 4, 1000].map((k) => p.logProbAtRank(k))).toEqual(['а', 'в', 'б', 'б', 'б'].map((w) => p.logProb(w)));
    expect(() => p.logProbAtRank(0)).toThrow(/rank must be an integer ≥ 1, got 0/);
    // With the floor at rank 1 every word has the same prior: only μ and the scores order them.
    expect(applyPrior([[1, 'в'], [1.01, 'а']], p, 1, 0, 1).map((c) => c[1])).toEqual(['в', 'а']);
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
    // Seed scoring: its candidate lists leave the prior more to reorder than model scoring's, whose best word is
    // seldom wrong on these sets.
    const dec = await Decoder.create(model, { decoding: { generator: 'beam', beamSize: 6 }, vocabulary: vocab, vocabScoring: 'seed' });
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

describe('the prior as a decoder option and through the command line', () => {
  const words = readVocabularyFile(EXAMPLE_VOCAB);
  let zipfFile: string;
  let model: Model;
  const cli = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  const rowsOf = (f: string) => readFileSync(f, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { index: number; candidates: [number, string][] });
  beforeAll(async () => {
    // Zipf counts over a shuffled order of the vocabulary (a fixed linear congruential shuffle): the file's line
    // order follows real word frequency, which goes with word length, and the length term, not λ, is there for
    // that; shuffled ranks leave λ only the frequencies to find.
    const order = words.map((_, i) => i);
    let x = 12345;
    for (let i = order.length - 1; i > 0; i--) {
      x = (x * 1103515245 + 12345) % 2147483648;
      const j = x % (i + 1);
      [order[i], order[j]] = [at(order, j), at(order, i)];
    }
    zipfFile = join(dir, 'zipf-cli.tsv');
    writeFileSync(zipfFile, order.map((k, r) => `${at(words, k)}\t${Math.round(1e6 / (r + 1))}`).join('\n') + '\n');
    model = await Model.load(EXAMPLE_MODEL, { device: 'cpu' });
  });
  afterAll(() => model.dispose());

  it('with λ = μ = 0, decode gives exactly the rows of no prior; a λ > 0 reranks; bad options are named', async () => {
    const data = join(dir, 'few.jsonl');
    execFileSync(process.execPath, [BIN, 'synth', '--grid', 'default', '--vocab', EXAMPLE_VOCAB, '--count', '40', '--seed', '31', '--noise-scale', '3', '--out', data, '--quiet']);
    const base = ['decode', '--model', EXAMPLE_MODEL, '--data', data, '--device', 'cpu', '--vocab', EXAMPLE_VOCAB, '--use-vocab', '--quiet', '--force'];
    const none = join(dir, 'none.jsonl');
    const zero = join(dir, 'zero.jsonl');
    const some = join(dir, 'some.jsonl');
    expect(cli([...base, '--out', none]).status).toBe(0);
    const z = cli([...base, '--prior', zipfFile, '--prior-weight', '0', '--prior-length', '0', '--out', zero]);
    expect(z.status, z.stderr).toBe(0);
    expect(readFileSync(zero, 'utf8')).toBe(readFileSync(none, 'utf8'));
    expect(cli([...base, '--prior', zipfFile, '--prior-weight', '2', '--prior-length', '0.1', '--out', some]).status).toBe(0);
    const prior = new WordPrior(readFrequencyFile(zipfFile));
    const withPrior = rowsOf(some);
    const plain = rowsOf(none);
    plain.forEach((row, i) => expect(at(withPrior, i).candidates).toEqual(applyPrior(row.candidates, prior, 2, 0.1).map(([sc, w]) => [expect.closeTo(sc, 5), w])));
    expect(withPrior.some((row, i) => row.candidates.map((c) => c[1]).join() !== at(plain, i).candidates.map((c) => c[1]).join())).toBe(true);
    const bad = (args: string[], message: RegExp) => {
      const r = cli([...base, ...args, '--out', join(dir, 'never.jsonl')]);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(message);
    };
    bad(['--prior', zipfFile], /--prior <file>: applies only with --prior-weight/);
    bad(['--prior-weight', '0.1'], /--prior <file>: it needs --prior <file> \(--prior-weight is set/);
    bad(['--prior', zipfFile, '--prior-weight', '-1'], /decoding\.priorWeight: expected a finite number ≥ 0, got -1/);
    bad(['--prior', join(dir, 'missing.tsv'), '--prior-weight', '0.1'], /missing\.tsv: cannot read the frequency file/);
    bad(['--generator', 'greedy', '--prior', zipfFile, '--prior-weight', '0.1'], /--prior-weight applies to beam, beam-sync, exact and hybrid, not greedy/);
    await expect(Decoder.create(model, { decoding: { generator: 'beam', priorWeight: 0.1 } })).rejects.toThrow(/prior: give the word frequencies .*\(decoding\.priorWeight is set/);
  });

  /** synth (drawn by the frequency file, or uniformly), decode with beam + vocabulary, fit-prior: its JSON. */
  function fitThroughCli(name: string, draw: string[], seed: number): { priorWeight: number; priorLength: number; mrr: number; initialMrr: number } {
    const data = join(dir, `${name}.jsonl`);
    const preds = join(dir, `${name}.preds.jsonl`);
    execFileSync(process.execPath, [BIN, 'synth', '--grid', 'default', '--vocab', EXAMPLE_VOCAB, '--count', '150', '--seed', String(seed), ...draw, '--noise-scale', '3', '--out', data, '--quiet']);
    const d = cli(['decode', '--model', EXAMPLE_MODEL, '--data', data, '--device', 'cpu', '--vocab', EXAMPLE_VOCAB, '--use-vocab', '--out', preds, '--quiet']);
    expect(d.status, d.stderr).toBe(0);
    const out = join(dir, `${name}.fit.json`);
    const f = cli(['fit-prior', '--predictions', preds, '--data', data, '--prior', zipfFile, '--out', out]);
    expect(f.status, f.stderr).toBe(0);
    expect(f.stderr).toMatch(/fitted --prior-weight \S+ --prior-length \S+ on 150 swipes/);
    const result = JSON.parse(f.stdout) as { priorWeight: number; priorLength: number; mrr: number; initialMrr: number };
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(result);
    return result;
  }

  it('fit-prior finds λ > 0 on words drawn by the frequency file and about 0 on uniform ones', () => {
    const zipf = fitThroughCli('cli-zipf', ['--frequency', zipfFile], 41);
    const uniform = fitThroughCli('cli-uniform', [], 42);
    expect(zipf.priorWeight).toBeGreaterThan(0);
    expect(zipf.mrr).toBeGreaterThan(zipf.initialMrr);
    // On 150 noisy swipes the fit may move λ by a grid step or two on uniform words (the strict-gain rule
    // follows a one-swipe gain), but an order of magnitude less than on frequency-drawn words, for a gain
    // several times smaller.
    expect(uniform.priorWeight).toBeLessThanOrEqual(0.05);
    expect(zipf.priorWeight).toBeGreaterThanOrEqual(5 * uniform.priorWeight);
    expect(zipf.mrr - zipf.initialMrr).toBeGreaterThan(2 * (uniform.mrr - uniform.initialMrr));
  });
});
