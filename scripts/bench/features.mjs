#!/usr/bin/env node
/**
 * Data-layer benchmark (runs against dist/; build first with `npx tsc -p tsconfig.build.json`).
 *
 * 1. Feature throughput: `traj_feats_and_distance_weights` (velocities + accelerations) for 10,000
 *    swipes of ~100 points on the real grids, on one core; also the nearest-key transform for reference.
 * 2. Streaming memory: writes a 1,000,000-line separated-grid JSONL file into a temporary directory,
 *    reads it with `readSwipes`, and reports RSS along the way (it should stay flat).
 *
 * Usage: node scripts/bench/features.mjs [--swipes N] [--lines N] [--skip-stream]
 * Prints one line per measurement; nothing is timed as a pass/fail test.
 */
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { FeatureExtractor, loadGrids, readSwipes } from '../../dist/index.js';
import { prng } from './prng.mjs';

const args = process.argv.slice(2);
const arg = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const nSwipes = arg('--swipes', 10_000);
const nLines = arg('--lines', 1_000_000);


/** A random walk through key centres: `n` points, a few outside the keyboard, increasing times. */
function makeCurve(rand, grid, n) {
  const keys = grid.keys.filter((k) => k.label);
  const x = new Int16Array(n);
  const y = new Int16Array(n);
  const t = new Int16Array(n);
  let from = keys[Math.floor(rand() * keys.length)].hitbox;
  let to = keys[Math.floor(rand() * keys.length)].hitbox;
  let time = 0;
  for (let i = 0; i < n; i++) {
    if (i % 20 === 19) {
      from = to;
      to = keys[Math.floor(rand() * keys.length)].hitbox;
    }
    const f = (i % 20) / 20;
    x[i] = Math.round(from.x + from.w / 2 + (to.x - from.x) * f + (rand() - 0.5) * 40);
    y[i] = Math.round(from.y + from.h / 2 + (to.y - from.y) * f + (rand() - 0.5) * 40);
    time += 5 + Math.floor(rand() * 10);
    t[i] = time;
  }
  return { x, y, t };
}

function featureBench(grids) {
  const rand = prng(1);
  const names = Object.keys(grids);
  const swipes = [];
  let points = 0;
  for (let i = 0; i < nSwipes; i++) {
    const gridName = names[i % 10 === 9 ? 1 : 0];
    const n = 80 + Math.floor(rand() * 41);
    points += n;
    swipes.push({ index: i, gridName, ...makeCurve(rand, grids[gridName], n) });
  }
  for (const name of ['traj_feats_and_distance_weights', 'traj_feats_and_nearest_key']) {
    const fx = new FeatureExtractor(grids, { name, includeTime: false, includeVelocities: true, includeAccelerations: true });
    const w0 = performance.now();
    for (let i = 0; i < 200; i++) fx.extract(swipes[i]); // warm-up: JIT and per-grid tables (both grids)
    console.log(`features ${name}: first 200 swipes incl. per-grid set-up ${(performance.now() - w0).toFixed(0)} ms`);
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    let check = 0;
    for (const s of swipes) check += fx.extract(s).keys[0];
    const secs = (performance.now() - t0) / 1000;
    const c1 = process.cpuUsage(c0);
    const cpu = (c1.user + c1.system) / 1e6;
    console.log(
      `features ${name}: ${nSwipes} swipes (${(points / nSwipes).toFixed(1)} points avg) in ${secs.toFixed(3)} s wall, ${cpu.toFixed(3)} s CPU = ${Math.round(nSwipes / secs)} swipes/s (checksum ${check.toFixed(3)})`,
    );
  }
}

async function streamBench(grids) {
  const dir = mkdtempSync(join(tmpdir(), 'neuroswipe-bench-'));
  const file = join(dir, 'big.jsonl');
  try {
    const rand = prng(2);
    const ws = createWriteStream(file);
    const t0 = performance.now();
    const pool = [];
    for (let i = 0; i < 1000; i++) {
      const c = makeCurve(rand, grids.default, 40 + Math.floor(rand() * 40));
      pool.push(JSON.stringify({ curve: { x: [...c.x], y: [...c.y], t: [...c.t], grid_name: 'default' } }) + '\n');
    }
    let chunk = '';
    for (let i = 0; i < nLines; i++) {
      chunk += pool[i % pool.length];
      if (chunk.length > 1 << 20) {
        if (!ws.write(chunk)) await once(ws, 'drain');
        chunk = '';
      }
    }
    ws.end(chunk);
    await once(ws, 'finish');
    const size = statSync(file).size;
    console.log(`stream: wrote ${nLines} lines (${(size / 2 ** 20).toFixed(0)} MiB) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    global.gc?.();
    const rss0 = process.memoryUsage().rss;
    let maxRss = rss0;
    let n = 0;
    const t1 = performance.now();
    const samples = [];
    for await (const s of readSwipes(file, { grids })) {
      n++;
      if (s.index !== n - 1) throw new Error(`index ${s.index} at swipe ${n}`);
      if (n % 100_000 === 0) {
        const rss = process.memoryUsage().rss;
        maxRss = Math.max(maxRss, rss);
        samples.push(`${n / 1000}k:${(rss / 2 ** 20).toFixed(0)}`);
      }
    }
    const secs = (performance.now() - t1) / 1000;
    console.log(`stream: read ${n} swipes in ${secs.toFixed(1)} s = ${Math.round(n / secs)} swipes/s`);
    console.log(`stream: RSS before ${(rss0 / 2 ** 20).toFixed(0)} MiB, max ${(maxRss / 2 ** 20).toFixed(0)} MiB (file ${(size / 2 ** 20).toFixed(0)} MiB); MiB by lines read: ${samples.join(' ')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const grids = loadGrids();
featureBench(grids);
if (!args.includes('--skip-stream')) await streamBench(grids);
