#!/usr/bin/env node
// Drift of reduced precision: the same synthetic swipes decoded (beam 6, normalization factor 0.5, max 35
// steps, vocabulary) by the model in float32 and in each reduced precision the device has (CPU: bfloat16;
// CUDA: float16 and bfloat16). Prints a JSON summary on stdout and a short table on stderr.
// Usage: node scripts/bench/precision.mjs [--model M.pt] [--swipes N] [--device cpu|cuda] [--vocab FILE]
//        [--threads N] [--batch-size N] [--workers N] [--precisions bfloat16,float16]
// From another script: `const { measurePrecisionDrift, formatDriftTable } = await import(...)`; the JSON
// is what measurePrecisionDrift resolves to.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const lib = (p) => import(pathToFileURL(join(root, 'dist', p)).href);

/** The bench's swipes: the first `n` of `.tmp/bench/synth-400.jsonl` (made by `neuroswipe synth` when absent). */
async function benchSwipes(n) {
  const { readSwipes } = await lib('data/dataset.js');
  const { loadGrids } = await lib('keyboard/grid.js');
  const dir = join(root, '.tmp', 'bench');
  mkdirSync(dir, { recursive: true });
  const count = Math.max(400, n);
  const data = join(dir, `synth-${count}.jsonl`);
  if (!existsSync(data)) {
    execFileSync(process.execPath, [join(root, 'bin/neuroswipe.js'), 'synth', '--grid', 'default', '--vocab', join(root, 'examples/vocab.txt'), '--count', String(count), '--seed', '2023', '--out', data], { stdio: 'ignore' });
  }
  const swipes = [];
  for await (const s of readSwipes(data, { grids: loadGrids() })) {
    if (swipes.length === n) break;
    swipes.push(s);
  }
  return swipes;
}

/**
 * Compares one precision's rows with float32's on the same swipes.
 * @returns shares of equal top-1 words and identical candidate lists, and the absolute and relative score
 *   differences over candidates present in both lists (matched by word)
 */
export function compareRows(reference, other) {
  let top1 = 0, identical = 0, matched = 0, absSum = 0, absMax = 0, relSum = 0, relMax = 0, refCandidates = 0;
  reference.forEach((row, i) => {
    const a = row.candidates;
    const b = other[i].candidates;
    if ((a[0]?.[1] ?? null) === (b[0]?.[1] ?? null)) top1++;
    if (a.length === b.length && a.every((c, j) => c[1] === b[j][1])) identical++;
    const scores = new Map(b.map(([s, w]) => [w, s]));
    refCandidates += a.length;
    for (const [s, w] of a) {
      const t = scores.get(w);
      if (t === undefined) continue;
      const d = Math.abs(t - s);
      const r = d / Math.max(Math.abs(s), 1e-12);
      matched++;
      absSum += d;
      relSum += r;
      absMax = Math.max(absMax, d);
      relMax = Math.max(relMax, r);
    }
  });
  const n = reference.length;
  return {
    top1Equal: n ? top1 / n : 1,
    listIdentical: n ? identical / n : 1,
    matchedCandidates: matched,
    matchedShare: refCandidates ? matched / refCandidates : 1,
    scoreAbsDiff: { mean: matched ? absSum / matched : 0, max: absMax },
    scoreRelDiff: { mean: matched ? relSum / matched : 0, max: relMax },
  };
}

/**
 * Decodes the bench swipes in float32 and in each reduced precision; resolves to
 * `{ model, architecture, device, threads, batchSize, workers, swipes, decoding, vocabulary,
 *    runs: [{ precision, swipes, seconds, swipesPerSecond }], drift: { <precision>: compareRows(...) } }`.
 * @param o - `{ model, swipes, device, vocab, threads, batchSize, workers, precisions }`, all optional
 */
export async function measurePrecisionDrift(o = {}) {
  const { Model } = await lib('model/model.js');
  const { Decoder } = await lib('decode/decoder.js');
  const { Vocabulary, readVocabularyFile } = await lib('vocabulary.js');
  const { setNumThreads } = await lib('runtime.js');
  const device = o.device ?? 'cpu';
  const onGpu = device.startsWith('cuda');
  const modelPath = o.model ?? join(root, 'examples/model.pt');
  const vocabPath = o.vocab ?? join(root, 'examples/vocab.txt');
  const threads = o.threads ?? 1;
  const batchSize = o.batchSize ?? (onGpu ? 512 : 16);
  const workers = o.workers ?? (onGpu ? 1 : availableParallelism());
  const precisions = o.precisions ?? (onGpu ? ['float16', 'bfloat16'] : ['bfloat16']);
  const decoding = { generator: 'beam', beamSize: 6, normalizationFactor: 0.5, maxSteps: 35 };
  setNumThreads(threads);
  const swipes = await benchSwipes(o.swipes ?? 200);
  const runs = [];
  const rowsOf = {};
  let meta, vocabSize, modelDevice;
  for (const precision of ['float32', ...precisions]) {
    const model = await Model.load(modelPath, { device, precision });
    try {
      meta ??= model.metadata;
      modelDevice ??= model.device;
      const tokenizer = (await Decoder.create(model)).tokenizer;
      const vocabulary = await Vocabulary.build(readVocabularyFile(vocabPath), tokenizer, vocabPath);
      vocabSize ??= vocabulary.size;
      const dec = await Decoder.create(model, { decoding, vocabulary, ...(vocabulary ? { vocabScoring: 'seed' } : {}), batchSize, workers });
      await dec.decode(swipes.slice(0, Math.min(swipes.length, batchSize * workers))); // warm-up, not timed
      const t0 = performance.now();
      const { rows } = await dec.decode(swipes);
      const seconds = (performance.now() - t0) / 1000;
      rowsOf[precision] = rows;
      runs.push({ precision, swipes: swipes.length, seconds, swipesPerSecond: swipes.length / seconds });
    } finally {
      model.dispose();
    }
  }
  const drift = Object.fromEntries(precisions.map((p) => [p, compareRows(rowsOf.float32, rowsOf[p])]));
  return {
    model: modelPath.replace(root + '/', ''), architecture: meta.architecture, device: modelDevice, threads, batchSize, workers,
    swipes: swipes.length, decoding, vocabulary: { path: vocabPath.replace(root + '/', ''), words: vocabSize }, runs, drift,
  };
}

/** A short Markdown table of a {@link measurePrecisionDrift} result. */
export function formatDriftTable(r) {
  const pct = (x) => `${(100 * x).toFixed(1)}%`;
  const exp = (x) => x.toExponential(2);
  const lines = [
    `${r.swipes} swipes, ${r.model} on ${r.device}, beam 6 + vocabulary (${r.vocabulary.words} words)`,
    '| precision | swipes/s | top-1 = float32 | list = float32 | score abs diff mean / max | score rel diff mean / max |',
    '|---|---|---|---|---|---|',
  ];
  for (const run of r.runs) {
    const d = r.drift[run.precision];
    const cells = d
      ? [pct(d.top1Equal), pct(d.listIdentical), `${exp(d.scoreAbsDiff.mean)} / ${exp(d.scoreAbsDiff.max)}`, `${exp(d.scoreRelDiff.mean)} / ${exp(d.scoreRelDiff.max)}`]
      : ['(reference)', '', '', ''];
    lines.push(`| ${run.precision} | ${run.swipesPerSecond.toFixed(1)} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n') + '\n';
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const opt = (name) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const num = (name) => (opt(name) === undefined ? undefined : Number(opt(name)));
  const result = await measurePrecisionDrift({
    model: opt('--model'), swipes: num('--swipes'), device: opt('--device'), vocab: opt('--vocab'), threads: num('--threads'),
    batchSize: num('--batch-size'), workers: num('--workers'), precisions: opt('--precisions')?.split(','),
  });
  process.stdout.write(JSON.stringify(result, null, 1) + '\n');
  process.stderr.write(formatDriftTable(result));
}
