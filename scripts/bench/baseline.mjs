#!/usr/bin/env node
// Benchmark of the DTW baseline: the native implementation (prefix sharing, row and cell pruning)
// against the straightforward TypeScript one (full DTW matrix for every candidate), on the bundled
// example vocabulary, the real grids and deterministic swipe-like curves along random vocabulary words.
// Checks that both give identical output, then prints both timings and the ratio.
//
// Usage: node scripts/bench/baseline.mjs [--curves N] [--threads N] [--addon PATH]
//   needs the compiled TypeScript (npx tsc -p tsconfig.build.json) and the native addon
//   (npm run build:native); --addon loads the addon from another path.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { prng } from './prng.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : def;
};
const nCurves = Number(opt('--curves', '200'));
const threads = Number(opt('--threads', '1'));
const addonPath = opt('--addon', undefined);

const { loadGrids } = await import(`${root}dist/keyboard/grid.js`);
const { buildBaselineVocab } = await import(`${root}dist/baseline/vocab.js`);
const { baselineKeys } = await import(`${root}dist/baseline/keyboard.js`);
const { prepareGrid, wordRanks } = await import(`${root}dist/baseline/prepare.js`);
const { BaselineGridCache, baselineReference } = await import(`${root}dist/baseline/reference.js`);
const dtwBaseline = addonPath
  ? createRequire(import.meta.url)(addonPath).dtwBaseline
  : (input) => import(`${root}dist/baseline/native.js`).then((m) => m.nativeDtwBaseline(input));


// Integer points about 30 px apart along the word's key centres, each moved by up to 25 px.
function curveAlong(word, grid, rand) {
  const keys = baselineKeys(grid);
  const pts = [...word].map((ch) => keys.get(ch)).filter((k) => k !== undefined);
  const x = [];
  const y = [];
  const push = (px, py) => {
    x.push(Math.round(px + (rand() * 2 - 1) * 25));
    y.push(Math.round(py + (rand() * 2 - 1) * 25));
  };
  push(pts[0].cx, pts[0].cy);
  for (let i = 1; i < pts.length; i++) {
    const a = pts[i - 1];
    const b = pts[i];
    const n = Math.max(1, Math.round(Math.hypot(b.cx - a.cx, b.cy - a.cy) / 30));
    for (let s = 1; s <= n; s++) push(a.cx + ((b.cx - a.cx) * s) / n, a.cy + ((b.cy - a.cy) * s) / n);
  }
  return { x, y };
}

const grids = loadGrids();
const names = ['default', 'extra'];
const vocab = buildBaselineVocab(readFileSync(`${root}examples/vocab.txt`, 'utf8'));
const rand = prng(2023);
const curves = [];
for (let i = 0; i < nCurves; i++) {
  const g = i % 10 === 9 ? 1 : 0; // about the competition's default/extra mix
  const word = vocab.words[Math.floor(rand() * vocab.words.length)];
  curves.push({ g, ...curveAlong(word, grids[names[g]], rand) });
}
const points = curves.reduce((s, c) => s + c.x.length, 0);

// Straightforward implementation (word polylines cached per grid, as a fair reference).
const caches = names.map((n) => new BaselineGridCache(grids[n]));
for (let i = 0; i < vocab.words.length; i++) for (const c of caches) c.polyline(vocab, i);
let t0 = performance.now();
const reference = curves.map((c) => baselineReference(c.x, c.y, caches[c.g], vocab, 4));
const refMs = performance.now() - t0;

// Native implementation.
const prepared = names.map((n) => prepareGrid(grids[n], vocab));
const offsets = new Uint32Array(curves.length + 1);
curves.forEach((c, i) => (offsets[i + 1] = offsets[i] + c.x.length));
const xs = new Int32Array(points);
const ys = new Int32Array(points);
curves.forEach((c, i) => {
  xs.set(c.x, offsets[i]);
  ys.set(c.y, offsets[i]);
});
const input = {
  grids: prepared,
  wordRank: wordRanks(vocab.words),
  curveOffsets: offsets,
  xs,
  ys,
  curveGrid: Uint32Array.from(curves, (c) => c.g),
  k: 4,
  prune: true,
  threads,
};
await dtwBaseline({ ...input, curveOffsets: offsets.slice(0, 2), curveGrid: input.curveGrid.slice(0, 1), xs: xs.slice(0, offsets[1]), ys: ys.slice(0, offsets[1]) }); // load and warm up
t0 = performance.now();
const out = await dtwBaseline(input);
const nativeMs = performance.now() - t0;

let mismatches = 0;
curves.forEach((_, i) => {
  const got = [];
  for (let s = 0; s < 4; s++) if (out.words[i * 4 + s] >= 0) got.push([out.dists[i * 4 + s], vocab.words[out.words[i * 4 + s]]]);
  if (JSON.stringify(got) !== JSON.stringify(reference[i])) mismatches += 1;
});

const fullCells = curves.reduce((s, c) => {
  const [b, e] = vocab.groups.get(baselineLetter(c)) ?? [0, vocab.words.length];
  let n = 0;
  for (let w = b; w < e; w++) n += caches[c.g].polyline(vocab, w).x.length * c.x.length;
  return s + n;
}, 0);
function baselineLetter(c) {
  for (const k of caches[c.g].keys.values()) if (k.left <= c.x[0] && c.x[0] < k.right && k.top <= c.y[0] && c.y[0] < k.bottom) return k.char;
  return 'a';
}

process.stdout.write(
  `DTW baseline: ${nCurves} swipes (${points} points), ${vocab.words.length} vocabulary words\n` +
    `  straightforward (TypeScript, full matrices): ${refMs.toFixed(0)} ms (${fullCells} cells)\n` +
    `  native (C++, pruned, ${threads} thread${threads === 1 ? '' : 's'}):            ${nativeMs.toFixed(0)} ms (${out.cells} cells)\n` +
    `  ratio: ${(refMs / nativeMs).toFixed(1)}x, outputs ${mismatches === 0 ? 'identical' : `DIFFER on ${mismatches} swipes`}\n`,
);
if (mismatches > 0) process.exitCode = 1;
