/**
 * The English example end to end, through the library's front door (`EXAMPLES.en`): QWERTY swipes of the
 * frequency-drawn test set decoded by the trained model with beam search and the vocabulary, with and
 * without the word-frequency prior; the prior's floor (`priorFloorRank`) on real candidates; and the prior
 * fitted on English (held-out swipes drawn by the SUBTLEX counts) helping there and not hurting on uniformly
 * drawn words, in the library and through `fit-prior` and `decode`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXAMPLES, EXAMPLES_DIR } from '../../lib/data/examples.js';
import { Decoder } from '../../lib/decode/decoder.js';
import { WordPrior, applyPrior, readFrequencyFile } from '../../lib/decode/prior.js';
import { fitPrior } from '../../lib/decode/prior-fit.js';
import { readPriorOptions } from '../../lib/options/prior-options.js';
import { readPredictionFile } from '../../lib/predictions.js';
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
  const { frequency: _frequency, ...options } = EXAMPLES.en.prior!;
  const decoding = withPrior ? { generator: 'beam' as const, beamSize: 6, ...options } : { generator: 'beam' as const, beamSize: 6 };
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
    // The fitted options are read from the fit's own output, examples/en/prior.json.
    expect(EXAMPLES.en.prior).toEqual({ frequency: EXAMPLES.en.prior!.frequency, ...readPriorOptions(`${EXAMPLES.en.dir}/prior.json`) });
    expect(EXAMPLES.en.prior!.priorFloorRank).toBeGreaterThanOrEqual(1);
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

describe("the prior's floor on real English candidates", () => {
  const K = 5000;
  let rows: [number, string][][];
  beforeAll(async () => {
    rows = await decodeRows((await firstSwipes(`${EXAMPLES.en.dir}/test-uniform.jsonl`, N)).swipes, false);
  });
  /** Pairs of words of one list, both rarer than the word of rank K, whose order the prior without a floor changes. */
  const rareSwaps = (ranked: [number, string][][]): number => {
    let n = 0;
    rows.forEach((row, i) => {
      const pos = new Map(at(ranked, i).map(([, w], j) => [w, j]));
      const rare = row.filter(([, w]) => prior.logProb(w) <= prior.logProbAtRank(K));
      for (let a = 0; a < rare.length; a++) {
        for (let b = a + 1; b < rare.length; b++) if (at(rare, a)[0] < at(rare, b)[0] && pos.get(at(rare, a)[1])! > pos.get(at(rare, b)[1])!) n++;
      }
    });
    return n;
  };

  it('keeps the model order of words rarer than the k-th, and still lifts frequent words above rare ones', () => {
    const floored = rows.map((r) => applyPrior(r, prior, 0.3, 0, K));
    const unfloored = rows.map((r) => applyPrior(r, prior, 0.3, 0));
    expect(rareSwaps(floored)).toBe(0);
    // Without the floor, λ reorders rare words among themselves (what the uniformly drawn set is made of).
    expect(rareSwaps(unfloored)).toBeGreaterThan(0);
    // With it, a word of rank ≤ K still overtakes rarer ones.
    expect(floored.some((r, i) => r.map((c) => c[1]).join() !== at(rows, i).map((c) => c[1]).join())).toBe(true);
    // Every rare word gets the same prior: the floor's.
    const [[, w]] = rows.flat().filter(([, x]) => prior.logProb(x) < prior.logProbAtRank(K)) as [[number, string]];
    expect(at(applyPrior([[1, w]], prior, 0.3, 0, K), 0)[0]).toBe(1 - 0.3 * prior.logProbAtRank(K));
  });

  it('decoding.priorFloorRank reranks the decoder’s lists exactly as applyPrior does; bad values are named', async () => {
    const swipes = (await firstSwipes(`${EXAMPLES.en.dir}/test-uniform.jsonl`, 40)).swipes;
    const plain = await decodeRows(swipes, false);
    const decoder = await Decoder.create(model, { vocabulary, prior, decoding: { generator: 'beam', beamSize: 6, priorWeight: 0.3, priorLength: -0.25, priorFloorRank: K } });
    try {
      const got = (await decoder.decode(swipes)).rows.map((r) => r.candidates);
      got.forEach((row, i) => expect(row).toEqual(applyPrior(at(plain, i), prior, 0.3, -0.25, K)));
    } finally {
      decoder.dispose();
    }
    const bad = (decoding: Record<string, unknown>) => Decoder.create(model, { vocabulary, prior, decoding: { generator: 'beam', ...decoding } as never });
    await expect(bad({ priorWeight: 0.3, priorFloorRank: 0 })).rejects.toThrow('decoding.priorFloorRank: expected an integer in 1..1000000000, got 0');
    await expect(bad({ priorWeight: 0.3, priorFloorRank: 2.5 })).rejects.toThrow('decoding.priorFloorRank: expected an integer in 1..1000000000, got 2.5');
    await expect(bad({ priorFloorRank: 100 })).rejects.toThrow('decoding.priorFloorRank: applies only with decoding.priorWeight');
  });

  it('names the file and the member of a bad fitted prior', () => {
    const dir = mkdtempSync(join(tmpdir(), 'neuroswipe-prior-json-'));
    const f = join(dir, 'prior.json');
    writeFileSync(f, JSON.stringify({ priorWeight: 0.3, priorLength: -0.25, priorFloorRank: 0 }));
    expect(() => readPriorOptions(f)).toThrow(`${f}: priorFloorRank: expected an integer in 1..1000000000, got 0`);
    writeFileSync(f, JSON.stringify({ priorWeight: 0.3 }));
    expect(() => readPriorOptions(f)).toThrow(`${f}: priorLength: missing`);
    writeFileSync(f, '{"priorWeight": 0.3,');
    expect(() => readPriorOptions(f)).toThrow(`${f}: cannot read the fitted prior`);
    writeFileSync(f, JSON.stringify({ priorWeight: 0.3, priorLength: -0.25 }));
    expect(readPriorOptions(f)).toEqual({ priorWeight: 0.3, priorLength: -0.25 });
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
    expect(mrr(guardRows.map((r) => applyPrior(r, prior, guarded.lambda, guarded.mu, guarded.floorRank)), uniform.words)).toBe(guarded.guard!.mrr);
    expect(mrr(rows.map((r) => applyPrior(r, prior, guarded.lambda, guarded.mu, guarded.floorRank)), valid.words)).toBe(guarded.mrr);
    // The unguarded fit, a frequency prior, costs the uniformly drawn words MRR.
    expect(mrr(guardRows.map((r) => applyPrior(r, prior, fit.lambda, fit.mu, fit.floorRank)), uniform.words)).toBeLessThan(guarded.guard!.initialMrr);
    // Restricted to one floor, the fit takes it whenever λ > 0, and the guard still holds.
    const floored = fitPrior(rows, valid.words, prior, { floorRankGrid: [5000], guard: { rows: guardRows, targets: uniform.words } });
    expect(floored.floorRank).toBe(floored.lambda > 0 ? 5000 : null);
    expect(floored.guard!.mrr).toBeGreaterThanOrEqual(floored.guard!.initialMrr);
  });
});

describe('fit-prior --guard-predictions on English', () => {
  const BIN = new URL('../../bin/neuroswipe.js', import.meta.url).pathname;
  const cli = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  const dir = mkdtempSync(join(tmpdir(), 'neuroswipe-fit-en-'));

  it('fits on frequency-drawn predictions without lowering the guard set’s MRR, decode with the fitted flags gives that MRR, and bad values are named', async () => {
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
    const fit = JSON.parse(r.stdout) as { priorWeight: number; priorLength: number; priorFloorRank?: number; mrr: number; initialMrr: number; guard: { swipes: number; initialMrr: number; mrr: number } };
    expect(fit.guard.swipes).toBe(200);
    expect(fit.mrr).toBeGreaterThanOrEqual(fit.initialMrr);
    expect(fit.guard.mrr).toBeGreaterThanOrEqual(fit.guard.initialMrr);
    expect(r.stderr).toMatch(/; guard swipes 0\.\d+ -> 0\.\d+/);
    // The fitted options, given back to decode as flags, give the fit's MRR on the fitting swipes.
    const flags = [['--prior-weight', fit.priorWeight], ['--prior-length', fit.priorLength], ['--prior-floor-rank', fit.priorFloorRank]].filter(([, v]) => v !== undefined).flatMap(([f, v]) => [String(f), String(v)]);
    const refit = join(dir, 'freq.prior.jsonl');
    const d = cli(['decode', '--model', EXAMPLES.en.model, '--data', files.freq!, '--vocab', EXAMPLES.en.vocab, '--use-vocab', '--workers', '1', '--prior', prior, ...flags, '--out', refit, '--quiet']);
    expect(d.status, d.stderr).toBe(0);
    const words = readFileSync(EXAMPLES.en.validRef, 'utf8').split('\n').slice(0, 200);
    expect(mrr((await readPredictionFile(refit)).rows.map((x) => x.candidates), words)).toBeCloseTo(fit.mrr, 12);
    // scripts/paired-bootstrap.mjs on the same two files: the two MRRs, and an interval around their difference.
    const pb = spawnSync(process.execPath, [new URL('../../scripts/paired-bootstrap.mjs', import.meta.url).pathname, files['freq.pred']!, refit, '--data', files.freq!, '--resamples', '2000'], { encoding: 'utf8' });
    expect(pb.status, pb.stderr).toBe(0);
    const paired = JSON.parse(pb.stdout) as { swipes: number; baseMrr: number; otherMrr: number; change: number; interval95: [number, number]; better: number; worse: number };
    expect(paired.swipes).toBe(200);
    expect(paired.baseMrr).toBeCloseTo(fit.initialMrr, 12);
    expect(paired.otherMrr).toBeCloseTo(fit.mrr, 12);
    expect(paired.change).toBeCloseTo(fit.mrr - fit.initialMrr, 12);
    expect(paired.interval95[0]).toBeLessThanOrEqual(paired.change);
    expect(paired.interval95[1]).toBeGreaterThanOrEqual(paired.change);
    expect(paired.better > 0 || fit.mrr === fit.initialMrr).toBe(true);
    const noData = spawnSync(process.execPath, [new URL('../../scripts/paired-bootstrap.mjs', import.meta.url).pathname, files['freq.pred']!, refit], { encoding: 'utf8' });
    expect(noData.status).toBe(2);
    expect(noData.stderr).toContain('paired-bootstrap: usage: paired-bootstrap.mjs BASE.jsonl OTHER.jsonl --data DATA.jsonl');
    const badRank = cli(['decode', '--model', EXAMPLES.en.model, '--data', files.freq!, '--vocab', EXAMPLES.en.vocab, '--use-vocab', '--prior', prior, '--prior-weight', '0.3', '--prior-floor-rank', '0', '--out', join(dir, 'never.jsonl')]);
    expect(badRank.status).not.toBe(0);
    expect(badRank.stderr).toMatch(/priorFloorRank: expected an integer in 1\.\.1000000000, got 0/);
    const bad = cli(['fit-prior', '--predictions', files['freq.pred']!, '--data', files.freq!, '--prior', prior, '--guard-predictions', files['uniform.pred']!]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('--guard-predictions and --guard-data go together');
  });
});
