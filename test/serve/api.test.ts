/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers of the server, checked field by field by the assertions */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Decoder } from '../../lib/decode/decoder.js';
import type { Swipe } from '../../lib/data/dataset.js';
import { loadGrids } from '../../lib/keyboard/grid.js';
import type { Model } from '../../lib/model/model.js';
import type { Vocabulary } from '../../lib/vocabulary.js';
import type { RunningServer } from '../../lib/serve/server.js';
import { EXAMPLE_MODEL, EXAMPLE_VOCAB, exampleSwipes } from '../helpers/examples.js';
import { apiSwipe, histogramMean, loadExample, post, sameCandidates, serveExample } from './helpers.js';
import { at, own } from '../../lib/util/checked.js';

const BIN = new URL('../../bin/neuroswipe.js', import.meta.url).pathname;
const N = 40;

let model: Model;
let vocabulary: Vocabulary;
let srv: RunningServer;
let swipes: Swipe[];
let words: string[];
let dir: string;

beforeAll(async () => {
  ({ model, vocabulary } = await loadExample());
  srv = await serveExample(model, vocabulary, { maxBatchSize: 8, maxWaitMs: 5 });
  swipes = await exampleSwipes(N);
  words = readFileSync(EXAMPLE_VOCAB, 'utf8').split('\n');
  dir = mkdtempSync(join(tmpdir(), 'neuroswipe-serve-'));
});

afterAll(async () => {
  await srv?.close();
  model?.dispose();
});

describe('GET routes', () => {
  it('/healthz, /v1/grids, /v1/model and the demo page', async () => {
    const h = await fetch(`${srv.url}/healthz`);
    expect(h.status).toBe(200);
    expect(await h.json()).toMatchObject({ status: 'ok' });

    const g = (await (await fetch(`${srv.url}/v1/grids`)).json()) as any;
    expect(Object.keys(g.grids).sort()).toEqual(['default', 'extra', 'qwerty']);
    expect(g.grids).toEqual(loadGrids());
    expect(g.model_grids).toEqual(['default']);

    const m = (await (await fetch(`${srv.url}/v1/model`)).json()) as any;
    expect(m).toMatchObject({ file: 'model.pt', device: 'cpu', architecture: 'm1_bigger', max_curve_len: 299, vocabulary: { words: vocabulary.size } });
    expect(m.vocabulary.file).toBe('vocab.txt');
    // The model card next to the bundled model: what the demo page says about it.
    expect(m.card.title).toBe('Example model: m1_bigger trained on synthetic swipes');
    expect(m.card.summary).toMatch(/^examples\/model\.pt is a small swipe-decoding model .* on synthetic swipes only\./);
    // With the vocabulary under model scoring the beam proves its first word (certifyTop 1, the default).
    expect(m.decoding).toEqual({ generator: 'beam', beamSize: 6, normalizationFactor: 0.5, maxSteps: 35, returnHypotheses: null, certifyTop: 1 });
    expect(m.limits).toMatchObject({ max_batch_size: 8, max_wait_ms: 5, concurrent_batches: 2, workers: 2, max_beam_size: 16 });

    const page = await fetch(`${srv.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('<svg id="keyboard"');
    expect(html).toContain('src="app.js"');
    const js = await fetch(`${srv.url}/app.js`);
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await js.text()).toContain("fetch('v1/decode'");
  });

  it('unknown routes get 404 and wrong methods 405, as JSON', async () => {
    const r = await fetch(`${srv.url}/v2/decode`);
    expect(r.status).toBe(404);
    expect(((await r.json()) as any).error.message).toMatch(/no such route: GET \/v2\/decode/);
    const w = await fetch(`${srv.url}/v1/decode`);
    expect(w.status).toBe(405);
    expect(w.headers.get('allow')).toBe('POST');
    const w2 = await fetch(`${srv.url}/v1/grids`, { method: 'DELETE' });
    expect(w2.status).toBe(405);
  });
});

describe('POST /v1/decode', () => {
  it('concurrent single-swipe requests are batched and give the CLI’s offline decode of the same swipes (same words and order, scores within 1e-5)', async () => {
    // The offline decode: `neuroswipe decode` on a file of the same swipes, beam 6 + vocabulary.
    const data = join(dir, 'swipes.jsonl');
    writeFileSync(data, swipes.map((s) => JSON.stringify({ curve: apiSwipe(s) })).join('\n') + '\n');
    const out = join(dir, 'offline.jsonl');
    // Run asynchronously: the server lives in this process and must keep its event loop.
    await promisify(execFile)(process.execPath, [BIN, 'decode', '--model', EXAMPLE_MODEL, '--data', data, '--vocab', EXAMPLE_VOCAB, '--use-vocab', '--beam-size', '6', '--device', 'cpu', '--out', out]);
    const offline = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l).candidates as [number, string][]);
    expect(offline).toHaveLength(N);

    const before = histogramMean(await (await fetch(`${srv.url}/metrics`)).text(), 'neuroswipe_batch_swipes');
    const answers = await Promise.all(swipes.map((s) => post(`${srv.url}/v1/decode`, apiSwipe(s))));
    for (const a of answers) expect(a.status, JSON.stringify(a.body)).toBe(200);
    expect(sameCandidates(answers.map((a) => a.body.candidates), offline)).toBeNull();
    for (const a of answers) {
      expect(a.body.grid_name).toBe('default');
      expect(a.body.timings.decode_ms).toBeGreaterThan(0);
      expect(a.body.timings.total_ms).toBeGreaterThanOrEqual(a.body.timings.decode_ms);
      expect(a.body.timings.batch_size).toBeGreaterThanOrEqual(1);
      expect(a.body.timings.batch_size).toBeLessThanOrEqual(8);
      for (const [, w] of a.body.candidates) expect(words).toContain(w);
    }
    // Several requests shared a batch.
    expect(Math.max(...answers.map((a) => a.body.timings.batch_size))).toBeGreaterThan(1);
    const after = histogramMean(await (await fetch(`${srv.url}/metrics`)).text(), 'neuroswipe_batch_swipes');
    const batches = after.count - (before.count || 0);
    expect(batches).toBeGreaterThan(0);
    expect(batches).toBeLessThan(N);
  });

  it('{swipes: [...]} decodes several swipes in order, equal to the library decoder', async () => {
    const some = swipes.slice(0, 5);
    const a = await post(`${srv.url}/v1/decode`, { swipes: some.map(apiSwipe) });
    expect(a.status, JSON.stringify(a.body)).toBe(200);
    const d = await Decoder.create(model, { decoding: { generator: 'beam', beamSize: 6 }, vocabulary });
    const { rows } = await d.decode(some);
    // One request is one batch, as in the library call: bit-identical.
    expect(a.body.results.map((x: { candidates: unknown }) => x.candidates)).toEqual(rows.map((x) => x.candidates));
    expect(a.body.results.every((x: { grid_name: string }) => x.grid_name === 'default')).toBe(true);
  });

  it('per-request decoding options are applied within the server’s limits', async () => {
    const s = at(swipes, 3);
    const a = await post(`${srv.url}/v1/decode`, { ...apiSwipe(s), decoding: { beamSize: 3, returnHypotheses: 2 } });
    expect(a.status, JSON.stringify(a.body)).toBe(200);
    const d = await Decoder.create(model, { decoding: { generator: 'beam', beamSize: 3, returnHypotheses: 2 }, vocabulary });
    expect(a.body.candidates).toEqual(at((await d.decode([s])).rows, 0).candidates);
    expect(a.body.candidates).toHaveLength(2);

    const g = await post(`${srv.url}/v1/decode`, { ...apiSwipe(s), decoding: { generator: 'greedy' } });
    expect(g.status, JSON.stringify(g.body)).toBe(200);
    const dg = await Decoder.create(model, { decoding: { generator: 'greedy' }, vocabulary });
    expect(g.body.candidates).toEqual(at((await dg.decode([s])).rows, 0).candidates);

    const big = await post(`${srv.url}/v1/decode`, { ...apiSwipe(s), decoding: { beamSize: 17 } });
    expect(big.status).toBe(400);
    expect(big.body.error).toEqual({ status: 400, field: 'decoding.beamSize', message: "decoding.beamSize: expected an integer in 1..16 (the server's --max-beam-size), got 17" });
    const frac = await post(`${srv.url}/v1/decode`, { ...apiSwipe(s), decoding: { beamSize: 2.5 } });
    expect(frac.body.error).toMatchObject({ field: 'decoding.beamSize', message: 'decoding.beamSize: expected an integer in 1..35, got 2.5' });
    const steps = await post(`${srv.url}/v1/decode`, { ...apiSwipe(s), decoding: { maxSteps: 99 } });
    expect(steps.body.error).toMatchObject({ field: 'decoding.maxSteps', message: 'decoding.maxSteps: expected an integer in 1..35, got 99' });
    const unknown = await post(`${srv.url}/v1/decode`, { ...apiSwipe(s), decoding: { batchSize: 4 } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.field).toBe('decoding.batchSize');
    const greedyBeam = await post(`${srv.url}/v1/decode`, { ...apiSwipe(s), decoding: { generator: 'greedy', beamSize: 2 } });
    expect(greedyBeam.body.error).toMatchObject({ status: 400, field: 'decoding.beamSize' });
    expect(greedyBeam.body.error.message).toMatch(/not an option of generator greedy/);
  });

  it('a request’s vocabScoring (either naming) decodes as the library does with that scoring', async () => {
    const some = swipes.slice(0, 3).map(apiSwipe);
    const asLibrary = async (vocabScoring: 'model' | 'seed') => {
      const d = await Decoder.create(model, { decoding: { generator: 'beam', beamSize: 6 }, vocabulary, vocabScoring, batchSize: 16, workers: 1 });
      return (await d.decode(swipes.slice(0, 3))).rows.map((r) => r.candidates);
    };
    const camel = await post(`${srv.url}/v1/decode`, { swipes: some, decoding: { vocabScoring: 'seed' } });
    expect(camel.status, JSON.stringify(camel.body)).toBe(200);
    const snake = await post(`${srv.url}/v1/decode`, { swipes: some, decoding: { vocab_scoring: 'seed' } });
    expect(snake.status, JSON.stringify(snake.body)).toBe(200);
    const served = camel.body.results.map((r: { candidates: unknown }) => r.candidates);
    expect(snake.body.results.map((r: { candidates: unknown }) => r.candidates)).toEqual(served);
    expect(sameCandidates(served, await asLibrary('seed'))).toBeNull();
    // The other scoring (the default, model) gives other scores: the option reached the search.
    const plain = await post(`${srv.url}/v1/decode`, { swipes: some });
    expect(sameCandidates(plain.body.results.map((r: { candidates: unknown }) => r.candidates), await asLibrary('model'))).toBeNull();
    expect(JSON.stringify(plain.body.results)).not.toBe(JSON.stringify(camel.body.results));
    const bad = await post(`${srv.url}/v1/decode`, { ...some[0], decoding: { vocabScoring: 'plain' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toEqual({ status: 400, field: 'decoding.vocabScoring', message: `decoding.vocabScoring: expected 'model' or 'seed', got "plain"` });
    const twice = await post(`${srv.url}/v1/decode`, { ...some[0], decoding: { vocabScoring: 'model', vocab_scoring: 'seed' } });
    expect(twice.body.error).toMatchObject({ status: 400, field: 'decoding.vocab_scoring' });
  });

  it('an inline grid equal to a known one decodes as that grid; another layout decodes on its own keys', async () => {
    const s = at(swipes, 1);
    const grids = loadGrids();
    const named = await post(`${srv.url}/v1/decode`, apiSwipe(s));
    const { grid_name: _, ...rest } = apiSwipe(s);
    const inline = await post(`${srv.url}/v1/decode`, { ...rest, grid: grids.default });
    expect(inline.status, JSON.stringify(inline.body)).toBe(200);
    expect(inline.body.candidates).toEqual(named.body.candidates);
    const moved = { ...grids.default, grid_name: 'my-layout', keys: own(grids, 'default').keys.map((k) => ({ ...k, hitbox: { ...k.hitbox, y: k.hitbox.y + 40 } })) };
    const other = await post(`${srv.url}/v1/decode`, { ...rest, grid: moved });
    expect(other.status, JSON.stringify(other.body)).toBe(200);
    expect(other.body.grid_name).toBe('my-layout');
    expect(other.body.candidates.length).toBeGreaterThan(0);
  });
});

describe('bad input gets 400 naming the field, in the data reader’s words', () => {
  const cases: [string, () => unknown, string, RegExp | string][] = [
    ['malformed JSON', () => '{"x": [1, 2', '(body)', /^\(body\): invalid JSON: /],
    ['NaN (not JSON)', () => '{"x": [NaN], "y": [1], "t": [0], "grid_name": "default"}', '(body)', /^\(body\): invalid JSON: /],
    ['a number too large for a double', () => '{"x": [1e999, 2], "y": [1, 2], "t": [0, 5], "grid_name": "default"}', 'x[0]', 'x[0]: non-finite number Infinity'],
    ['an array body', () => [1, 2], '(body)', /^\(body\): expected a JSON object/],
    ['x of the wrong type', () => ({ ...apiSwipe(at(swipes, 0)), x: 'abc' }), 'x', 'x: expected an array of integers, got string'],
    ['a string point', () => ({ ...apiSwipe(at(swipes, 0)), y: [1, '2', 3] }), 'y[1]', 'y[1]: expected an integer, got "2"'],
    ['a fractional point', () => ({ ...apiSwipe(at(swipes, 0)), t: [0, 1.5] }), 't[1]', 't[1]: expected an integer, got 1.5'],
    ['a point outside int16', () => ({ ...apiSwipe(at(swipes, 0)), x: [40000, ...apiSwipe(at(swipes, 0)).x.slice(1)] }), 'x[0]', 'x[0]: 40000 is outside the int16 range -32768..32767'],
    ['missing t', () => ({ x: [1, 2], y: [1, 2], grid_name: 'default' }), 't', 't: missing'],
    ['lengths that differ', () => ({ x: [1, 2, 3], y: [1, 2], t: [0, 1, 2], grid_name: 'default' }), 'y', 'y: has 2 points but x has 3'],
    ['an empty swipe', () => ({ x: [], y: [], t: [], grid_name: 'default' }), 'x', 'x: empty curve (no points)'],
    ['an unknown grid', () => ({ ...apiSwipe(at(swipes, 0)), grid_name: 'dvorak' }), 'grid_name', 'grid_name: unknown grid name "dvorak" (known: default, extra, qwerty)'],
    ['no grid', () => ({ x: [1], y: [1], t: [0] }), 'grid_name', 'grid_name: missing (the swipe has neither grid nor grid_name)'],
    ['too many points', () => ({ x: Array(300).fill(5), y: Array(300).fill(5), t: Array.from({ length: 300 }, (_, i) => i), grid_name: 'default' }), 'x', 'x: 300 points, but the model accepts at most 299 (max_curve_len)'],
    ['an unknown field', () => ({ ...apiSwipe(at(swipes, 0)), pressure: [1] }), 'pressure', /^pressure: unknown field/],
    ['a bad inline grid', () => ({ x: [1], y: [1], t: [0], grid: { width: 10, height: 10, grid_name: 'g', keys: [{ label: 'а', hitbox: { x: 0, y: 0, w: 'wide', h: 5 } }] } }), 'grid.keys[0].hitbox.w', 'grid.keys[0].hitbox.w: expected an integer, got "wide"'],
    ['swipes not an array', () => ({ swipes: { x: [1] } }), 'swipes', /^swipes: expected an array of swipes/],
    ['an empty swipes list', () => ({ swipes: [] }), 'swipes', 'swipes: empty (no swipe to decode)'],
    ['too many swipes', () => ({ swipes: Array(65).fill(apiSwipe(at(swipes, 0))) }), 'swipes', 'swipes: 65 swipes, but the server takes at most 64 per request'],
    ['a bad point in the second swipe', () => ({ swipes: [apiSwipe(at(swipes, 0)), { ...apiSwipe(at(swipes, 1)), x: [1, null] }] }), 'swipes[1].x[1]', 'swipes[1].x[1]: expected an integer, got null'],
    ['a swipe that is not an object', () => ({ swipes: [apiSwipe(at(swipes, 0)), 7] }), 'swipes[1]', /^swipes\[1\]: expected a swipe object/],
    ['decoding not an object', () => ({ ...apiSwipe(at(swipes, 0)), decoding: 6 }), 'decoding', /^decoding: expected an object/],
  ];
  for (const [what, body, field, message] of cases) {
    it(what, async () => {
      const a = await post(`${srv.url}/v1/decode`, body());
      expect(a.status, JSON.stringify(a.body)).toBe(400);
      expect(a.headers.get('content-type')).toMatch(/^application\/json/);
      expect(a.body.error.field).toBe(field);
      if (typeof message === 'string') expect(a.body.error.message).toBe(message);
      else expect(a.body.error.message).toMatch(message);
    });
  }

  it('a body over the limit gets 413, a non-JSON content type 415; the server keeps serving', async () => {
    const big = await post(`${srv.url}/v1/decode`, JSON.stringify({ x: Array(600_000).fill(1) }));
    expect(big.status).toBe(413);
    expect(big.body.error.field).toBe('(body)');
    const text = await post(`${srv.url}/v1/decode`, JSON.stringify(apiSwipe(at(swipes, 0))), { 'Content-Type': 'text/plain' });
    expect(text.status).toBe(415);
    const ok = await post(`${srv.url}/v1/decode`, apiSwipe(at(swipes, 0)));
    expect(ok.status).toBe(200);
  });
});

describe('limits', () => {
  it('a full queue answers 503 with Retry-After', async () => {
    // A long wait holds the first requests in the queue, so the queue bound is what decides.
    const s = await serveExample(model, vocabulary, { maxQueue: 3, maxBatchSize: 16, maxWaitMs: 1500, concurrentBatches: 1, startWhenIdle: false });
    try {
      const first = [0, 1, 2].map((i) => post(`${s.url}/v1/decode`, apiSwipe(at(swipes, i))));
      await new Promise((r) => setTimeout(r, 300));
      expect(s.batcher.queued).toBe(3);
      const refused = await post(`${s.url}/v1/decode`, apiSwipe(at(swipes, 3)));
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(refused.body.error.message).toBe('the decode queue is full (3 of 3 swipes waiting); retry later');
      const answered = await Promise.all(first);
      expect(answered.map((a) => a.status)).toEqual([200, 200, 200]);
      expect(answered.map((a) => a.body.timings.batch_size)).toEqual([3, 3, 3]);
      const metrics = await (await fetch(`${s.url}/metrics`)).text();
      expect(metrics).toMatch(/neuroswipe_http_requests_total\{route="\/v1\/decode",method="POST",status="503"\} 1/);
      expect(metrics).toMatch(/neuroswipe_queue_swipes 0/);
    } finally {
      await s.close();
    }
  });

  it('a request that waits past the timeout gets 503 and leaves the queue', async () => {
    const s = await serveExample(model, vocabulary, { requestTimeoutMs: 300, maxWaitMs: 5000, maxBatchSize: 16, concurrentBatches: 1, startWhenIdle: false });
    try {
      const t0 = performance.now();
      const a = await post(`${s.url}/v1/decode`, apiSwipe(at(swipes, 0)));
      expect(a.status).toBe(503);
      expect(a.body.error.message).toBe("the request took longer than 300 ms (the server's --request-timeout-ms)");
      expect(performance.now() - t0).toBeLessThan(3000);
      expect(s.batcher.queued).toBe(0);
    } finally {
      await s.close();
    }
  });

  it('a request that arrives while the server is idle starts at once, not after the batching wait', async () => {
    const s = await serveExample(model, vocabulary, { maxWaitMs: 5000, maxBatchSize: 16, concurrentBatches: 1 });
    try {
      const a = await post(`${s.url}/v1/decode`, apiSwipe(at(swipes, 0)));
      expect(a.status).toBe(200);
      expect(a.body.timings.batch_size).toBe(1);
      expect(a.body.timings.queue_ms).toBeLessThan(1000);
    } finally {
      await s.close();
    }
  });

  it('/metrics reports request counts, latency, batch sizes and queue depth', async () => {
    const text = await (await fetch(`${srv.url}/metrics`)).text();
    expect(text).toMatch(/^# TYPE neuroswipe_http_requests_total counter$/m);
    expect(text).toMatch(/^neuroswipe_http_requests_total\{route="\/v1\/decode",method="POST",status="200"\} \d+$/m);
    expect(text).toMatch(/^neuroswipe_http_requests_total\{route="\/v1\/decode",method="POST",status="400"\} \d+$/m);
    expect(text).toMatch(/^neuroswipe_http_request_duration_seconds_bucket\{le="0.01",route="\/v1\/decode"\} \d+$/m);
    expect(text).toMatch(/^neuroswipe_batch_swipes_bucket\{le="8"\} \d+$/m);
    expect(text).toMatch(/^neuroswipe_queue_swipes 0$/m);
    expect(text).toMatch(/^neuroswipe_swipes_decoded_total \d+$/m);
    expect(histogramMean(text, 'neuroswipe_batch_swipes').mean).toBeGreaterThan(1);
  });
});
