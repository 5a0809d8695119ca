#!/usr/bin/env node
// Searches compared on one model and vocabulary: Swipe MRR, accuracy, search error against exact search,
// certified rows, model calls and rows, and speed, under both vocabulary scorings (seed: renormalised over the
// allowed letters; model: the model's own log-probabilities), on four data sets: the bundled
// examples/valid.jsonl, a noisier synthetic set (another seed, touch noise ×2), a frequency-drawn synthetic set
// (`synth --frequency` with Zipf counts by vocabulary line order) and a noisier one still (noise ×2.5). The
// word-frequency prior is a method row under each scoring: λ and μ are fitted (lib/decode/prior.ts fitPrior)
// on beam + vocabulary decodes of a held-out split of each set (the --fit-swipes swipes after the evaluated
// ones), then the decoder runs with them. A last section takes one swipe where repair and the seed-scoring
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
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
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
const { WordPrior, fitPrior, readFrequencyFile } = await lib('decode/prior.js');
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
const synth = (name, extra) => {
  const count = nSwipes + nFit;
  const out = join(dir, `search-${name}-${count}.jsonl`);
  if (!existsSync(out)) {
    execFileSync(process.execPath, [join(root, 'bin/neuroswipe.js'), 'synth', '--grid', 'default', '--vocab', vocabPath, '--count', String(count), '--out', out, '--quiet', ...extra], { stdio: 'ignore' });
  }
  return out;
};
const sets = [
  { name: 'examples/valid.jsonl', path: join(root, 'examples/valid.jsonl') },
  { name: 'synth, seed 7, noise ×2 (3.0)', path: synth('noisy', ['--seed', '7', '--noise-scale', '3']) },
  { name: 'synth, seed 11, words drawn by Zipf counts (--frequency)', path: synth('frequency', ['--seed', '11', '--frequency', frequencyPath]) },
  { name: 'synth, seed 13, noise ×2.5 (3.75)', path: synth('noisier', ['--seed', '13', '--noise-scale', '3.75']) },
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
// Every method with the vocabulary names its scoring; `reference` is the exact run its search error is counted
// against (the same scoring; the methods without the vocabulary score as the model does).
const methods = [
  { name: 'beam (no vocabulary)', decoding: beam, vocabulary: null, reference: 'model' },
  { name: 'beam (no vocabulary) + repair, k 1, 8 rescored', decoding: { ...beam, repair: 'levenshtein', repairDistance: 1, repairRescore: 8 }, vocabulary: null, repairWords: vocabWords, reference: 'model' },
  { name: 'beam (no vocabulary) + repair, k 2, 16 rescored', decoding: { ...beam, repair: 'levenshtein', repairDistance: 2, repairRescore: 16 }, vocabulary: null, repairWords: vocabWords, reference: 'model' },
  ...SCORINGS.flatMap((scoring) => [
    // Under model scoring the beams prove their first word by default (certifyTop 1); the plain beams beside them.
    { name: `beam + vocabulary, ${scoring} scoring`, decoding: beamV, vocabScoring: scoring, vocabulary: vocab, reference: scoring },
    ...(scoring === 'model' ? [{ name: 'beam + vocabulary, model scoring, certifyTop 0', decoding: { ...beamV, certifyTop: 0 }, vocabScoring: scoring, vocabulary: vocab, reference: scoring }] : []),
    { name: `beam-sync + vocabulary, ${scoring} scoring`, decoding: { ...beamV, generator: 'beam-sync' }, vocabScoring: scoring, vocabulary: vocab, reference: scoring },
    ...(scoring === 'model' ? [{ name: 'beam-sync + vocabulary, model scoring, certifyTop 0', decoding: { ...beamV, generator: 'beam-sync', certifyTop: 0 }, vocabScoring: scoring, vocabulary: vocab, reference: scoring }] : []),
    { name: `greedy + vocabulary, ${scoring} scoring`, decoding: { generator: 'greedy', maxSteps: 35 }, vocabScoring: scoring, vocabulary: vocab, reference: scoring },
    { name: `hybrid (3 beam steps), ${scoring} scoring`, decoding: hybrid, vocabScoring: scoring, vocabulary: vocab, reference: scoring },
    { name: `exact, ${scoring} scoring`, decoding: exactSearch, vocabScoring: scoring, vocabulary: vocab, reference: scoring, exact: scoring },
  ]),
  { name: 'beam 12 + vocabulary, model scoring', decoding: { ...beamV, beamSize: 12 }, vocabScoring: 'model', vocabulary: vocab, reference: 'model' },
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
const summary = { model: modelPath.replace(root + '/', ''), vocabulary: { path: vocabPath.replace(root + '/', ''), words: vocab.size }, workers, batchSize, swipes: nSwipes, exactSwipes: nExact, fitSwipes: nFit, seconds, results, example };
process.stdout.write(markdown ? formatSearch(summary) + '\n' : JSON.stringify(summary, null, 1) + '\n');

/** A row's certified shares, first candidate / whole list, or "—". */
function certifiedShare(x) {
  return x.certified === null ? '—' : `${((100 * x.certified.first) / x.swipes).toFixed(0)}% / ${((100 * x.certified.list) / x.swipes).toFixed(0)}%`;
}

/** The comparison as Markdown: one table per data set, the goals' figures, and the mask example. */
function formatSearch(s) {
  const out = [];
  const BEAM_SEED = 'beam + vocabulary, seed scoring';
  // The default search with a vocabulary: beam under model scoring, its first word proven (certifyTop 1,
  // lib/options/schema.ts vocabularySearchDefaults).
  const DEFAULT = 'beam + vocabulary, model scoring';
  const EXACT_MODEL = 'exact, model scoring';
  const REPAIR = 'beam (no vocabulary) + repair, k 1, 8 rescored';
  out.push(`Model \`${s.model}\`, vocabulary \`${s.vocabulary.path}\` (${s.vocabulary.words} words), CPU, ${s.workers} searches at once of batch ${s.batchSize}, 1 libtorch thread each; the whole script took ${(s.seconds / 60).toFixed(1)} min. Every method decodes the first ${s.swipes} default-grid swipes of each set; exact search the first ${s.exactSwipes} (${s.exactSwipes * s.results.length} in all), under each scoring. A method's search error is counted on those swipes against exact search under the same scoring (top-1 ≠ exact's top-1; "exact right": where exact's top-1 is the true word); the methods without the vocabulary are counted against exact under model scoring, the model's own probabilities. Seed scoring renormalises each step over the letters the vocabulary allows (the seed's mask); model scoring keeps the model's full log-probabilities (docs/SEARCH.md, "Vocabulary scoring"). Beam: size 6, normalization factor 0.5, max 35 steps; under model scoring the beams prove their first word (certifyTop 1, the default; "certifyTop 0": the plain beam); hybrid: 3 beam steps, then the best words under the kept prefixes (branch and bound); exact: branch and bound over the whole vocabulary. Certified: the share of swipes whose first candidate the search proved to be the vocabulary's best word under its scoring (no unexplored prefix can beat it), and after the slash the share whose whole returned list (6 words) is proven ("—": the search gives no certificate; docs/SEARCH.md, "Certificate"). Model calls and rows = decoder calls and rows run per swipe, forced chains' rows included (under model scoring a trie-forced chain of letters is scored in the call of the prefix before it). The prior's λ and μ are fitted, under each scoring, on beam + vocabulary decodes of the next ${s.fitSwipes} swipes of the same set (held out), with the Zipf counts by vocabulary line order as frequencies; its search error is counted against exact without the prior (the prior changes top-1 words on purpose). Cost = seconds per swipe (the fastest of up to ${repeat} runs), against seed-scoring beam + vocabulary.`, '');
  const goals = [];
  for (const r of s.results) {
    out.push(`### ${r.set} (${r.swipes} swipes)`, '');
    out.push(`| method | Swipe MRR | accuracy | MRR on the ${s.exactSwipes} | search error vs exact | exact right | certified | model calls / swipe | model rows / swipe | swipes/s | cost |`, '|---|---|---|---|---|---|---|---|---|---|---|');
    const by = Object.fromEntries(r.rows.map((x) => [x.method, x]));
    const base = by[BEAM_SEED];
    for (const x of r.rows) {
      const err = `${x.searchErrors}/${x.exactSwipes} (${((100 * x.searchErrors) / x.exactSwipes).toFixed(1)}%)`;
      const swipes = x.swipes === r.swipes ? '' : ` (on ${x.swipes})`;
      const cert = certifiedShare(x);
      out.push(`| ${x.method} | ${x.mrr.toFixed(4)}${swipes} | ${x.accuracy.toFixed(4)} | ${x.mrrOnExactSwipes.toFixed(4)} | ${err} | ${x.searchErrorsOnTarget}/${x.exactOnTarget} | ${cert} | ${x.decodeCalls.toFixed(1)} | ${x.decodeRows.toFixed(1)} | ${x.swipesPerSecond.toFixed(x.swipesPerSecond < 10 ? 2 : 1)} | ${(base.swipesPerSecond / x.swipesPerSecond).toFixed(2)}× |`);
    }
    out.push('');
    for (const scoring of Object.keys(r.prior)) {
      const p = r.prior[scoring];
      out.push(`Prior under ${scoring} scoring, fitted on ${p.swipes} held-out swipes: λ = ${p.lambda}, μ = ${p.mu}${p.floorRank === null ? '' : `, floor rank ${p.floorRank}`} (held-out Swipe MRR ${p.initialMrr.toFixed(4)} → ${p.mrr.toFixed(4)}).`);
    }
    const m = by[DEFAULT];
    const cost = base.swipesPerSecond / m.swipesPerSecond;
    goals.push({ set: r.set, model: m, seed: base, repair: by[REPAIR], exact: by[EXACT_MODEL], cost });
    out.push('');
  }
  out.push('#### Goals: the default search with a vocabulary (beam + vocabulary, model scoring, first word proven)', '');
  out.push('| set | MRR, default | MRR, beam + vocabulary, seed scoring | MRR, repair (k 1) | ≥ repair | cost vs seed scoring (≤ 1.5×) | search error vs exact, model scoring (< 1%) | certified | MRR, exact (model scoring) |', '|---|---|---|---|---|---|---|---|---|');
  for (const g of goals) {
    const err = (100 * g.model.searchErrors) / g.model.exactSwipes;
    const cert = certifiedShare(g.model);
    out.push(`| ${g.set} | ${g.model.mrr.toFixed(4)} | ${g.seed.mrr.toFixed(4)} | ${g.repair.mrr.toFixed(4)} | ${g.model.mrr >= g.repair.mrr ? 'met' : 'not met'} | ${g.cost.toFixed(2)}× (${g.cost <= 1.5 ? 'met' : 'not met'}) | ${err.toFixed(1)}% (${err < 1 ? 'met' : 'not met'}) | ${cert} | ${g.exact.mrrOnExactSwipes.toFixed(4)} (on ${g.exact.swipes}) |`);
  }
  const all = goals.map((g) => g.model);
  const errors = all.reduce((a, x) => a + x.searchErrors, 0);
  const total = all.reduce((a, x) => a + x.exactSwipes, 0);
  out.push('', `Search error of the default search against exact model scoring over all sets: ${errors}/${total} (${((100 * errors) / total).toFixed(2)}%).`, '');
  const e = s.example;
  if (e !== null) {
    out.push(`#### Masked and unmasked scores of one swipe (swipe ${e.swipe} of ${s.results[0].set})`, '');
    out.push('Per token: log p over every class (as repair rescores) and renormalised over the letters the vocabulary allows after that prefix (as seed scoring does); "allowed" is how many tokens the vocabulary allows there. Score = −Σ log p / len^0.5.', '');
    for (const w of e.words) {
      out.push(`**${w.word}**${w.target ? ' (the target)' : ' (beam + vocabulary\'s top-1)'}: unmasked score ${w.unmaskedScore.toFixed(4)}, masked score ${w.maskedScore.toFixed(4)}`, '');
      out.push(`| token | ${w.tokens.map((t) => t.token).join(' | ')} |`, `|---|${w.tokens.map(() => '---').join('|')}|`);
      out.push(`| allowed | ${w.tokens.map((t) => t.allowed).join(' | ')} |`);
      out.push(`| log p, unmasked | ${w.tokens.map((t) => t.unmasked.toFixed(3)).join(' | ')} |`);
      out.push(`| log p, masked | ${w.tokens.map((t) => t.masked.toFixed(3)).join(' | ')} |`, '');
    }
  }
  return out.join('\n');
}
