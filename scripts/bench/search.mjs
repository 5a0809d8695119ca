#!/usr/bin/env node
// Searches compared on one model and vocabulary: Swipe MRR, accuracy, search error against exact search,
// certified rows, model calls and rows, and speed, under both vocabulary scorings (seed: renormalised over the
// allowed letters; model: the model's own log-probabilities), on four data sets: the bundled
// examples/valid.jsonl, a noisier synthetic set (another seed, touch noise ×2), a frequency-drawn synthetic set
// (`synth --frequency` with Zipf counts by vocabulary line order) and a noisier one still (noise ×2.5). The
// word-frequency prior is a method row under each scoring: λ and μ are fitted (lib/decode/prior.ts fitPrior)
// on beam + vocabulary decodes of a held-out split of each set (the --fit-swipes swipes after the evaluated
// ones), then the decoder runs with them. Wider plain beams (beam-sync 12, 24, 35) and the unnormalised score
// (nf 0, with its own exact reference) show what a lower search error costs without the proof, and what ranking
// by the plain log-probability of the whole word gives. A last section takes one swipe where repair and the seed-scoring
// search disagree and breaks both scores down token by token.
// Prints a JSON summary on stdout (read by scripts/bench.mjs); with --markdown, the table instead.
// Usage: node scripts/bench/search.mjs [--model M.pt] [--vocab FILE] [--swipes N] [--exact-swipes N]
//        [--fit-swipes N] [--workers N] [--batch-size N] [--repeat N] [--markdown]
// Every method decodes the first --swipes swipes of each set (MRR, accuracy, speed; a method's time is the
// fastest of up to --repeat runs of the same swipes, repeated while the runs so far took under 3 s in all);
// exact search (branch and bound over the vocabulary trie: the true best words) decodes the first
// --exact-swipes of them under each scoring, and the search error of each method is counted on those against exact under the same scoring: the swipes whose
// top-1 word differs from exact's top-1, split by whether exact's top-1 is the target (a search error that
// costs accuracy) or not (one that cannot).
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { formatSearch } from './search-format.mjs';
import { flag, lib, NOISIEST_SET, opt, root, synthFile } from './setup.mjs';

const { Model } = await lib('model/model.js');
const { Decoder } = await lib('decode/decoder.js');
const { Vocabulary, readVocabularyFile } = await lib('vocabulary.js');
const { readSwipes } = await lib('data/dataset.js');
const { loadGrids } = await lib('keyboard/grid.js');
const { swipeMrr, accuracy } = await lib('evaluate/metrics.js');
const { setNumThreads, tuneHeapForThroughput } = await lib('runtime.js');
const { WordPrior, readFrequencyFile } = await lib('decode/prior.js');
const { fitPrior } = await lib('decode/prior-fit.js');
const { priorOptions } = await lib('options/prior-options.js');
const { FeatureExtractor } = await lib('features/extractor.js');
const { transformSpecOf } = await lib('decode/decoder.js');

const modelPath = opt('--model', join(root, 'examples/model.pt'));
const vocabPath = opt('--vocab', join(root, 'examples/vocab.txt'));
const nSwipes = Number(opt('--swipes', '100'));
const nExact = Math.min(nSwipes, Number(opt('--exact-swipes', '100')));
const nFit = Number(opt('--fit-swipes', '120'));
const workers = Number(opt('--workers', String(availableParallelism())));
const batchSize = Number(opt('--batch-size', '16'));
const repeat = Math.max(1, Number(opt('--repeat', '3')));
const markdown = flag('--markdown');

setNumThreads(1);
tuneHeapForThroughput();
const dir = join(root, '.tmp', 'bench');
mkdirSync(dir, { recursive: true });
const vocabWords = readVocabularyFile(vocabPath);
// Zipf counts by vocabulary line order: the frequency file of the frequency-drawn set and of the prior.
const frequencyPath = join(dir, 'search-zipf-counts.tsv');
writeFileSync(frequencyPath, vocabWords.map((w, i) => `${w}\t${Math.round(1e6 / (i + 1))}`).join('\n') + '\n');
const synth = (stem, extra) => synthFile(stem, nSwipes + nFit, ['--vocab', vocabPath, ...extra]);
const sets = [
  { name: 'examples/valid.jsonl', path: join(root, 'examples/valid.jsonl') },
  { name: 'synth, seed 7, noise ×2 (3.0)', path: synth('search-noisy', ['--grid', 'default', '--seed', '7', '--noise-scale', '3']) },
  { name: 'synth, seed 11, words drawn by Zipf counts (--frequency)', path: synth('search-frequency', ['--grid', 'default', '--seed', '11', '--frequency', frequencyPath]) },
  { name: NOISIEST_SET.title, path: synth(NOISIEST_SET.stem, NOISIEST_SET.args) },
];
const prior = new WordPrior(readFrequencyFile(frequencyPath));

const model = await Model.load(modelPath, { device: 'cpu' });
const tokenizer = (await Decoder.create(model)).tokenizer;
const vocab = await Vocabulary.build(vocabWords, tokenizer, vocabPath);
const beam = { generator: 'beam', beamSize: 6, normalizationFactor: 0.5, maxSteps: 35 };
// With the vocabulary every search keeps its 6 best words (the whole list a certificate covers).
const beamV = { ...beam, returnHypotheses: 6 };
const hybrid = { generator: 'hybrid', beamSize: 6, hybridSteps: 3, normalizationFactor: 0.5, maxSteps: 35, returnHypotheses: 6 };
const exactSearch = { generator: 'exact', normalizationFactor: 0.5, maxSteps: 35, returnHypotheses: 6 };
/** Both vocabulary scorings (docs/SEARCH.md): the seed's renormalised mask, and the model's own log-probabilities. */
const SCORINGS = ['model', 'seed'];
/** The widths of the plain beam-sync rows beyond 6 (35: the widest beam the options allow). */
const WIDER_BEAMS = [12, 24, 35];
// Every method with the vocabulary names its scoring; `reference` is the exact run its search error is counted
// against (the same scoring; the methods without the vocabulary score as the model does).
const methods = [
  { name: 'beam (no vocabulary)', decoding: beam, vocabulary: null, reference: 'model' },
  { name: 'beam (no vocabulary) + repair, k 1, 8 rescored', decoding: { ...beam, repair: 'levenshtein', repairDistance: 1, repairRescore: 8 }, vocabulary: null, repairWords: vocabWords, reference: 'model' },
  { name: 'beam (no vocabulary) + repair, k 2, 16 rescored', decoding: { ...beam, repair: 'levenshtein', repairDistance: 2, repairRescore: 16 }, vocabulary: null, repairWords: vocabWords, reference: 'model' },
  ...SCORINGS.flatMap((scoring) => [
    // Under model scoring the beams prove their first word by default (certifyTop 1); the plain beams beside them.
    ...['beam', 'beam-sync'].flatMap((generator) => [
      { name: `${generator} + vocabulary, ${scoring} scoring`, decoding: { ...beamV, generator }, vocabScoring: scoring, vocabulary: vocab, reference: scoring },
      ...(scoring === 'model' ? [{ name: `${generator} + vocabulary, model scoring, certifyTop 0`, decoding: { ...beamV, generator, certifyTop: 0 }, vocabScoring: scoring, vocabulary: vocab, reference: scoring }] : []),
    ]),
    { name: `greedy + vocabulary, ${scoring} scoring`, decoding: { generator: 'greedy', maxSteps: 35 }, vocabScoring: scoring, vocabulary: vocab, reference: scoring },
    { name: `hybrid (3 beam steps), ${scoring} scoring`, decoding: hybrid, vocabScoring: scoring, vocabulary: vocab, reference: scoring },
    { name: `exact, ${scoring} scoring`, decoding: exactSearch, vocabScoring: scoring, vocabulary: vocab, reference: scoring, exact: scoring },
  ]),
  { name: 'beam 12 + vocabulary, model scoring', decoding: { ...beamV, beamSize: 12 }, vocabScoring: 'model', vocabulary: vocab, reference: 'model' },
  // The plain log-probability of the whole word (no length normalisation), searched and proven: its own exact reference.
  { name: 'beam + vocabulary, model scoring, nf 0', decoding: { ...beamV, normalizationFactor: 0 }, vocabScoring: 'model', vocabulary: vocab, reference: 'model, nf 0' },
  { name: 'exact, model scoring, nf 0', decoding: { ...exactSearch, normalizationFactor: 0 }, vocabScoring: 'model', vocabulary: vocab, reference: 'model, nf 0', exact: 'model, nf 0' },
  // Wider plain beams: how search error falls with the width, and what it costs (the trade-off table).
  ...WIDER_BEAMS.map((width) => ({ name: `beam-sync ${width} + vocabulary, model scoring, certifyTop 0`, decoding: { ...beamV, generator: 'beam-sync', beamSize: width, certifyTop: 0 }, vocabScoring: 'model', vocabulary: vocab, reference: 'model' })),
  // λ, μ and the floor rank are filled in per set and scoring from the held-out split.
  ...SCORINGS.map((scoring) => ({ name: `beam + vocabulary + prior (fitted on held-out), ${scoring} scoring`, decoding: beam, vocabScoring: scoring, vocabulary: vocab, prior: scoring, reference: scoring })),
];

async function decode(method, swipes, fitted) {
  const f = method.prior ? fitted[method.prior] : undefined;
  const decoding = f ? { ...method.decoding, ...priorOptions(f.lambda, f.mu, f.floorRank) } : method.decoding;
  const dec = await Decoder.create(model, { decoding, vocabScoring: method.vocabScoring, vocabulary: method.vocabulary, repairWords: method.repairWords, prior: method.prior ? prior : undefined, batchSize, workers });
  // Timings of a fraction of a second are noisy: the fastest of a few runs of the same swipes (the same rows).
  let best = null;
  let spent = 0;
  for (let i = 0; i < repeat && (i === 0 || spent < 3); i++) {
    const t0 = performance.now();
    const { rows, stats } = await dec.decode(swipes);
    const seconds = (performance.now() - t0) / 1000;
    spent += seconds;
    if (best === null || seconds < best.seconds) best = { rows, stats, seconds };
  }
  return best;
}

/**
 * How many of a run's rows are certified (lib/decode/decoder.ts DecodedSwipe.certified, certifiedTop): their first
 * candidate, and their whole list, proven to be the vocabulary's best under the run's scoring; null when the
 * search gives no certificate.
 */
const certifiedRows = (run) => (run.rows.some((r) => r.certified !== undefined) ? { first: run.stats.certifiedFirst, list: run.stats.certified } : null);

const words = (row) => row.candidates.map((c) => c[1]);
const results = [];
const t0 = performance.now();
let example = null;
for (const set of sets) {
  const all = [];
  for await (const s of readSwipes(set.path, { grids: loadGrids() })) {
    if (s.gridName === 'default' && s.word !== undefined) all.push(s);
    if (all.length === nSwipes + nFit) break;
  }
  const swipes = all.slice(0, nSwipes);
  const held = all.slice(nSwipes);
  const targets = swipes.map((s) => s.word);
  const fitted = {};
  for (const scoring of SCORINGS) {
    process.stderr.write(`search bench: ${set.name}: fitting the prior on ${held.length} held-out swipes (${scoring} scoring)\n`);
    const heldRows = (await decode({ decoding: beam, vocabScoring: scoring, vocabulary: vocab }, held)).rows;
    const fit = fitPrior(heldRows.map((r) => r.candidates), held.map((s) => s.word), prior);
    fitted[scoring] = { lambda: fit.lambda, mu: fit.mu, floorRank: fit.floorRank, swipes: held.length, initialMrr: fit.initialMrr, mrr: fit.mrr };
  }
  const exactSet = swipes.slice(0, nExact);
  const exactRuns = {};
  const exactTop = {};
  for (const m of methods.filter((x) => x.exact)) {
    process.stderr.write(`search bench: ${set.name}: ${m.name} on ${exactSet.length} swipes\n`);
    exactRuns[m.exact] = await decode(m, exactSet);
    exactTop[m.exact] = exactRuns[m.exact].rows.map((r) => r.candidates[0]?.[1]);
  }
  const rows = [];
  const runs = {};
  for (const method of methods) {
    process.stderr.write(`search bench: ${set.name}: ${method.name}\n`);
    const run = method.exact ? exactRuns[method.exact] : await decode(method, swipes, fitted);
    runs[method.name] = run;
    const n = run.rows.length;
    const preds = run.rows.map(words);
    const reference = exactTop[method.reference];
    let errTarget = 0, errOther = 0, onTarget = 0;
    for (let i = 0; i < nExact; i++) {
      const top = preds[i][0];
      const hit = reference[i] === targets[i];
      if (hit) onTarget++;
      if (top !== reference[i] && hit) errTarget++;
      else if (top !== reference[i]) errOther++;
    }
    rows.push({
      method: method.name, swipes: n, mrr: swipeMrr(preds, targets.slice(0, n)), accuracy: accuracy(preds.map((p) => p[0]), targets.slice(0, n)),
      mrrOnExactSwipes: swipeMrr(preds.slice(0, nExact), targets.slice(0, nExact)), reference: method.reference,
      exactSwipes: nExact, exactOnTarget: onTarget, searchErrors: errTarget + errOther, searchErrorsOnTarget: errTarget, searchErrorsOffTarget: errOther,
      certified: certifiedRows(run),
      decodeCalls: run.stats.decodeCalls / n, decodeRows: run.stats.decodeRows / n, chainRows: run.stats.chainRows / n, forcedSteps: run.stats.forcedSteps / n, swipesPerSecond: n / run.seconds,
    });
  }
  results.push({ set: set.name, swipes: swipes.length, prior: fitted, rows });
  if (example === null) example = await maskExample(swipes, runs);
}
model.dispose();

/**
 * The first swipe where seed-scoring beam + vocabulary misses the target and repair (k 1) finds it: for the target and for
 * beam + vocabulary's word, each token's log-probability over every class (as repair rescores) and renormalised
 * over the letters the vocabulary allows after that prefix (the seed's mask, as every search with the
 * vocabulary scores), from one whole-prefix decode of the model.
 */
async function maskExample(swipes, runs) {
  const masked = runs['beam + vocabulary, seed scoring'].rows;
  const repaired = runs['beam (no vocabulary) + repair, k 1, 8 rescored'].rows;
  const i = swipes.findIndex((s, k) => masked[k].candidates[0]?.[1] !== s.word && repaired[k].candidates[0]?.[1] === s.word);
  if (i < 0) return null;
  const swipe = swipes[i];
  const rival = masked[i].candidates[0][1];
  const chosen = [swipe.word, rival];
  // The letters the vocabulary allows after each prefix (token ids), for the two words' prefixes.
  const wanted = new Set(chosen.flatMap((c) => {
    const t = tokenizer.encode(c);
    return t.slice(1).map((_, p) => t.slice(0, p + 1).join(','));
  }));
  const allowed = new Map();
  for (const w of vocabWords) {
    const t = tokenizer.encode(w);
    for (let p = 1; p < t.length; p++) {
      const key = t.slice(0, p).join(',');
      if (!wanted.has(key)) break;
      if (!allowed.has(key)) allowed.set(key, new Set());
      allowed.get(key).add(t[p]);
    }
  }
  const fx = new FeatureExtractor(loadGrids(), transformSpecOf(model));
  const f = fx.extract(swipe);
  const kc = f.nKeyColumns;
  const mem = await model.encode(f.traj, [f.length, 1, f.nTrajFeats], f.keys, kc === 0 ? [f.length, 1] : [f.length, 1, kc]);
  const d = mem.shape[2];
  const out = [];
  for (const w of chosen) {
    const t = tokenizer.encode(w);
    const steps = t.length - 1;
    const logits = await model.decode(Int32Array.from(t.slice(0, steps)), [steps, 1], mem.data, [f.length, 1, d]);
    const c = logits.shape[2];
    const tokens = [];
    for (let p = 0; p < steps; p++) {
      const row = logits.data.subarray(p * c, (p + 1) * c);
      const lse = (ids) => {
        const m = Math.max(...ids.map((id) => row[id]));
        return m + Math.log(ids.reduce((a, id) => a + Math.exp(row[id] - m), 0));
      };
      const ok = [...(allowed.get(t.slice(0, p + 1).join(',')) ?? [])].filter((id) => id < c);
      tokens.push({ token: p + 1 === steps ? '<eos>' : [...w][p], allowed: ok.length, unmasked: row[t[p + 1]] - lse([...Array(c).keys()]), masked: row[t[p + 1]] - lse(ok) });
    }
    const norm = Math.pow(steps + 1, 0.5);
    out.push({ word: w, target: w === swipe.word, tokens, unmaskedScore: -tokens.reduce((a, x) => a + x.unmasked, 0) / norm, maskedScore: -tokens.reduce((a, x) => a + x.masked, 0) / norm });
  }
  return { swipe: i, words: out };
}

const seconds = (performance.now() - t0) / 1000;
const summary = { model: modelPath.replace(root + '/', ''), vocabulary: { path: vocabPath.replace(root + '/', ''), words: vocab.size }, workers, batchSize, swipes: nSwipes, exactSwipes: nExact, fitSwipes: nFit, repeat, seconds, results, example };
process.stdout.write(markdown ? formatSearch(summary) + '\n' : JSON.stringify(summary, null, 1) + '\n');
