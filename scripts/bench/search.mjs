#!/usr/bin/env node
// Searches compared on one model and vocabulary: Swipe MRR, accuracy, search error against exact vocabulary
// scoring, model rows and speed, on three data sets: the bundled examples/valid.jsonl, a noisier synthetic set
// (another seed, larger touch noise) and a frequency-drawn synthetic set (Zipf ranks by vocabulary line order).
// Prints a JSON summary on stdout (read by scripts/bench.mjs); with --markdown, the table instead.
// Usage: node scripts/bench/search.mjs [--model M.pt] [--vocab FILE] [--swipes N] [--exact-swipes N]
//        [--workers N] [--batch-size N] [--markdown]
// Every method decodes the first --swipes swipes of each set (MRR, accuracy, speed); exact scoring, which
// runs the model on every vocabulary prefix, decodes the first --exact-swipes of them, and the search error of
// each method is counted on those: the swipes whose top-1 word differs from exact scoring's top-1, split by
// whether exact's top-1 is the target (a search error that costs accuracy) or not (one that cannot).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { flag, lib, opt, root } from './setup.mjs';

const { Model } = await lib('model/model.js');
const { Decoder } = await lib('decode/decoder.js');
const { Vocabulary, readVocabularyFile } = await lib('vocabulary.js');
const { readSwipes } = await lib('data/dataset.js');
const { loadGrids } = await lib('keyboard/grid.js');
const { swipeMrr, accuracy } = await lib('evaluate/metrics.js');
const { setNumThreads, tuneHeapForThroughput } = await lib('runtime.js');

const modelPath = opt('--model', join(root, 'examples/model.pt'));
const vocabPath = opt('--vocab', join(root, 'examples/vocab.txt'));
const nSwipes = Number(opt('--swipes', '200'));
const nExact = Math.min(nSwipes, Number(opt('--exact-swipes', '40')));
const workers = Number(opt('--workers', String(availableParallelism())));
const batchSize = Number(opt('--batch-size', '16'));
const markdown = flag('--markdown');

setNumThreads(1);
tuneHeapForThroughput();
const dir = join(root, '.tmp', 'bench');
mkdirSync(dir, { recursive: true });
const synth = (name, extra) => {
  const out = join(dir, `search-${name}-${nSwipes}.jsonl`);
  if (!existsSync(out)) {
    execFileSync(process.execPath, [join(root, 'bin/neuroswipe.js'), 'synth', '--grid', 'default', '--vocab', vocabPath, '--count', String(nSwipes), '--out', out, '--quiet', ...extra], { stdio: 'ignore' });
  }
  return out;
};
const sets = [
  { name: 'examples/valid.jsonl', path: join(root, 'examples/valid.jsonl') },
  { name: 'synth, seed 7, noise ×2 (3.0)', path: synth('noisy', ['--seed', '7', '--noise-scale', '3']) },
  { name: 'synth, seed 11, Zipf-drawn words', path: synth('zipf', ['--seed', '11', '--sampling', 'zipf']) },
];

const model = await Model.load(modelPath, { device: 'cpu' });
const tokenizer = (await Decoder.create(model)).tokenizer;
const vocabWords = readVocabularyFile(vocabPath);
const vocab = await Vocabulary.build(vocabWords, tokenizer, vocabPath);
const beam = { generator: 'beam', beamSize: 6, normalizationFactor: 0.5, maxSteps: 35 };
const methods = [
  { name: 'beam (no vocabulary)', decoding: beam, vocabulary: null },
  { name: 'beam (no vocabulary) + repair, k 1, 8 rescored', decoding: { ...beam, repair: 'levenshtein', repairDistance: 1, repairRescore: 8 }, vocabulary: null, repairWords: vocabWords },
  { name: 'beam (no vocabulary) + repair, k 2, 16 rescored', decoding: { ...beam, repair: 'levenshtein', repairDistance: 2, repairRescore: 16 }, vocabulary: null, repairWords: vocabWords },
  { name: 'beam + vocabulary', decoding: beam, vocabulary: vocab },
  { name: 'beam-sync + vocabulary', decoding: { ...beam, generator: 'beam-sync' }, vocabulary: vocab },
  { name: 'greedy + vocabulary', decoding: { generator: 'greedy', maxSteps: 35 }, vocabulary: vocab },
  { name: 'beam + vocabulary, token floor −5', decoding: { ...beam, tokenLogProbFloor: -5 }, vocabulary: vocab },
  { name: 'beam 12 + vocabulary', decoding: { ...beam, beamSize: 12 }, vocabulary: vocab },
  { name: 'hybrid, 2 beam steps', decoding: { generator: 'hybrid', beamSize: 6, hybridSteps: 2, normalizationFactor: 0.5, maxSteps: 35, returnHypotheses: 6 }, vocabulary: vocab },
  { name: 'hybrid, 3 beam steps', decoding: { generator: 'hybrid', beamSize: 6, hybridSteps: 3, normalizationFactor: 0.5, maxSteps: 35, returnHypotheses: 6 }, vocabulary: vocab },
  { name: 'exact', decoding: { generator: 'exact', normalizationFactor: 0.5, maxSteps: 35, returnHypotheses: 6 }, vocabulary: vocab, exact: true },
];

async function decode(method, swipes) {
  const dec = await Decoder.create(model, { decoding: method.decoding, vocabulary: method.vocabulary, repairWords: method.repairWords, batchSize, workers });
  const t0 = performance.now();
  const { rows, stats } = await dec.decode(swipes);
  return { rows, stats, seconds: (performance.now() - t0) / 1000 };
}

const words = (row) => row.candidates.map((c) => c[1]);
const results = [];
for (const set of sets) {
  const swipes = [];
  for await (const s of readSwipes(set.path, { grids: loadGrids() })) {
    if (s.gridName === 'default' && s.word !== undefined) swipes.push(s);
    if (swipes.length === nSwipes) break;
  }
  const targets = swipes.map((s) => s.word);
  const exactSet = swipes.slice(0, nExact);
  process.stderr.write(`search bench: ${set.name}: exact on ${exactSet.length} swipes\n`);
  const exact = await decode(methods.find((m) => m.exact), exactSet);
  const exactTop = exact.rows.map((r) => r.candidates[0]?.[1]);
  const rows = [];
  for (const method of methods) {
    process.stderr.write(`search bench: ${set.name}: ${method.name}\n`);
    const run = method.exact ? exact : await decode(method, swipes);
    const n = run.rows.length;
    const preds = run.rows.map(words);
    let errTarget = 0, errOther = 0, onTarget = 0;
    for (let i = 0; i < nExact; i++) {
      const top = preds[i][0];
      const hit = exactTop[i] === targets[i];
      if (hit) onTarget++;
      if (top !== exactTop[i] && hit) errTarget++;
      else if (top !== exactTop[i]) errOther++;
    }
    rows.push({
      method: method.name, swipes: n, mrr: swipeMrr(preds, targets.slice(0, n)), accuracy: accuracy(preds.map((p) => p[0]), targets.slice(0, n)),
      mrrOnExactSwipes: swipeMrr(preds.slice(0, nExact), targets.slice(0, nExact)),
      exactSwipes: nExact, exactOnTarget: onTarget, searchErrors: errTarget + errOther, searchErrorsOnTarget: errTarget, searchErrorsOffTarget: errOther,
      decodeCalls: run.stats.decodeCalls / n, decodeRows: run.stats.decodeRows / n, forcedSteps: run.stats.forcedSteps / n, swipesPerSecond: n / run.seconds,
    });
  }
  results.push({ set: set.name, swipes: swipes.length, rows });
}
model.dispose();

const summary = { model: modelPath.replace(root + '/', ''), vocabulary: { path: vocabPath.replace(root + '/', ''), words: vocab.size }, workers, batchSize, swipes: nSwipes, exactSwipes: nExact, results };
process.stdout.write(markdown ? formatSearch(summary) + '\n' : JSON.stringify(summary, null, 1) + '\n');

/** The comparison as Markdown: one table per data set, plus the goals' figures. */
function formatSearch(s) {
  const out = [];
  out.push(`Model \`${s.model}\`, vocabulary \`${s.vocabulary.path}\` (${s.vocabulary.words} words), CPU, ${s.workers} searches at once of batch ${s.batchSize}, 1 libtorch thread each. Every method decodes the first ${s.swipes} default-grid swipes of each set; exact scoring the first ${s.exactSwipes}, on which every method's search error is counted (top-1 ≠ exact's top-1; "on target": where exact's top-1 is the true word). Beam: size 6, normalization factor 0.5, max 35 steps. Model rows = decoder rows run per swipe (steps answered without the model not counted).`, '');
  for (const r of s.results) {
    out.push(`### ${r.set} (${r.swipes} swipes)`, '');
    out.push(`| method | Swipe MRR | accuracy | MRR on the ${s.exactSwipes} | search error vs exact | of which exact was right | model calls / swipe | model rows / swipe | swipes/s |`, '|---|---|---|---|---|---|---|---|---|');
    for (const x of r.rows) {
      const err = `${x.searchErrors}/${x.exactSwipes} (${((100 * x.searchErrors) / x.exactSwipes).toFixed(1)}%)`;
      const swipes = x.swipes === r.swipes ? '' : ` (on ${x.swipes})`;
      out.push(`| ${x.method} | ${x.mrr.toFixed(4)}${swipes} | ${x.accuracy.toFixed(4)} | ${x.mrrOnExactSwipes.toFixed(4)} | ${err} | ${x.searchErrorsOnTarget}/${x.exactOnTarget} | ${x.decodeCalls.toFixed(1)} | ${x.decodeRows.toFixed(1)} | ${x.swipesPerSecond.toFixed(x.swipesPerSecond < 10 ? 2 : 1)} |`);
    }
    const by = Object.fromEntries(r.rows.map((x) => [x.method, x]));
    const plain = by['beam (no vocabulary)'];
    const full = by['beam + vocabulary'];
    const gap = full.mrr - plain.mrr;
    const recovered = r.rows.filter((x) => x.method.includes('repair')).map((x) => `${x.method}: ${gap > 0 ? ((100 * (x.mrr - plain.mrr)) / gap).toFixed(0) + '%' : 'n/a (no gap)'}`);
    out.push(`Share of the MRR gap between beam without and with the vocabulary that repair recovers: ${recovered.join('; ')}.`, '');
  }
  return out.join('\n');
}
