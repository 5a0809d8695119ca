#!/usr/bin/env node
// `neuroswipe serve` under load on loopback: autocannon at several concurrencies against the server (its own
// process) with dynamic batching and with batch-1, next to an offline decode of the same swipes in one
// process. Every request is one swipe (the example model, beam 6 + vocabulary by default). Traffic goes to
// 127.0.0.1 only, and each run is bounded by a request count and a time limit. Prints a JSON summary on
// stdout (read by scripts/bench.mjs). While the load runs, the load generator (this process, every thread) is
// pinned with `taskset` to one core (the last, by default), so that it does not spread over the cores the
// server decodes on; the server is started before the pinning and keeps every core.
// Usage: node scripts/bench/serve.mjs [--swipes N] [--requests N] [--concurrency 1,8,64] [--workers N]
//        [--max-batch-size N] [--max-wait-ms MS] [--repeats N] [--pin-load CPU|none]
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { benchModel, benchSwipes, lib, opt, root } from './setup.mjs';

const { Decoder } = await lib('decode/decoder.js');

const modelPath = opt('--model', join(root, 'examples/model.pt'));
const vocabPath = opt('--vocab', join(root, 'examples/vocab.txt'));
const nSwipes = Number(opt('--swipes', '400'));
const perRun = Number(opt('--requests', '800'));
const concurrencies = opt('--concurrency', '1,8,64').split(',').map(Number);
const cores = availableParallelism();
const workers = Number(opt('--workers', String(cores)));
const maxBatch = Number(opt('--max-batch-size', '16'));
const maxWait = Number(opt('--max-wait-ms', '2'));
const repeats = Number(opt('--repeats', '3'));
const beamSize = 6;
const pinLoad = opt('--pin-load', String(cores - 1));
if (pinLoad !== 'none' && !/^\d+$/.test(pinLoad)) throw new Error(`--pin-load: expected a CPU number or none, got ${pinLoad}`);

/** Sets the CPU affinity of every thread of this process (taskset -a -p); false when taskset is unavailable. */
function pinSelf(cpus) {
  try {
    execFileSync('taskset', ['-a', '-c', '-p', cpus, String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
/** This process's CPU affinity list as taskset prints it (e.g. `0,1`), to restore after pinning; null when unknown. */
function affinity() {
  try {
    return /:\s*(\S+)\s*$/.exec(execFileSync('taskset', ['-c', '-p', String(process.pid)], { encoding: 'utf8' }))?.[1] ?? null;
  } catch {
    return null;
  }
}
const allCpus = affinity();
let pinned = null;

/** CPU seconds (user + system) a child process has used so far, from /proc; NaN where /proc is unavailable. */
function childCpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return NaN;
  }
}

const { swipes } = await benchSwipes(nSwipes);
const bodies = swipes.map((s) => JSON.stringify({ x: Array.from(s.x), y: Array.from(s.y), t: Array.from(s.t), grid_name: s.gridName }));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// Offline: the same swipes through the library decoder as `neuroswipe decode` runs it (batch 16, one search per core).
async function offline() {
  const { model, vocabulary } = await benchModel({ modelPath, vocabPath });
  const dec = await Decoder.create(model, { decoding: { generator: 'beam', beamSize }, vocabulary, batchSize: 16, workers: cores });
  await dec.decode(swipes.slice(0, 32));
  const speeds = [];
  const cpu = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await dec.decode(swipes);
    const c = process.cpuUsage(c0);
    speeds.push(swipes.length / ((performance.now() - t0) / 1000));
    cpu.push((c.user + c.system) / 1000 / swipes.length);
  }
  // One swipe at a time in this process: the decode latency the server adds its HTTP and batching work to.
  const one = await Decoder.create(model, { decoding: { generator: 'beam', beamSize }, vocabulary, batchSize: 16, workers: 1 });
  const lat = [];
  for (let i = 0; i < Math.min(40, swipes.length); i++) {
    const t0 = performance.now();
    await one.decode([swipes[i]]);
    lat.push(performance.now() - t0);
  }
  model.dispose();
  return { swipesPerSecond: median(speeds), min: Math.min(...speeds), max: Math.max(...speeds), cpuMsPerSwipe: median(cpu), singleSwipeP50Ms: median(lat) };
}

function startServer(batch) {
  const child = spawn(process.execPath, [
    join(root, 'bin/neuroswipe.js'), 'serve', '--model', modelPath, '--vocab', vocabPath, '--use-vocab', '--beam-size', String(beamSize),
    '--device', 'cpu', '--host', '127.0.0.1', '--port', '0', '--workers', String(workers), '--max-batch-size', String(batch), '--max-wait-ms', String(batch === 1 ? 0 : maxWait),
    '--max-queue', '4096',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${err}`)), 60_000);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d) => {
      err += d;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1], child });
      }
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${err}`)));
  });
}

async function batchStats(url) {
  const text = await (await fetch(`${url}/metrics`)).text();
  const num = (name) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  return { sum: num('neuroswipe_batch_swipes_sum'), count: num('neuroswipe_batch_swipes_count') };
}

function load(url, connections, amount) {
  // Each connection walks through the swipes from its own offset, so concurrent requests carry different swipes.
  let next = 0;
  return new Promise((resolve, reject) => {
    autocannon({
      url: `${url}/v1/decode`,
      connections,
      amount,
      timeout: 20,
      maxOverallRequests: amount,
      requests: [{
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest: (req) => ({ ...req, body: bodies[next++ % bodies.length] }),
      }],
    }, (err, res) => (err ? reject(err) : resolve(res)));
  });
}

async function serveRuns(batch) {
  const { url, child } = await startServer(batch);
  const out = [];
  // Pinned after the server started (it inherits this process's affinity at spawn), unpinned before offline runs.
  if (pinLoad !== 'none' && allCpus !== null) pinned = pinSelf(pinLoad) ? pinLoad : null;
  try {
    await load(url, 8, 64); // warm-up
    for (const c of concurrencies) {
      const amount = c === 1 ? Math.min(perRun, 300) : perRun;
      const b0 = await batchStats(url);
      const t0 = performance.now();
      const s0 = childCpuSeconds(child.pid);
      const l0 = process.cpuUsage();
      const r = await load(url, c, amount);
      const l1 = process.cpuUsage(l0);
      const s1 = childCpuSeconds(child.pid);
      const seconds = (performance.now() - t0) / 1000;
      const b1 = await batchStats(url);
      out.push({
        mode: batch === 1 ? 'batch-1' : `dynamic (max ${batch}, wait ${maxWait} ms)`,
        concurrency: c, requests: r.requests.total, non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts,
        requestsPerSecond: r.requests.total / seconds, p50: r.latency.p50, p99: r.latency.p99, meanLatency: r.latency.average,
        meanBatch: (b1.sum - b0.sum) / Math.max(1, b1.count - b0.count),
        // CPU per request: the server process (HTTP, JSON, batching and decoding) and the load generator.
        serverCpuMsPerRequest: ((s1 - s0) * 1000) / Math.max(1, r.requests.total),
        loadCpuMsPerRequest: (l1.user + l1.system) / 1000 / Math.max(1, r.requests.total),
      });
      process.stderr.write(`serve bench: ${out.at(-1).mode}, c=${c}: ${out.at(-1).requestsPerSecond.toFixed(1)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, mean batch ${out.at(-1).meanBatch.toFixed(2)}\n`);
    }
  } finally {
    if (pinned !== null) pinSelf(allCpus);
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
  return out;
}

// Offline before and after the server runs; the faster of the two is the reference (a busy machine only
// ever makes a run slower, so this errs against the server).
const before = await offline();
process.stderr.write(`serve bench: offline decode ${before.swipesPerSecond.toFixed(1)} swipes/s\n`);
const dynamic = await serveRuns(maxBatch);
const single = await serveRuns(1);
const after = await offline();
process.stderr.write(`serve bench: offline decode again ${after.swipesPerSecond.toFixed(1)} swipes/s\n`);
const off = before.swipesPerSecond >= after.swipesPerSecond ? { ...before, before, after } : { ...after, before, after };
const at = (runs, c) => runs.find((r) => r.concurrency === c);
const c1 = at(dynamic, 1);
const cMax = at(dynamic, Math.max(...concurrencies));
console.log(JSON.stringify({
  model: modelPath.replace(`${root}/`, ''), vocabulary: vocabPath.replace(`${root}/`, ''), beamSize, swipes: swipes.length, cores, workers, maxBatch, maxWait, repeats, loadPinnedTo: pinned,
  offline: off, runs: [...dynamic, ...single],
  goals: {
    c1P50: c1 ? { value: c1.p50, goal: 10, met: c1.p50 <= 10 } : null,
    cMaxThroughputShare: cMax ? { concurrency: cMax.concurrency, value: cMax.requestsPerSecond / off.swipesPerSecond, goal: 0.7, met: cMax.requestsPerSecond / off.swipesPerSecond >= 0.7 } : null,
    cMaxP99: cMax ? { concurrency: cMax.concurrency, value: cMax.p99, goal: 250, met: cMax.p99 <= 250 } : null,
  },
}, null, 1));
