/**
 * Seed parity of the decoding engine on real exported architectures and both real grids:
 * - reference mode (batch of one, full-prefix decode) against the seed's algorithm run in Python on the
 *   same TorchScript model: same candidates, same order, bit-identical scores (both sides run libtorch with
 *   one intra-op thread: a different thread count may change the last bits of the logits);
 * - the batched engine against reference mode: same words in the same order, scores within 1e-5 relative;
 *   near-tie reorderings are printed, never hidden.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Decoder, type DecodedSwipe } from '../../lib/decode/decoder.js';
import { Model } from '../../lib/model/model.js';
import { Vocabulary, readVocabularyFile } from '../../lib/vocabulary.js';
import { readSwipes, type Swipe } from '../../lib/data/dataset.js';
import { loadGrids } from '../../lib/keyboard/grid.js';
import { setNumThreads } from '../../lib/runtime.js';
import { fixture } from '../helpers/fixtures.js';
import { seedOracle } from '../helpers/seed-oracle.js';
import { at } from '../../lib/util/checked.js';

const VOCAB_FILE = new URL('../fixtures/vocab-small.txt', import.meta.url).pathname;
const BIN = new URL('../../bin/neuroswipe.js', import.meta.url).pathname;

async function synthSwipes(grid: string, count: number, seed: number): Promise<Swipe[]> {
  const dir = mkdtempSync(join(tmpdir(), 'neuroswipe-parity-'));
  const out = join(dir, `${grid}.jsonl`);
  execFileSync(process.execPath, [BIN, 'synth', '--grid', grid, '--vocab', VOCAB_FILE, '--count', String(count), '--seed', String(seed), '--out', out], { stdio: 'pipe' });
  const swipes: Swipe[] = [];
  for await (const s of readSwipes(out, { grids: loadGrids() })) swipes.push(s);
  return swipes;
}

/** Same words in the same order and scores within `tol` relative; near-tie swaps are reported. */
function expectSameCandidates(got: DecodedSwipe[], want: [number, string][][], tol: number, label: string): void {
  expect(got.length).toBe(want.length);
  got.forEach((row, i) => {
    const w = at(want, i);
    const gotWords = row.candidates.map((c) => c[1]);
    const wantWords = w.map((c) => c[1]);
    if (gotWords.join('|') !== wantWords.join('|')) {
      const byWord = new Map(w.map(([s, word]) => [word, s]));
      const nearTie = row.candidates.every(([s, word]) => byWord.has(word) && Math.abs(s - byWord.get(word)!) <= tol * Math.abs(s));
      process.stderr.write(`${label}: swipe ${i}: order differs (${nearTie ? 'near-tie swap' : 'NOT a near tie'}):\n  got  ${JSON.stringify(row.candidates)}\n  want ${JSON.stringify(w)}\n`);
    }
    expect(gotWords, `${label} swipe ${i} words`).toEqual(wantWords);
    row.candidates.forEach(([s], j) => {
      const ref = at(w, j)[0];
      if (tol === 0) expect(s, `${label} swipe ${i} candidate ${j}`).toBe(ref);
      else expect(Math.abs(s - ref), `${label} swipe ${i} candidate ${j}`).toBeLessThanOrEqual(tol * Math.max(Math.abs(ref), 1e-12));
    });
  });
}

const MODELS = ['m1_bigger', 'v3_weighted_and_traj_transformer_bigger'];

describe.each(MODELS)('%s', (arch) => {
  let model: Model;
  let vocab: Vocabulary;
  let words: string[];
  let swipes: Swipe[];
  beforeAll(async () => {
    setNumThreads(1);
    model = await Model.load(fixture(`${arch}.pt`), { device: 'cpu' });
    words = readVocabularyFile(VOCAB_FILE);
    vocab = await Vocabulary.build(words, (await Decoder.create(model)).tokenizer, VOCAB_FILE);
    swipes = [...(await synthSwipes('default', 4, 11)), ...(await synthSwipes('extra', 3, 12))];
  });
  afterAll(() => model.dispose());

  const cases = [
    { name: 'greedy', decoding: { generator: 'greedy' as const, maxSteps: 35 }, oracle: { generator: 'greedy' as const, max_steps: 35 }, useVocab: false },
    { name: 'greedy+vocab', decoding: { generator: 'greedy' as const, maxSteps: 35 }, oracle: { generator: 'greedy' as const, max_steps: 35 }, useVocab: true },
    { name: 'beam', decoding: { generator: 'beam' as const, maxSteps: 10 }, oracle: { generator: 'beam' as const, max_steps: 10 }, useVocab: false },
    { name: 'beam+vocab', decoding: { generator: 'beam' as const, maxSteps: 35 }, oracle: { generator: 'beam' as const, max_steps: 35 }, useVocab: true },
    { name: 'beam+vocab, return 4', decoding: { generator: 'beam' as const, maxSteps: 35, returnHypotheses: 4, beamSize: 4, normalizationFactor: 0.7 }, oracle: { generator: 'beam' as const, max_steps: 35, return_hypotheses: 4, beamsize: 4, normalization_factor: 0.7 }, useVocab: true },
  ];
  for (const c of cases) {
    it(`${c.name}: reference mode equals the seed bit for bit; batched equals reference within 1e-5`, async () => {
      const want = seedOracle(model, swipes, { ...c.oracle, vocab: c.useVocab ? words : null });
      const v = c.useVocab ? vocab : null;
      const ref = await (await Decoder.create(model, { decoding: c.decoding, vocabulary: v, reference: true })).decode(swipes);
      expectSameCandidates(ref.rows, want, 0, `${arch} ${c.name} reference`);
      if (c.useVocab) {
        const allowed = new Set(words);
        for (const r of ref.rows) for (const [, w] of r.candidates) if (w.length > 0 && c.oracle.generator === 'beam') expect(allowed.has(w) || words.some((x) => x.startsWith(w))).toBe(true);
      }
      const batched = await (await Decoder.create(model, { decoding: c.decoding, vocabulary: v, ...(v ? { vocabScoring: 'seed' as const } : {}), batchSize: 3, workers: 2 })).decode(swipes);
      expectSameCandidates(batched.rows, want, 1e-5, `${arch} ${c.name} batched`);
      expect(batched.stats.decodeCalls).toBeLessThan(ref.stats.decodeCalls);
      expect(batched.rows.map((r) => r.index)).toEqual(swipes.map((s) => s.index));
    });
  }
});
