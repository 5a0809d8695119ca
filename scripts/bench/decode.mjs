#!/usr/bin/env node
// Decoding throughput on this machine: the seed's loop (reference mode) against the batched engine with
// full-prefix recomputation and with key/value-cached steps, for beam (with and without the vocabulary),
// beam-sync and greedy. Prints a JSON summary on stdout (read by scripts/bench.mjs).
// Usage: node scripts/bench/decode.mjs [--model M.pt] [--swipes N] [--reference-swipes N] [--threads N]
//        [--batch-size N] [--workers N] [--device cpu|cuda] [--vocab FILE] [--skip-full-prefix] [--repeats N]
// The seed loop (reference) runs as one search, with 1 libtorch thread and with one per core; batched runs
// use --workers searches at once. Every configuration runs --repeats times (default 3) and reports the
// median speed with the range, because a shared machine's speed drifts between runs.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { benchModel, benchSwipes, flag, lib, opt, root } from './setup.mjs';

const { Decoder } = await lib('decode/decoder.js');
const { estimateFlops } = await lib('decode/flops.js');
const { setNumThreads } = await lib('runtime.js');

const modelPath = opt('--model', existsSync(join(root, 'examples/model.pt')) ? join(root, 'examples/model.pt') : join(root, 'test/fixtures/generated/m1_bigger.pt'));
const nSwipes = Number(opt('--swipes', '300'));
const nRef = Number(opt('--reference-swipes', '30'));
const threads = Number(opt('--threads', '1'));
const batchSize = Number(opt('--batch-size', '16'));
const workers = Number(opt('--workers', String((await import('node:os')).availableParallelism())));
const device = opt('--device', 'cpu');
const vocabPath = opt('--vocab', join(root, 'examples/vocab.txt'));
const skipFullPrefix = flag('--skip-full-prefix');
const repeats = Number(opt('--repeats', '3'));
const cores = (await import('node:os')).availableParallelism();

const { swipes } = await benchSwipes(nSwipes);
const { model, vocabulary: vocab, heapTuned } = await benchModel({ modelPath, vocabPath, device, threads });
const m = model.metadata;
const shape = { dModel: m.d_model, encoderLayers: m.architecture === 'm1_smaller' ? 3 : 4, decoderLayers: m.n_decoder_layers ?? 4, feedForward: 128, nClasses: m.n_classes };

async function run(label, opts, subset, runThreads = threads) {
  // With the vocabulary every run scores as the seed's loop does (seed scoring), so that both sides do the same search.
  const dec = await Decoder.create(model, { batchSize, workers: opts.reference ? 1 : workers, ...(opts.vocabulary ? { vocabScoring: 'seed' } : {}), ...opts });
  setNumThreads(runThreads);
  const speeds = [];
  let out;
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    out = await dec.decode(subset);
    speeds.push(subset.length / ((performance.now() - t0) / 1000));
  }
  setNumThreads(threads);
  const { rows, stats } = out;
  const sorted = [...speeds].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  const flops = estimateFlops(stats.work, shape);
  return {
    label, swipes: subset.length, threads: runThreads, swipesPerSecond: median, minSwipesPerSecond: sorted[0], maxSwipesPerSecond: sorted[sorted.length - 1],
    modelShare: stats.modelSeconds / Math.max(stats.totalSeconds, 1e-9), encodeShare: stats.encodeSeconds / Math.max(stats.totalSeconds, 1e-9),
    incremental: stats.incremental, nativeStep: stats.nativeStep, decodeCalls: stats.decodeCalls, decodeRows: stats.decodeRows,
    gflopPerSwipe: flops / subset.length / 1e9, gflopPerSecond: (flops / subset.length / 1e9) * median, rows,
  };
}

const refSet = swipes.slice(0, nRef);
const beam = { generator: 'beam', beamSize: 6, normalizationFactor: 0.5, maxSteps: 35 };
const results = [];
// On CUDA the built-in step does not apply and one search uses the whole card: those rows are skipped there.
const cpu = device === 'cpu';
for (const [tag, vocabulary] of [['', null], ['+vocab', vocab]]) {
  results.push(await run(`beam${tag} reference (seed loop)`, { decoding: beam, vocabulary, reference: true }, refSet));
  if (cpu && cores > 1) results.push(await run(`beam${tag} reference (seed loop), ${cores} threads`, { decoding: beam, vocabulary, reference: true }, refSet, cores));
  if (!skipFullPrefix) results.push(await run(`beam${tag} batched, full prefix`, { decoding: beam, vocabulary, incremental: false }, swipes));
  if (cpu) results.push(await run(`beam${tag} batched, incremental, TorchScript step`, { decoding: beam, vocabulary, nativeStep: false }, swipes));
  results.push(await run(`beam${tag} batched, incremental`, { decoding: beam, vocabulary }, swipes));
  if (cpu) results.push(await run(`beam${tag} batched, incremental, 1 worker`, { decoding: beam, vocabulary, workers: 1 }, swipes));
}
for (const [name, decoding] of [['beam-sync', { ...beam, generator: 'beam-sync' }], ['greedy', { generator: 'greedy', maxSteps: 35 }]]) {
  if (!skipFullPrefix) results.push(await run(`${name}+vocab batched, full prefix`, { decoding, vocabulary: vocab, incremental: false }, swipes));
  results.push(await run(`${name}+vocab batched, incremental`, { decoding, vocabulary: vocab }, swipes));
}

// Outputs of the batched engine against the seed loop on the shared swipes: same words in the same order.
const parity = {};
const words = (row) => row.candidates.map((c) => c[1]).join('|');
for (const ref of results.filter((r) => r.label.endsWith('reference (seed loop)'))) {
  const tag = ref.label.split(' ')[0];
  for (const other of results.filter((r) => r !== ref && r.label.split(' ')[0] === tag)) {
    const same = ref.rows.filter((row, j) => words(row) === words(other.rows[j])).length;
    parity[other.label] = `${same}/${ref.rows.length} swipes with identical candidate lists`;
  }
}
for (const r of results) delete r.rows;
process.stdout.write(JSON.stringify({ model: modelPath.replace(root + '/', ''), architecture: m.architecture, device: model.device, threads, cores, repeats, heapTuned, batchSize, workers, vocabulary: { path: vocabPath.replace(root + '/', ''), words: vocab.size }, results, parity }, null, 1) + '\n');
model.dispose();
