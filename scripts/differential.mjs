#!/usr/bin/env node
// Differential harness, long run: the built-in CPU decoder step against the model's TorchScript decode_step
// (and, on a share of the swipes, full-prefix recomputation) on long-running and plain random-initialised
// models of every registry architecture (python/make_test_models.py --long-running-set) and the model of
// ../shared/repro/step-divergence when it is there, synthetic swipes on both real grids, beam 6 and 20 without
// a vocabulary (all hypotheses returned) and beam 6 with it. Two comparisons per pair of runs:
//   candidates  a difference on a swipe whose decision margins (measured by the engine) all exceed 1e-4 is a
//               failure; near ties are counted and listed;
//   steps       every prefix both runs scored must have log-probabilities within 5e-5 (and, without the
//               vocabulary, both runs must have scored the same prefixes); any difference is a failure.
// Exit code 1 on any failure.
// Usage: node scripts/differential.mjs [--models DIR] [--per-arch N] [--swipes N] [--full-share X]
//        [--seed N] [--vocab FILE] [--workers N] [--only FILE,...] [--json OUT]
//   --models DIR    where the models are (made there when DIR/long-running.json is missing; default
//                   test/fixtures/generated/long-running)
//   --per-arch N    models per architecture when making them (default 2)
//   --swipes N      swipes per grid, model and search (default 150)
//   --full-share X  share of the no-vocabulary beam-6 swipes also decoded by full-prefix recomputation
//                   (default 0.05; it is slow on long searches)
//   --repro DIR     the step-divergence reproducer's folder (default ../shared/repro/step-divergence; its
//                   model joins the list when DIR/model.pt exists)
//   --only F,...    only these models of the list (same swipes as in a run of them all: a long run can be
//                   split over several processes)
//   --beam20-share X, --vocab-share X  share of the swipes also decoded by beam 20 without the vocabulary and
//                   by beam 6 with it (default 1 each)
// Needs `npm run build:native && npm run build:ts`.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compareRuns, compareSteps, FRAGILE_MARGIN, STEP_TOLERANCE } from './differential/compare.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lib = (p) => import(join(root, 'dist', p));
const { Model } = await lib('model/model.js');
const { Decoder } = await lib('decode/decoder.js');
const { Vocabulary, readVocabularyFile } = await lib('vocabulary.js');
const { loadGrids } = await lib('keyboard/grid.js');
const { letterLayout } = await lib('synth/layout.js');
const { readVocab } = await lib('synth/vocab.js');
const { filterVocabForGrid } = await lib('synth/vocab-filter.js');
const { synthesizeSwipes } = await lib('synth/synthesize.js');
const { setNumThreads } = await lib('runtime.js');
const { findTorchPython } = await lib('model/python.js');

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const modelsDir = opt('--models', join(root, 'test/fixtures/generated/long-running'));
const perArch = Number(opt('--per-arch', '2'));
const perGrid = Number(opt('--swipes', '150'));
const fullShare = Number(opt('--full-share', '0.05'));
const beam20Share = Number(opt('--beam20-share', '1'));
const vocabShare = Number(opt('--vocab-share', '1'));
const seed = Number(opt('--seed', '1'));
const vocabFile = opt('--vocab', join(root, 'examples/vocab.txt'));
const workers = Number(opt('--workers', '1'));
const jsonOut = opt('--json', null);
const only = opt('--only', null)?.split(',') ?? null;
const reproDir = opt('--repro', join(root, '..', 'shared', 'repro', 'step-divergence'));
for (const [name, v] of [['--per-arch', perArch], ['--swipes', perGrid], ['--seed', seed], ['--workers', workers]]) {
  if (!Number.isInteger(v) || v < (name === '--seed' ? 0 : 1)) throw new Error(`${name}: expected a positive integer, got ${v}`);
}
for (const [name, v] of [['--full-share', fullShare], ['--beam20-share', beam20Share], ['--vocab-share', vocabShare]]) {
  if (!(v >= 0 && v <= 1)) throw new Error(`${name}: expected a number from 0 to 1, got ${v}`);
}
/** An even spread of `share` of the swipes (both grids). */
const spread = (list, share) => {
  const n = Math.round(list.length * share);
  return Array.from({ length: n }, (_, k) => list[Math.floor((k * list.length) / n)]);
};

const listPath = join(modelsDir, 'long-running.json');
if (!existsSync(listPath)) {
  process.stderr.write(`making ${perArch} long-running models per architecture in ${modelsDir}\n`);
  execFileSync(findTorchPython(), [join(root, 'python/make_test_models.py'), '--long-running-set', String(perArch), '--out', modelsDir], { stdio: ['ignore', 'inherit', 'inherit'] });
}
const { models } = JSON.parse(readFileSync(listPath, 'utf8'));
for (const m of models) m.path = join(modelsDir, m.file);
if (existsSync(join(reproDir, 'model.pt'))) {
  models.push({ file: 'step-divergence/model.pt', path: join(reproDir, 'model.pt'), architecture: 'm1_bigger', eos_bias: null });
}
setNumThreads(1);

const grids = loadGrids();
function swipesFor(modelIndex) {
  const out = [];
  for (const [g, name] of ['default', 'extra'].entries()) {
    const layout = letterLayout(grids[name]);
    const words = filterVocabForGrid(readVocab(vocabFile), layout, 'skip', vocabFile).words;
    for (const s of synthesizeSwipes(words, layout, perGrid, seed + 1000 * modelIndex + g)) {
      out.push({ index: out.length, x: Int16Array.from(s.curve.x), y: Int16Array.from(s.curve.y), t: Int16Array.from(s.curve.t), gridName: name, word: s.word });
    }
  }
  return out;
}

const total = { searches: 0, identical: 0, fragile: 0, failures: 0, maxRelDiff: 0, compared: 0, stepRows: 0, stepFailures: 0, maxStepDiff: 0 };
const report = [];
const started = Date.now();
if (only) {
  const unknown = only.filter((f) => !models.some((m) => m.file === f));
  if (unknown.length > 0) throw new Error(`--only: ${unknown.join(', ')} not in ${listPath}`);
}
for (const [mi, m] of models.entries()) {
  if (only && !only.includes(m.file)) continue;
  const model = await Model.load(m.path, { device: 'cpu' });
  try {
    const swipes = swipesFor(mi);
    const vocabulary = await Vocabulary.build(readVocabularyFile(vocabFile), (await Decoder.create(model)).tokenizer, vocabFile);
    const run = async (decoding, o, subset = swipes) => (await (await Decoder.create(model, { decoding, margins: true, traceSteps: true, workers, ...o })).decode(subset)).rows;
    const searches = [
      { name: 'beam 6', decoding: { generator: 'beam', beamSize: 6, normalizationFactor: 0.5, maxSteps: 35 }, vocab: false, share: 1, full: fullShare },
      { name: 'beam 20', decoding: { generator: 'beam', beamSize: 20, normalizationFactor: 0.5, maxSteps: 35 }, vocab: false, share: beam20Share, full: 0 },
      { name: 'beam 6 + vocabulary', decoding: { generator: 'beam', beamSize: 6, normalizationFactor: 0.5, maxSteps: 35 }, vocab: true, share: vocabShare, full: 1 },
    ];
    for (const s of searches) {
      const v = s.vocab ? { vocabulary } : {};
      const subset = spread(swipes, s.share);
      if (subset.length === 0) continue;
      const native = await run(s.decoding, v, subset);
      const script = await run(s.decoding, { ...v, nativeStep: false, skipForced: false }, subset);
      // With the vocabulary the built-in run skips forced steps that the other runs score.
      const sameRows = !s.vocab;
      const pairs = [['TorchScript step', compareRuns(native, script), compareSteps(native, script, { sameRows })]];
      const pick = spread(subset.map((_, i) => i), s.full);
      if (pick.length > 0) {
        const full = await run(s.decoding, { ...v, incremental: false }, pick.map((i) => subset[i]));
        const picked = pick.map((i) => native[i]);
        pairs.push(['full prefix', compareRuns(picked, full), compareSteps(picked, full, { sameRows })]);
      }
      for (const r of [...native, ...script]) delete r.steps;  // the traces are large; the comparisons are done
      total.searches += native.length;
      const candidates = native.reduce((a, r) => a + r.candidates.length, 0);
      for (const [against, c, st] of pairs) {
        total.stepRows += st.rows;
        total.stepFailures += st.failures.length;
        total.failures += st.failures.length;
        total.maxStepDiff = Math.max(total.maxStepDiff, st.maxDiff);
        total.compared += c.swipes;
        total.identical += c.identical;
        total.fragile += c.fragile.length;
        total.failures += c.failures.length;
        total.maxRelDiff = Math.max(total.maxRelDiff, c.maxRelDiff);
        const line = { model: m.file, architecture: m.architecture, eosBias: m.eos_bias, search: s.name, against, swipes: c.swipes, identical: c.identical,
          nearTies: c.fragile.map((f) => ({ swipe: f.swipe, margin: f.margin, reason: f.reason, problem: f.problem })), failures: c.failures, maxRelDiff: c.maxRelDiff, meanCandidates: candidates / native.length,
          stepRows: st.rows, stepFailures: st.failures, maxStepDiff: st.maxDiff };
        report.push(line);
        process.stdout.write(`${m.file} ${s.name} vs ${against}: ${c.swipes} swipes, ${c.identical} identical, ${c.fragile.length} near ties, ${c.failures.length} failures, ` +
          `max score difference ${c.maxRelDiff.toExponential(2)} relative, ${(candidates / native.length).toFixed(0)} candidates per swipe; ` +
          `${st.rows} scored rows, max log-probability difference ${st.maxDiff.toExponential(2)}, ${st.failures.length} step failures\n`);
        for (const f of c.failures) process.stdout.write(`  FAILURE swipe ${f.swipe} (margin ${f.margin.toExponential(2)}): ${f.problem}\n`);
        for (const f of st.failures) process.stdout.write(`  STEP FAILURE swipe ${f.swipe}: ${f.problem}\n`);
      }
    }
  } finally {
    model.dispose();
  }
}
const summary = { ...total, fragileMargin: FRAGILE_MARGIN, stepTolerance: STEP_TOLERANCE, seconds: (Date.now() - started) / 1000, models: only ? only.length : models.length, swipesPerGrid: perGrid };
process.stdout.write(`${JSON.stringify(summary)}\n`);
if (jsonOut) {
  const tmp = `${jsonOut}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify({ summary, report }, null, 1));
  renameSync(tmp, jsonOut);
}
process.exit(total.failures > 0 ? 1 : 0);
