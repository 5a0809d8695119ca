#!/usr/bin/env node
// Paired comparison of two prediction files of the same swipes: the change in Swipe MRR from BASE to OTHER, a
// 95 % interval from a paired bootstrap of the per-swipe values (resampling swipes, deterministic seed), the
// share of resamples whose change is ≤ 0, and a two-sided sign test on the swipes whose value changed.
// Usage: node scripts/paired-bootstrap.mjs BASE.jsonl OTHER.jsonl --data DATA.jsonl [--ref DATA.ref]
//          [--resamples 10000] [--seed 1]
// Needs the built library (npm run build:ts).
import { parseArgs } from 'node:util';
import { readLabels, readPredictionFile } from '../dist/index.js';
import { swipeMrrLine } from '../dist/evaluate/metrics.js';
import { prng } from './bench/prng.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { data: { type: 'string' }, ref: { type: 'string' }, resamples: { type: 'string', default: '10000' }, seed: { type: 'string', default: '1' } },
});
const fail = (message) => {
  process.stderr.write(`paired-bootstrap: ${message}\n`);
  process.exit(2);
};
if (positionals.length !== 2 || values.data === undefined) fail('usage: paired-bootstrap.mjs BASE.jsonl OTHER.jsonl --data DATA.jsonl [--ref DATA.ref] [--resamples N] [--seed S]');
const resamples = Number(values.resamples);
const seed = Number(values.seed);
if (!Number.isInteger(resamples) || resamples < 100) fail(`--resamples: expected an integer ≥ 100, got ${values.resamples}`);
if (!Number.isInteger(seed)) fail(`--seed: expected an integer, got ${values.seed}`);

const labels = await readLabels(values.data, values.ref);
/** Per data line, the swipe's Swipe MRR value in one prediction file (every line must have a row). */
async function perSwipe(path) {
  const { rows } = await readPredictionFile(path);
  const out = new Float64Array(labels.words.length).fill(Number.NaN);
  for (const r of rows) {
    const word = labels.words[r.index];
    if (word === undefined) fail(`${path}: index ${r.index}: ${values.data} has no target word for it${values.ref === undefined ? ' (give --ref)' : ''}`);
    out[r.index] = swipeMrrLine(r.candidates.map((c) => c[1]), word);
  }
  const missing = out.findIndex((v) => Number.isNaN(v));
  if (missing >= 0) fail(`${path}: no row for data line ${missing + 1} of ${values.data}`);
  return out;
}
const [basePath, otherPath] = positionals;
const base = await perSwipe(basePath);
const other = await perSwipe(otherPath);
const n = base.length;
const diff = Float64Array.from(base, (b, i) => other[i] - b);
const mean = (a) => a.reduce((s, x) => s + x, 0) / a.length;
const random = prng(seed);
const means = new Float64Array(resamples);
for (let k = 0; k < resamples; k++) {
  let s = 0;
  for (let i = 0; i < n; i++) s += diff[Math.floor(random() * n)];
  means[k] = s / n;
}
means.sort();
const quantile = (q) => means[Math.min(resamples - 1, Math.max(0, Math.round(q * (resamples - 1))))];
const better = diff.filter((d) => d > 0).length;
const worse = diff.filter((d) => d < 0).length;
// Two-sided exact binomial test, p = 1/2, on the changed swipes: log C(m, k) built up term by term.
const m = better + worse;
let tail = 0;
let logChoose = 0;
for (let k = 0; k <= Math.min(better, worse); k++) {
  if (k > 0) logChoose += Math.log(m - k + 1) - Math.log(k);
  tail += Math.exp(logChoose - m * Math.LN2);
}
const signP = m === 0 ? 1 : Math.min(1, 2 * tail);
const result = {
  swipes: n, base: basePath, other: otherPath,
  baseMrr: mean(base), otherMrr: mean(other), change: mean(diff),
  interval95: [quantile(0.025), quantile(0.975)], shareNotAbove0: means.filter((x) => x <= 0).length / resamples, resamples, seed,
  better, worse, signTestP: signP,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
process.stderr.write(`Swipe MRR ${result.baseMrr.toFixed(4)} -> ${result.otherMrr.toFixed(4)}: change ${result.change >= 0 ? '+' : ''}${result.change.toFixed(4)}, 95 % interval [${result.interval95.map((x) => x.toFixed(4)).join(', ')}], ${(100 * result.shareNotAbove0).toFixed(1)} % of ${resamples} resamples ≤ 0; ${better} swipes better, ${worse} worse (sign test p = ${signP.toPrecision(2)})\n`);
