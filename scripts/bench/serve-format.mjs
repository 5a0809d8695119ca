// Markdown for the serving benchmark (scripts/bench/serve.mjs), shared by scripts/bench.mjs.
/**
 * The "Serving" section of BENCHMARKS.md from the JSON of scripts/bench/serve.mjs.
 * @param standalone - the date, when the section was measured on its own rather than in one `npm run bench` run
 */
export function formatServe(sv, standalone = null) {
  const out = ['## Serving (scripts/bench/serve.mjs)', ''];
  out.push(`\`neuroswipe serve\` in its own process on 127.0.0.1, driven by autocannon from the benchmark's process (${sv.loadPinnedTo != null ? `the load generator pinned with \`taskset\` to CPU ${sv.loadPinnedTo} while the load runs; the server uses all of this machine's ${sv.cores} cores, so the load generator still takes CPU from it on that one` : `both on this machine's ${sv.cores} cores, so the load generator takes CPU from the server`}). Model \`${sv.model}\`, beam ${sv.beamSize} + the ${sv.vocabulary} vocabulary, ${sv.workers} searches at once (workers), one swipe per request, ${sv.swipes} synthetic swipes (\`synth --seed 2023\`) cycled. "dynamic" batches up to ${sv.maxBatch} swipes with a ${sv.maxWait} ms wait; "batch-1" decodes each request alone (\`--max-batch-size 1 --max-wait-ms 0\`). Mean batch: swipes per decoded batch, from the server's \`neuroswipe_batch_swipes\` histogram. Offline: the same swipes through \`Decoder.decode\` as \`neuroswipe decode\` runs it (batch 16, one search per core), median of ${sv.repeats}, measured before and after the server runs, the faster of the two: **${sv.offline.swipesPerSecond.toFixed(1)} swipes/s** (before ${sv.offline.before?.swipesPerSecond.toFixed(1) ?? '?'}, after ${sv.offline.after?.swipesPerSecond.toFixed(1) ?? '?'}). The machine is shared with other builds and tests, so absolute numbers are noisy; compare rows of one run.`, '');
  if (standalone) out.push(`Measured on its own (\`node scripts/bench/serve.mjs\`) on ${standalone}, not in the same run as the sections above.`, '');
  const ms = (v) => (v === undefined || Number.isNaN(v) ? '?' : v.toFixed(2));
  out.push(`CPU per request: of the server's process (HTTP, JSON, batching, decoding; from /proc) and of the load generator, against offline decoding's ${ms(sv.offline.cpuMsPerSwipe)} ms of CPU per swipe.`, '');
  out.push('| batching | concurrency | requests | swipes/s | of offline | p50 ms | p99 ms | mean ms | mean batch | server CPU ms/request | load generator CPU ms/request | non-2xx |', '|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of sv.runs) {
    out.push(`| ${r.mode} | ${r.concurrency} | ${r.requests} | ${r.requestsPerSecond.toFixed(1)} | ${(100 * r.requestsPerSecond / sv.offline.swipesPerSecond).toFixed(0)}% | ${r.p50} | ${r.p99} | ${r.meanLatency.toFixed(1)} | ${r.meanBatch.toFixed(2)} | ${ms(r.serverCpuMsPerRequest)} | ${ms(r.loadCpuMsPerRequest)} | ${r.non2xx + r.errors + r.timeouts} |`);
  }
  const g = sv.goals;
  const yes = (x) => (x ? 'met' : '**not met**');
  out.push('', '| goal | value | |', '|---|---|---|');
  if (g.c1P50) out.push(`| concurrency 1: p50 ≤ ${g.c1P50.goal} ms per swipe | ${g.c1P50.value} ms (one swipe decoded in-process in the same run: p50 ${sv.offline.before?.singleSwipeP50Ms?.toFixed(1) ?? '?'} ms before, ${sv.offline.after?.singleSwipeP50Ms?.toFixed(1) ?? '?'} ms after) | ${yes(g.c1P50.met)} |`);
  const one = [sv.offline.before?.singleSwipeP50Ms, sv.offline.after?.singleSwipeP50Ms].filter((v) => v !== undefined);
  if (one.length) out.push(`| one swipe in-process (library, warm, one search): p50 ≤ 8 ms | ${Math.min(...one).toFixed(1)} ms (the better of the runs before and after the server) | ${yes(Math.min(...one) <= 8)} |`);
  if (g.cMaxThroughputShare) out.push(`| concurrency ${g.cMaxThroughputShare.concurrency}: throughput ≥ 70% of offline | ${(100 * g.cMaxThroughputShare.value).toFixed(0)}% | ${yes(g.cMaxThroughputShare.met)} |`);
  if (g.cMaxP99) out.push(`| concurrency ${g.cMaxP99.concurrency}: p99 ≤ ${g.cMaxP99.goal} ms | ${g.cMaxP99.value} ms | ${yes(g.cMaxP99.met)} |`);
  out.push('');
  return out;
}
