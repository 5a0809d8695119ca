#!/usr/bin/env node
// `npm run bench`: every benchmark in one run on this machine, written to BENCHMARKS.md with the machine,
// the date and the ratios. Each part runs in its own process (scripts/bench/*.mjs).
// Usage: node scripts/bench.mjs [--quick]   (--quick: smaller inputs, for a smoke run)
import { execFileSync } from 'node:child_process';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatServe } from './bench/serve-format.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const quick = process.argv.includes('--quick');
const node = (script, args) => execFileSync(process.execPath, ['--expose-gc', join(root, script), ...args], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'inherit'] });
const step = (name) => process.stderr.write(`bench: ${name}\n`);

execFileSync('npm', ['run', '--silent', 'build:ts'], { cwd: root, stdio: 'inherit' });
const info = JSON.parse(execFileSync(process.execPath, [join(root, 'bin/neuroswipe.js'), 'info', '--json'], { encoding: 'utf8' }));

step('decoding');
const dec = JSON.parse(node('scripts/bench/decode.mjs', quick ? ['--swipes', '40', '--reference-swipes', '6', '--repeats', '1'] : ['--swipes', '400', '--reference-swipes', '40']));
step('long-running model');
const long = JSON.parse(node('scripts/bench/long-model.mjs', quick ? ['--swipes', '20', '--repeats', '1'] : ['--swipes', '300', '--reference-swipes', '60']));
step('random-initialised m1_bigger, both grids');
const plain = JSON.parse(node('scripts/bench/long-model.mjs', ['--model', 'test/fixtures/generated/m1_bigger_two_grids.pt', '--grids', 'both', ...(quick ? ['--swipes', '20', '--repeats', '1'] : ['--swipes', '300', '--reference-swipes', '60'])]));
step('decoder step profile');
const profile = node('scripts/bench/profile.mjs', quick ? ['--swipes', '32'] : ['--swipes', '160']);
step('precision drift');
const drift = JSON.parse(node('scripts/bench/precision.mjs', ['--swipes', quick ? '40' : '200']));
step('vocabulary trie');
const trie = JSON.parse(node('scripts/bench/trie.mjs', []));
step('features');
const feats = node('scripts/bench/features.mjs', quick ? ['--swipes', '1000', '--lines', '20000'] : []);
step('DTW baseline');
const dtw = node('scripts/bench/baseline.mjs', ['--curves', quick ? '50' : '300']);
step('search methods');
const searchSizes = quick ? ['--swipes', '40', '--exact-swipes', '8', '--markdown'] : ['--exact-swipes', '100', '--markdown'];
const searchTable = node('scripts/bench/search.mjs', searchSizes);
step('search methods, second trained model');
const searchTableV3 = node('scripts/bench/search.mjs', ['--model', 'test/fixtures/v3-nearest-ru/model.pt', ...searchSizes]);
step('latency of the proof');
const certifyLatency = node('scripts/bench/certify-latency.mjs', ['--swipes', quick ? '20' : '100', '--markdown']);
step('serving');
const serve = JSON.parse(node('scripts/bench/serve.mjs', quick ? ['--swipes', '100', '--requests', '200', '--repeats', '1'] : []));

const r = Object.fromEntries(dec.results.map((x) => [x.label, x]));
const ratio = (a, b) => (r[a] && r[b] ? (r[a].swipesPerSecond / r[b].swipesPerSecond).toFixed(1) + '×' : 'n/a');
const mhz = Number((readFileSync('/proc/cpuinfo', 'utf8').match(/cpu MHz\s*:\s*([\d.]+)/) ?? [])[1] ?? 0);
const avx512 = /avx512f/.test(readFileSync('/proc/cpuinfo', 'utf8'));
const peak = (cpus().length * mhz * 1e6 * (avx512 ? 64 : 32)) / 1e9; // FP32 FMA lanes × 2 FLOP × 2 units

/** The search bench's Markdown one heading level down (### → ####, #### → #####), under this file's sections. */
const demoteHeadings = (markdown) => markdown.trim().replace(/^(#{3,4}) /gm, '#$1 ');

const lines = [];
lines.push('# Benchmarks', '');
lines.push(`Measured ${new Date().toISOString().slice(0, 10)} by \`npm run bench\`${quick ? ' --quick' : ''}, all figures in one run on one machine.`, '');
lines.push('| machine | |', '|---|---|');
lines.push(`| CPU | ${cpus()[0]?.model ?? '?'}, ${cpus().length} cores, ${mhz.toFixed(0)} MHz${avx512 ? ', AVX-512' : ''} |`);
lines.push(`| memory | ${(totalmem() / 2 ** 30).toFixed(0)} GiB |`);
lines.push(`| Node | ${process.version} |`);
lines.push(`| libtorch | ${info.libtorch} (${info.torchSource}), CUDA ${info.cudaAvailable ? 'yes' : 'no'} |`);
lines.push(`| BLAS | ${readBlas()} |`, '');

lines.push('## Decoding', '');
lines.push(`Model \`${dec.model}\` (${dec.architecture}), device ${dec.device}, ${dec.threads} libtorch thread(s) per search, batched runs: ${dec.workers} searches at once (workers), batch ${dec.batchSize} swipes each, vocabulary ${dec.vocabulary.words} words. Synthetic swipes on the real default grid (\`neuroswipe synth --seed 2023\`). Beam: size 6, normalization factor 0.5, max 35 steps. Reference = the seed's loop (one swipe, one hypothesis, full-prefix \`decode\` per call), on the first ${r['beam reference (seed loop)']?.swipes} swipes, with one libtorch thread and with ${dec.cores}. "incremental" rows use the key/value caches; "TorchScript step" calls the model's \`decode_step\`, the others run the built-in CPU decoder step (docs/MODEL_FORMAT.md, "Step weights"). With the vocabulary, every run scores as the seed's loop does (\`vocabScoring: 'seed'\`, the mode seed-exactness is defined in), and every batched run (full prefix too, never the reference) expands hypotheses whose trie node allows a single token without the model (\`skipForced\`). Allocator tuned for throughput as the CLI does (\`tuneHeapForThroughput\`: ${dec.heapTuned ? 'applied' : 'not available'}). Each configuration ran ${dec.repeats} times: the median speed is given, with the slowest and fastest run.`, '');
lines.push('| search | swipes | swipes/s (median) | range | model calls | of which encoding | GFLOP/swipe (est.) | GFLOP/s (est.) |', '|---|---|---|---|---|---|---|---|');
for (const x of dec.results) {
  lines.push(`| ${x.label} | ${x.swipes} | ${x.swipesPerSecond.toFixed(2)} | ${x.minSwipesPerSecond.toFixed(1)}–${x.maxSwipesPerSecond.toFixed(1)} | ${(100 * x.modelShare).toFixed(0)}% | ${(100 * x.encodeShare).toFixed(0)}% | ${x.gflopPerSwipe.toFixed(3)} | ${x.gflopPerSecond.toFixed(2)} |`);
}
lines.push('');
const cores = `reference (seed loop), ${dec.cores} threads`;
const fastestRef = (tag) => (r[`${tag} ${cores}`] && r[`${tag} ${cores}`].swipesPerSecond > r[`${tag} reference (seed loop)`].swipesPerSecond ? `${tag} ${cores}` : `${tag} reference (seed loop)`);
lines.push('| ratio (median swipes/s) | value |', '|---|---|');
for (const tag of ['beam', 'beam+vocab']) {
  lines.push(`| ${tag}: batched incremental / reference | **${ratio(`${tag} batched, incremental`, `${tag} reference (seed loop)`)}** |`);
  lines.push(`| ${tag}: batched incremental / the faster reference (1 or ${dec.cores} threads) | ${ratio(`${tag} batched, incremental`, fastestRef(tag))} |`);
  lines.push(`| ${tag}: batched incremental, 1 worker / reference | ${ratio(`${tag} batched, incremental, 1 worker`, `${tag} reference (seed loop)`)} |`);
  lines.push(`| ${tag}: batched incremental, TorchScript step / reference | ${ratio(`${tag} batched, incremental, TorchScript step`, `${tag} reference (seed loop)`)} |`);
  lines.push(`| ${tag}: batched full prefix / reference | ${ratio(`${tag} batched, full prefix`, `${tag} reference (seed loop)`)} |`);
  lines.push(`| ${tag}: built-in step / TorchScript step | ${ratio(`${tag} batched, incremental`, `${tag} batched, incremental, TorchScript step`)} |`);
}
for (const tag of ['beam-sync+vocab', 'greedy+vocab']) {
  lines.push(`| ${tag}: batched incremental / batched full prefix | ${ratio(`${tag} batched, incremental`, `${tag} batched, full prefix`)} |`);
}
lines.push(`| beam-sync+vocab incremental / beam+vocab incremental | ${ratio('beam-sync+vocab batched, incremental', 'beam+vocab batched, incremental')} |`);
lines.push('');
lines.push('Outputs of the other runs on the reference swipes (same words in the same order as the seed loop):', '');
for (const [k, v] of Object.entries(dec.parity)) lines.push(`- ${k}: ${v}`);
lines.push('');
lines.push(`FLOPs are estimated from the positions and attention pairs the engine actually computed (padding included; \`estimateFlops\` in lib/decode/decoder.ts). This machine's FP32 peak is about ${peak.toFixed(0)} GFLOP/s (${cpus().length} cores × ${mhz.toFixed(0)} MHz × ${avx512 ? 64 : 32} FLOP/cycle). The full-prefix engine spends most FLOPs re-projecting the memory and re-running the prefix; the incremental one does far fewer FLOPs. The seed's best-first beam expands one hypothesis per swipe and round, so a round of the built-in step holds about one row per swipe in flight (see the step profile below); rows of one swipe in one round (beam-sync, exact) attend to its cross-attention keys and values together, in one pass per layer and head. The built-in step's linear layers run in its own register-blocked kernel over weights stored transposed at load, not through a BLAS call per layer (which repacked the weights on every call).`, '');

lines.push(...formatLong(long));
lines.push(...formatPlain(plain));
lines.push('## Decoder step profile (scripts/bench/profile.mjs)', '');
lines.push(`Where a decode run's time goes, from the engine's opt-in phase timer (native/engine/step_profile.h; off by default). One search (one worker, one libtorch thread, batch 16) so that the phases add up to the run, beam 6 / nf 0.5 / max 35, with and without the example vocabulary, on the synthetic swipes of the default grid; the example model and the random-initialised m1_bigger test fixture. A round is one model call of the search (up to 16 swipes × their hypotheses); with the vocabulary, steps whose trie node allows one token are answered without the model, so rounds are fewer and encoding weighs more.`, '');
lines.push(profile.trim(), '');
lines.push('## Reduced precision (scripts/bench/precision.mjs)', '');
lines.push(`Model \`${drift.model}\` on ${drift.device}, ${drift.swipes} of the same swipes, beam 6 / nf 0.5 / max 35 with the ${drift.vocabulary?.words ?? ''}-word vocabulary; float32 is the reference and the default. Float32 runs the built-in decoder step; reduced precisions run the TorchScript step with float32 results.`, '');
lines.push(formatDrift(drift), '');
lines.push('## Vocabulary trie', '');
lines.push(`${trie.words} words (scripts/make_vocab.mjs --full): ${trie.nodes} nodes, ${(trie.trieBytes / 2 ** 20).toFixed(1)} MiB of trie arrays, RSS growth after one build ${(trie.rssGrowthBytes / 2 ** 20).toFixed(0)} MiB; build (tokenizing in TypeScript + native construction) median ${trie.buildSecondsMedian.toFixed(3)} s, best ${trie.buildSecondsMin.toFixed(3)} s of 3.`, '');

lines.push('## Features and streaming (scripts/bench/features.mjs)', '', '```', feats.trim(), '```', '');
lines.push('## DTW baseline (scripts/bench/baseline.mjs): C++ with pruning vs a straightforward implementation', '', '```', dtw.trim(), '```', '');
lines.push('## Search methods (scripts/bench/search.mjs; docs/SEARCH.md)', '', '### The example model (`examples/model.pt`, `m1_bigger`)', '', demoteHeadings(searchTable), '');
lines.push('### A second trained model (`test/fixtures/v3-nearest-ru/model.pt`, `v3_nearest_and_traj_transformer_bigger`, its card beside it)', '', demoteHeadings(searchTableV3), '');
lines.push('### Latency of the proof (scripts/bench/certify-latency.mjs; docs/SEARCH.md, "Certified beam")', '', certifyLatency.trim(), '');
lines.push(...formatServe(serve));

const tmp = join(root, '.BENCHMARKS.md.tmp');
writeFileSync(tmp, lines.join('\n'));
renameSync(tmp, join(root, 'BENCHMARKS.md'));
step('wrote BENCHMARKS.md');

function formatLong(d) {
  const out = ['## Decoding a long-running model (scripts/bench/long-model.mjs)', ''];
  out.push(`Model \`${d.model}\` (${d.architecture}, random-initialised, output weight ×8, \`<eos>\` bias +3: hypotheses run long, candidate lists are long), ${d.swipes} synthetic swipes on the default grid (\`synth --seed 2023\`), beam 6 / nf 0.5 / max 35, with and without the ${d.vocabulary.words}-word vocabulary (seed scoring, as the seed's loop scores). Reference = the seed's loop (one swipe, one hypothesis, full-prefix \`decode\` per call, 1 libtorch thread) on the first ${d.referenceSwipes} swipes, run once; batched = ${d.workers} searches at once (workers), batch ${d.batchSize}, 1 libtorch thread each, median of ${d.repeats} runs. Decoding time only on both sides (model loaded and swipes read before the clock starts).`, '');
  out.push('| search | swipes | swipes/s (median) | range | candidates per swipe | longest candidate | model calls |', '|---|---|---|---|---|---|---|');
  for (const x of d.results) {
    out.push(`| ${x.label} | ${x.swipes} | ${x.swipesPerSecond.toFixed(2)} | ${x.minSwipesPerSecond.toFixed(2)}–${x.maxSwipesPerSecond.toFixed(2)} | ${x.candidatesPerSwipe.toFixed(0)} | ${x.longestCandidate} | ${x.decodeCalls} |`);
  }
  out.push('', '| ratio (median swipes/s) | value |', '|---|---|');
  for (const [tag, v] of Object.entries(d.ratios)) out.push(`| ${tag}: batched incremental / reference | **${v.toFixed(1)}×** |`);
  out.push('', 'Outputs against the seed loop on the reference swipes:', '');
  for (const [k, v] of Object.entries(d.parity)) out.push(`- ${k}: ${v}`);
  out.push('');
  return out;
}

function formatPlain(d) {
  const out = ['## Decoding a random-initialised m1_bigger on both grids (scripts/bench/long-model.mjs --grids both)', ''];
  out.push(`Model \`${d.model}\` (${d.architecture}, the export script's default random initialisation, made for the default and the extra grid), ${d.swipes} synthetic swipes, half on each grid (\`synth --seed 2023\`), beam 6 / nf 0.5 / max 35, with and without the ${d.vocabulary.words}-word vocabulary (seed scoring). Reference = the seed's loop (one swipe, one hypothesis, full-prefix \`decode\` per call, 1 libtorch thread; the loop of python/seed_decode_reference.py, run in the engine's reference mode) on ${d.referenceSwipes} of the swipes alternating between the grids, run once; batched = ${d.workers} searches at once (workers), batch ${d.batchSize}, 1 libtorch thread each, median of ${d.repeats} runs. Decoding time only on both sides.`, '');
  out.push('| search | swipes | swipes/s (median) | range | candidates per swipe | model calls |', '|---|---|---|---|---|---|');
  for (const x of d.results) out.push(`| ${x.label} | ${x.swipes} | ${x.swipesPerSecond.toFixed(2)} | ${x.minSwipesPerSecond.toFixed(2)}–${x.maxSwipesPerSecond.toFixed(2)} | ${x.candidatesPerSwipe.toFixed(1)} | ${x.decodeCalls} |`);
  out.push('', '| ratio (median swipes/s) | value | goal ≥ 40× |', '|---|---|---|');
  for (const [tag, v] of Object.entries(d.ratios)) out.push(`| ${tag}: batched incremental / reference | **${v.toFixed(1)}×** | ${v >= 40 ? 'met' : '**not met**'} |`);
  out.push('', 'Outputs against the seed loop on the reference swipes:', '');
  for (const [k, v] of Object.entries(d.parity)) out.push(`- ${k}: ${v}`);
  out.push('');
  return out;
}

function formatDrift(d) {
  const out = ['| precision | swipes/s | top-1 word as float32 | whole list as float32 | float32 candidates kept | score diff abs mean / max | rel mean / max |', '|---|---|---|---|---|---|---|'];
  for (const run of d.runs) {
    const x = d.drift[run.precision];
    if (!x) {
      out.push(`| ${run.precision} | ${run.swipesPerSecond.toFixed(1)} | — | — | — | — | — |`);
      continue;
    }
    const pct = (v) => `${(100 * v).toFixed(1)}%`;
    out.push(`| ${run.precision} | ${run.swipesPerSecond.toFixed(1)} | ${pct(x.top1Equal)} | ${pct(x.listIdentical)} | ${pct(x.matchedShare)} | ${x.scoreAbsDiff.mean.toExponential(2)} / ${x.scoreAbsDiff.max.toExponential(2)} | ${x.scoreRelDiff.mean.toExponential(2)} / ${x.scoreRelDiff.max.toExponential(2)} |`);
  }
  return out.join('\n');
}

function readBlas() {
  try {
    return execFileSync('readlink', ['-f', '/usr/lib/x86_64-linux-gnu/libblas.so.3'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

