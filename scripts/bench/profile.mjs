#!/usr/bin/env node
// Where one decoder step's time goes: the decode runs' opt-in phase timer (native/engine/step_profile.h, CPU
// time of the decoding thread per phase, so that a busy machine's other processes do not count) on
// the example model and on the random-initialised m1_bigger test fixture, beam 6 / nf 0.5 / max 35, with and
// without the vocabulary, batch 16, one search (one worker, one libtorch thread) so that the phases add up to
// the run's time. Prints a markdown table on stdout (read by scripts/bench.mjs), or JSON with --json.
// Usage: node scripts/bench/profile.mjs [--swipes N] [--models A.pt,B.pt] [--batch-size N] [--json]
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { benchModel, benchSwipes, flag, lib, opt, root } from './setup.mjs';

const { Decoder } = await lib('decode/decoder.js');
const { native } = await lib('native.js');

const nSwipes = Number(opt('--swipes', '200'));
const batchSize = Number(opt('--batch-size', '16'));
const models = opt('--models', `${join(root, 'examples/model.pt')},${join(root, 'test/fixtures/generated/m1_bigger.pt')}`).split(',');
const vocabPath = opt('--vocab', join(root, 'examples/vocab.txt'));
for (const [name, v] of [['--swipes', nSwipes], ['--batch-size', batchSize]]) {
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name}: expected a positive integer, got ${v}`);
}
for (const m of models) if (!existsSync(m)) throw new Error(`--models: ${m} does not exist (the m1_bigger fixture is made by the test set-up: python/make_test_models.py)`);

const { swipes } = await benchSwipes(nSwipes);
const beam = { generator: 'beam', beamSize: 6, normalizationFactor: 0.5, maxSteps: 35 };
const results = [];
for (const modelPath of models) {
  const { model, vocabulary } = await benchModel({ modelPath, vocabPath });
  for (const [search, vocab] of [['beam', null], ['beam+vocab', vocabulary]]) {
    const dec = await Decoder.create(model, { decoding: beam, vocabulary: vocab, ...(vocab ? { vocabScoring: 'seed' } : {}), batchSize, workers: 1 });
    await dec.decode(swipes.slice(0, Math.min(16, swipes.length))); // warm-up
    native().enableStepProfile(true);
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const { stats } = await dec.decode(swipes);
    const c1 = process.cpuUsage(c0);
    const wall = (performance.now() - t0) / 1000;
    const cpu = (c1.user + c1.system) / 1e6;
    const p = native().takeStepProfile();
    native().enableStepProfile(false);
    results.push({ model: modelPath.replace(`${root}/`, ''), label: modelPath.split('/').pop().replace(/\.pt$/, ''), architecture: model.metadata.architecture, search, swipes: swipes.length, wall, cpu, rounds: stats.decodeCalls, tieDecisions: stats.tieDecisions, tieDecodeCalls: stats.tieDecodeCalls, ...p });
    process.stderr.write(`profile: ${modelPath.replace(`${root}/`, '')} ${search}: ${(swipes.length / wall).toFixed(1)} swipes/s\n`);
  }
  model.dispose();
}

if (flag('--json')) {
  process.stdout.write(JSON.stringify({ batchSize, swipes: nSwipes, results }, null, 1) + '\n');
} else {
  // Rows: the built-in step's phases, the runner's cache bookkeeping (its model call less the step), the
  // log-softmax and top-k (less the mask), the mask, the searches, encoding, and what no phase covers.
  const phases = [
    ['self-attention', (s) => s.selfAttention],
    ['cross-attention', (s) => s.crossAttention],
    ['feed-forward', (s) => s.feedForward],
    ['embedding + output projection', (s) => s.output],
    ['step runner bookkeeping (cache chains)', (s) => s.runner - s.selfAttention - s.crossAttention - s.feedForward - s.output],
    ['log-softmax + top-k', (s) => s.score - s.mask],
    ['vocabulary mask', (s) => s.mask],
    ['search bookkeeping', (s) => s.search],
    ['encoding (encode + memory_kv)', (s) => s.encode],
  ];
  const head = results.map((r) => `${r.label} ${r.search}`);
  const lines = [
    `| phase: CPU µs per round (share of the run's CPU time) | ${head.join(' | ')} |`,
    `|---|${head.map(() => '---|').join('')}`,
  ];
  const cell = (r, sec) => `${((sec / r.rounds) * 1e6).toFixed(0)} (${((100 * sec) / r.cpu).toFixed(0)}%)`;
  for (const [name, f] of phases) lines.push(`| ${name} | ${results.map((r) => cell(r, f(r.seconds))).join(' | ')} |`);
  const covered = (s) => s.runner + s.score + s.search + s.encode;
  lines.push(`| other (JS, hand-off, untimed) | ${results.map((r) => cell(r, r.cpu - covered(r.seconds))).join(' | ')} |`);
  lines.push(`| **whole run (process CPU time)** | ${results.map((r) => `${((r.cpu / r.rounds) * 1e6).toFixed(0)} µs × ${r.rounds} rounds = ${r.cpu.toFixed(2)} s`).join(' | ')} |`);
  lines.push(`| rows per round (built-in step rows / calls) | ${results.map((r) => `${(r.stepRows / Math.max(1, r.rounds)).toFixed(1)} (${r.stepRows} / ${r.stepCalls})`).join(' | ')} |`);
  lines.push(`| near ties refereed by the seed's arithmetic (full-prefix decode calls; in search bookkeeping) | ${results.map((r) => `${r.tieDecisions} (${r.tieDecodeCalls})`).join(' | ')} |`);
  lines.push(`| swipes/s (1 search, 1 thread; wall clock) | ${results.map((r) => (r.swipes / r.wall).toFixed(1)).join(' | ')} |`);
  process.stdout.write(lines.join('\n') + '\n');
}
