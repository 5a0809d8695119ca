#!/usr/bin/env node
// What proving the first word costs one swipe decoded alone, as an app or a server sees it: per-swipe latency
// (p50, p90, p99, max) and model rows of the default beam + vocabulary under model scoring with its first word
// proven (certifyTop 1) and without the proof (certifyTop 0), on a clean set (examples/valid.jsonl) and the
// noisiest synthetic set of the search bench (noise ×2.5), with the example model's 20,000-word vocabulary and
// the 165,220-word vocabulary the demo and the README's serve command type with. One search, one libtorch
// thread, batch 1: each swipe's latency is its own decode call. A third row per set stops the proof after 256
// prefixes (certifyRows), the latency cap for an app.
// Prints a JSON summary on stdout (read by scripts/bench.mjs); with --markdown, the table instead.
// Usage: node scripts/bench/certify-latency.mjs [--swipes N] [--markdown]
import { join } from 'node:path';
import { benchModel, flag, lib, NOISIEST_SET, opt, root, synthFile } from './setup.mjs';

const { Decoder } = await lib('decode/decoder.js');
const { Vocabulary } = await lib('vocabulary.js');
const { readSwipes } = await lib('data/dataset.js');
const { loadGrids } = await lib('keyboard/grid.js');

const nSwipes = Number(opt('--swipes', '100'));
const sets = [
  { name: 'examples/valid.jsonl', path: join(root, 'examples/valid.jsonl') },
  { name: NOISIEST_SET.title, path: synthFile(NOISIEST_SET.stem, nSwipes, ['--vocab', join(root, 'examples/vocab.txt'), ...NOISIEST_SET.args]) },
];
// The first is loaded with the model.
const vocabularies = ['examples/vocab.txt', 'examples/vocab-everyday.txt'];
/** The plain beam, the default proof, and the proof stopped after 256 prefixes. */
const PROOFS = [{ certifyTop: 0 }, { certifyTop: 1 }, { certifyTop: 1, certifyRows: 256 }];
const label = (p) => (p.certifyRows ? `certifyTop ${p.certifyTop}, certifyRows ${p.certifyRows}` : `certifyTop ${p.certifyTop}${p.certifyTop === 1 ? ' (default)' : ''}`);

const { model, vocabulary: first } = await benchModel({ modelPath: join(root, 'examples/model.pt'), vocabPath: join(root, vocabularies[0]) });
const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
const results = [];
for (const vocabPath of vocabularies) {
  const vocab = vocabPath === vocabularies[0] ? first : await Vocabulary.fromFile(join(root, vocabPath), model);
  for (const set of sets) {
    const swipes = [];
    for await (const s of readSwipes(set.path, { grids: loadGrids() })) {
      if (s.gridName === 'default') swipes.push(s);
      if (swipes.length === nSwipes) break;
    }
    for (const proof of PROOFS) {
      process.stderr.write(`certify latency: ${vocabPath}, ${set.name}, ${label(proof)}\n`);
      const dec = await Decoder.create(model, { decoding: { generator: 'beam', beamSize: 6, ...proof }, vocabScoring: 'model', vocabulary: vocab, batchSize: 1, workers: 1 });
      await dec.decode(swipes.slice(0, 4)); // warm-up
      const ms = [];
      let rows = 0;
      let maxRows = 0;
      let proven = 0;
      for (const s of swipes) {
        const t0 = performance.now();
        const { stats } = await dec.decode([s]);
        ms.push(performance.now() - t0);
        rows += stats.decodeRows;
        proven += stats.certifiedFirst;
        maxRows = Math.max(maxRows, stats.decodeRows);
      }
      ms.sort((a, b) => a - b);
      results.push({ vocabulary: vocabPath, words: vocab.size, set: set.name, proof: label(proof), proven, swipes: swipes.length, rowsPerSwipe: rows / swipes.length, maxRows, p50: quantile(ms, 0.5), p90: quantile(ms, 0.9), p99: quantile(ms, 0.99), max: ms[ms.length - 1] });
    }
  }
}
model.dispose();

const summary = { swipes: nSwipes, results };
if (flag('--markdown')) {
  process.stdout.write(formatCertifyLatency(summary) + '\n');
} else {
  process.stdout.write(JSON.stringify(summary) + '\n');
}

/** The latency table as Markdown. */
export function formatCertifyLatency(s) {
  const out = [`Model \`examples/model.pt\`, beam 6 + vocabulary, model scoring, nf 0.5, max 35 steps; one search, one libtorch thread, each swipe decoded alone (batch 1) after a warm-up, ${s.swipes} default-grid swipes per set. Latency = the wall time of one \`Decoder.decode([swipe])\`; rows = decoder rows run for the swipe.`, ''];
  out.push('| vocabulary | set | proof | first word proven | rows / swipe (mean) | rows, most | p50 ms | p90 ms | p99 ms | max ms |', '|---|---|---|---|---|---|---|---|---|---|');
  for (const r of s.results) {
    out.push(`| ${r.vocabulary} (${r.words} words) | ${r.set} | ${r.proof} | ${((100 * r.proven) / r.swipes).toFixed(0)}% | ${r.rowsPerSwipe.toFixed(0)} | ${r.maxRows} | ${r.p50.toFixed(1)} | ${r.p90.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.max.toFixed(1)} |`);
  }
  return out.join('\n');
}
