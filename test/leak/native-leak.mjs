#!/usr/bin/env node
/**
 * Leak test of every async native method (model load, encode, decode, decodeLast, the batched search, the
 * vocabulary trie build, the DTW baseline) and of the load's failure path: each runs N times (default 500,
 * `LEAK_N`; model loads `LEAK_LOAD_N`, default N too) after a warm-up, with a full GC between rounds; the
 * resident set may grow by at most `LEAK_MAX_MB` (default 64) per method. Run with
 * `node --expose-gc test/leak/native-leak.mjs` after `npm run build` (it uses dist/); `LEAK_ONLY=regex`
 * runs some methods only.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Model, Decoder, Vocabulary, CharTokenizer, readSwipes, loadGrids, readVocabularyFile, runBaseline } from '../../dist/index.js';
import { buildBaselineVocab } from '../../dist/baseline/vocab.js';

if (typeof globalThis.gc !== 'function') {
  console.error('run with node --expose-gc');
  process.exit(2);
}
const N = Number(process.env.LEAK_N ?? 500);
const MAX_MB = Number(process.env.LEAK_MAX_MB ?? 64);
const LOAD_N = Number(process.env.LEAK_LOAD_N ?? N);
const root = fileURLToPath(new URL('../../', import.meta.url));
const MODEL = `${root}examples/model.pt`;
const CORRUPT = `${root}test/fixtures/generated/corrupt.pt`;
const grids = loadGrids();
const swipes = [];
for await (const s of readSwipes(`${root}examples/valid.jsonl`, { grids })) {
  if (s.gridName === 'default') swipes.push(s);
  if (swipes.length === 2) break;
}
const words = readVocabularyFile(`${root}examples/vocab.txt`).slice(0, 2000);
const baselineVocab = buildBaselineVocab(readFileSync(`${root}test/fixtures/vocab-small.txt`, 'utf8'));

const rssMb = () => process.memoryUsage().rss / 2 ** 20;
async function settle() {
  for (let i = 0; i < 3; i++) {
    globalThis.gc();
    await new Promise((r) => setImmediate(r));
  }
}

const model = await Model.load(MODEL, { device: 'cpu' });
const decoder = await Decoder.create(model, { decoding: { generator: 'beam', beamSize: 2, maxSteps: 4 }, batchSize: 4 });
const tokenizer = CharTokenizer.fromTokens([...model.metadata.char_tokens]);
const F = model.metadata.n_traj_feats;
const S = 20;
const traj = new Float32Array(S * F);
const keys = new Int32Array(S).fill(3);
const memory = await model.encode(traj, [S, 1, F], keys, [S, 1]);
const tokens = Int32Array.of(tokenizer.sosId, 5, 6);

const methods = {
  'Model.load + dispose': async () => (await Model.load(MODEL, { device: 'cpu' })).dispose(),
  'Model.load failing (corrupt archive)': async () => {
    try {
      await Model.load(CORRUPT, { device: 'cpu' });
    } catch {
      return;
    }
    throw new Error(`${CORRUPT}: loaded, expected an error`);
  },
  'Model.encode': () => model.encode(traj, [S, 1, F], keys, [S, 1]),
  'Model.decode': () => model.decode(tokens, [3, 1], memory.data, memory.shape),
  'Model.decodeLast': () => model.decodeLast(tokens, [3, 1], Int32Array.of(3), memory.data, memory.shape),
  'decodeSwipes (Decoder.decode)': () => decoder.decode(swipes),
  'Vocabulary.build (trie)': () => Vocabulary.build(words, tokenizer),
  'dtwBaseline (runBaseline)': () => runBaseline(`${root}test/fixtures/data/test.jsonl`, baselineVocab, { grids, threads: 1 }),
};

let failed = false;
const started = performance.now();
const only = process.env.LEAK_ONLY ? new RegExp(process.env.LEAK_ONLY) : null;
for (const [name, fn] of Object.entries(methods)) {
  if (only && !only.test(name)) continue;
  const warm = name.startsWith('Model.load') ? Math.min(5, LOAD_N) : Math.min(N, Math.max(10, Math.floor(N / 10)));
  for (let i = 0; i < warm; i++) await fn();
  await settle();
  const before = rssMb();
  const t0 = performance.now();
  const n = name.startsWith('Model.load') ? LOAD_N : N;
  for (let i = 0; i < n; i++) {
    await fn();
    if (i % 50 === 49) globalThis.gc();
  }
  await settle();
  const growth = rssMb() - before;
  const ok = growth <= MAX_MB;
  failed ||= !ok;
  console.log(`${ok ? 'ok  ' : 'LEAK'} ${name}: ${n} calls in ${((performance.now() - t0) / 1000).toFixed(1)} s, RSS ${before.toFixed(0)} → ${(before + growth).toFixed(0)} MiB (${growth >= 0 ? '+' : ''}${growth.toFixed(1)}, limit +${MAX_MB})`);
}
model.dispose();
console.log(`${failed ? 'FAILED' : 'ok'}: ${((performance.now() - started) / 1000).toFixed(1)} s in all`);
process.exit(failed ? 1 : 0);
