#!/usr/bin/env node
// Decoding throughput on a long-running model: the random-initialised m1_bigger fixture whose output weight is
// multiplied by 8 and whose <eos> bias is raised by 3 (python/neuroswipe_models/long_running.py), so that
// hypotheses run to tens of tokens and candidate lists are long. The seed's loop (reference mode: one swipe,
// one hypothesis, full-prefix `decode` per call, one libtorch thread) against the batched engine with the
// built-in decoder step, for beam with and without the vocabulary, on the same synthetic swipes; decoding time
// only on both sides (the model is loaded and the swipes are read before the clock starts). Prints a JSON
// summary on stdout (read by scripts/bench.mjs).
// With --model and --grids both it measures another model the same way (scripts/bench.mjs: the plain
// random-initialised m1_bigger made for both grids, test/fixtures/generated/m1_bigger_two_grids.pt).
// Usage: node scripts/bench/long-model.mjs [--model M.pt] [--swipes N] [--reference-swipes N] [--batch-size N]
//        [--workers N] [--vocab FILE] [--repeats N] [--grids default|both]
//   --swipes N            synthetic swipes (default 300), all decoded by the batched runs
//   --reference-swipes N  the first N of them decoded by the seed loop as well (default: all)
//   --grids G             default: every swipe on the default grid; both: half on the default grid, half on the extra one
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { sameUpToNearTies, SCORE_ABS_TOLERANCE, SCORE_TOLERANCE } from '../differential/compare.mjs';
import { benchModel, benchSwipes, flag, lib, opt, root } from './setup.mjs';

const { Decoder } = await lib('decode/decoder.js');
const { findTorchPython } = await lib('model/python.js');

const fixtures = join(root, 'test/fixtures/generated');
const modelPath = opt('--model', join(fixtures, 'long_m1_bigger.pt'));
const nSwipes = Number(opt('--swipes', '300'));
const nRef = Number(opt('--reference-swipes', String(nSwipes)));
const batchSize = Number(opt('--batch-size', '16'));
const cores = availableParallelism();
const workers = Number(opt('--workers', String(cores)));
const vocabPath = opt('--vocab', join(root, 'examples/vocab.txt'));
const repeats = Number(opt('--repeats', '3'));
const grids = opt('--grids', 'default');
if (grids !== 'default' && grids !== 'both') throw new Error(`--grids: expected default or both, got ${grids}`);
for (const [name, v] of [['--swipes', nSwipes], ['--reference-swipes', nRef], ['--batch-size', batchSize], ['--workers', workers], ['--repeats', repeats]]) {
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name}: expected a positive integer, got ${v}`);
}
if (nRef > nSwipes) throw new Error(`--reference-swipes ${nRef} is more than --swipes ${nSwipes}`);

if (!existsSync(modelPath) && !flag('--model')) {
  // The test fixtures (made once by the test set-up) include the long-running m1_bigger.
  execFileSync(findTorchPython(), [join(root, 'python/make_test_models.py'), '--out', fixtures], { stdio: ['ignore', 'ignore', 'inherit'] });
}
const { swipes } = await benchSwipes(nSwipes, grids);
const { model, vocabulary: vocab, heapTuned } = await benchModel({ modelPath, vocabPath });
/** Median, slowest and fastest of `times` runs of `subset`; the last run's rows and stats. */
async function run(label, opts, subset, times) {
  // With the vocabulary every run scores as the seed's loop does (seed scoring), so that both sides do the same search.
  const dec = await Decoder.create(model, { batchSize, workers: opts.reference ? 1 : workers, ...(opts.vocabulary ? { vocabScoring: 'seed' } : {}), ...opts });
  const speeds = [];
  let out;
  for (let i = 0; i < times; i++) {
    const t0 = performance.now();
    out = await dec.decode(subset);
    speeds.push(subset.length / ((performance.now() - t0) / 1000));
  }
  const sorted = [...speeds].sort((a, b) => a - b);
  const { rows, stats } = out;
  return {
    label, swipes: subset.length, runs: times, swipesPerSecond: sorted[Math.floor(sorted.length / 2)], minSwipesPerSecond: sorted[0], maxSwipesPerSecond: sorted[sorted.length - 1],
    nativeStep: stats.nativeStep, decodeCalls: stats.decodeCalls, decodeRows: stats.decodeRows,
    candidatesPerSwipe: rows.reduce((a, r) => a + r.candidates.length, 0) / rows.length,
    longestCandidate: Math.max(...rows.flatMap((r) => r.candidates.map(([, w]) => [...w].length))),
    rows,
  };
}

const beam = { generator: 'beam', beamSize: 6, normalizationFactor: 0.5, maxSteps: 35 };
// With both grids the reference swipes alternate between them, so that a subset covers both.
const refSet = grids === 'both' ? interleave(swipes, Math.ceil(nSwipes / 2)).slice(0, nRef) : swipes.slice(0, nRef);
const results = [];
const ratios = {};
const parity = {};
for (const [tag, vocabulary] of [['beam', null], ['beam+vocab', vocab]]) {
  const ref = await run(`${tag} reference (seed loop)`, { decoding: beam, vocabulary, reference: true }, refSet, 1);
  const fast = await run(`${tag} batched, incremental`, { decoding: beam, vocabulary }, swipes, repeats);
  const script = await run(`${tag} batched, incremental, TorchScript step`, { decoding: beam, vocabulary, nativeStep: false }, swipes, 1);
  results.push(ref, fast, script);
  ratios[tag] = fast.swipesPerSecond / ref.swipesPerSecond;
  const words = (row) => JSON.stringify(row.candidates.map((c) => c[1]));
  for (const other of [fast, script]) {
    // A list that differs from the seed loop's only in the order of near-equal scores (within the score
    // tolerance, the final sort of near ties) is counted apart; any other difference is listed by swipe.
    let same = 0;
    let nearTies = 0;
    const differ = [];
    ref.rows.forEach((row, j) => {
      const got = other.rows[swipes.indexOf(refSet[j])];
      if (words(row) === words(got)) same++;
      else if (sameUpToNearTies(row.candidates, got.candidates)) nearTies++;
      else differ.push(j);
    });
    parity[other.label] = `${same}/${ref.rows.length} swipes with the seed loop's candidate lists` +
      (nearTies ? `, ${nearTies} with the same candidates in another order of scores within ${SCORE_TOLERANCE} relative or ${SCORE_ABS_TOLERANCE.toExponential(2)} absolute (near ties)` : '') +
      (differ.length ? `, ${differ.length} different (swipes ${differ.join(', ')})` : '');
  }
}
for (const r of results) delete r.rows;
process.stdout.write(JSON.stringify({
  model: modelPath.replace(root + '/', ''), architecture: model.metadata.architecture, grids, cores, batchSize, workers, repeats, heapTuned,
  vocabulary: { path: vocabPath.replace(root + '/', ''), words: vocab.size }, swipes: nSwipes, referenceSwipes: nRef, results, ratios, parity,
}, null, 1) + '\n');
model.dispose();

/** The swipes reordered as a[0], b[0], a[1], b[1], … where a = swipes before `half` and b = the rest. */
function interleave(all, half) {
  const out = [];
  for (let i = 0; i < half; i++) {
    out.push(all[i]);
    if (half + i < all.length) out.push(all[half + i]);
  }
  return out;
}
