/**
 * The server's routes: `POST /v1/decode` (parse, route each swipe to its model, batch, answer), and the
 * fixed answers of `GET /v1/grids`, `GET /v1/model`, `GET /healthz` and `GET /metrics`.
 */
import { basename } from 'node:path';
import type { DecodedSwipe } from '../decode/decoder.js';
import type { GridMap } from '../keyboard/grid.js';
import { DrainingError, QueueFullError, type DynamicBatcher } from './batcher.js';
import type { DecoderCache, ServedModel } from './decoders.js';
import { readBody, type Handler, type Responder } from './http.js';
import type { ServeMetrics } from './metrics.js';
import { modelCard } from './model-card.js';
import { RequestError, parseRequestBody, type GridRegistry, type RequestLimits } from './request.js';

/** What the routes use. */
export interface RouteContext {
  cache: DecoderCache;
  registry: GridRegistry;
  limits: RequestLimits;
  batcher: DynamicBatcher;
  metrics: ServeMetrics;
  responder: Responder;
  maxBodyBytes: number;
  grids: GridMap;
  /** The server's settings shown by `GET /v1/model`. */
  settings: Record<string, number>;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** `POST /v1/decode`: each model's swipes are one batcher job; the answer keeps the request's order. */
function decodeRoute(c: RouteContext): Handler {
  return async (req, res, arrived, signal) => {
    const type = req.headers['content-type'];
    if (type !== undefined && !/^application\/json\b/i.test(type)) {
      throw new RequestError(415, '(body)', `(body): expected Content-Type application/json, got ${JSON.stringify(type)}`);
    }
    const raw = await readBody(req, c.maxBodyBytes);
    const parsed = parseRequestBody(raw.toString('utf8'), c.registry, c.limits);
    const groups = new Map<number, number[]>();
    parsed.swipes.forEach((s, i) => {
      const m = c.cache.route(s.gridName);
      const list = groups.get(m);
      if (list) list.push(i);
      else groups.set(m, [i]);
    });
    const jobs = await Promise.all([...groups].map(async ([m, ids]) => [ids, await c.cache.decoderFor(m, parsed.decoding)] as const));
    let results;
    try {
      results = await Promise.all(jobs.map(([ids, decoder]) => c.batcher.submit(decoder, ids.map((i) => parsed.swipes[i]!), signal)));
    } catch (err) {
      if (err instanceof QueueFullError || err instanceof DrainingError) throw new RequestError(503, null, err.message, 1);
      throw err;
    }
    const candidates = new Array<DecodedSwipe['candidates']>(parsed.swipes.length);
    jobs.forEach(([ids], j) => ids.forEach((i, k) => (candidates[i] = results[j]!.rows[k]!.candidates)));
    const timings = {
      queue_ms: round3(Math.max(...results.map((r) => r.queueMs))),
      decode_ms: round3(Math.max(...results.map((r) => r.decodeMs))),
      total_ms: round3(performance.now() - arrived),
      batch_size: Math.max(...results.map((r) => r.batchSize)),
    };
    const rows = candidates.map((cands, i) => ({ grid_name: parsed.clientGridNames[i], candidates: cands }));
    c.responder.send(res, 200, JSON.stringify(parsed.single ? { ...rows[0], timings } : { results: rows, timings }));
  };
}

/** What `GET /v1/model` says about a served model. */
function describe(c: RouteContext, s: ServedModel, i: number): Record<string, unknown> {
  const m = s.model.metadata;
  return {
    file: basename(s.model.path), device: s.model.device, precision: s.model.precision, architecture: m.architecture,
    grid_names: m.grid_names, max_curve_len: m.max_curve_len, max_token_len: m.max_token_len, n_classes: m.n_classes,
    d_model: m.d_model, char_tokens: m.char_tokens, transform: m.transform,
    vocabulary: s.vocabulary ? { words: s.vocabulary.size, file: basename(s.vocabulary.source) } : null,
    card: modelCard(s.model.path),
    decoding: c.cache.baseDecoder(i).decoding,
  };
}

/** Every route by path and method. */
export function apiRoutes(c: RouteContext): Record<string, Record<string, Handler>> {
  const served = c.cache.served;
  const modelGrids = [...new Set(served.flatMap((s) => s.model.metadata.grid_names))];
  const gridsBody = JSON.stringify({ grids: c.grids, model_grids: modelGrids });
  const first = served[0];
  const modelBody = JSON.stringify({ ...(first ? describe(c, first, 0) : {}), models: served.map((s, i) => describe(c, s, i)), limits: c.settings });
  const send = c.responder.send.bind(c.responder);
  return {
    '/v1/decode': { POST: decodeRoute(c) },
    '/v1/grids': { GET: (_q, res) => send(res, 200, gridsBody) },
    '/v1/model': { GET: (_q, res) => send(res, 200, modelBody) },
    '/healthz': {
      GET: (_q, res) => (c.responder.draining
        ? send(res, 503, JSON.stringify({ status: 'draining' }), undefined, { 'Retry-After': '1' })
        : send(res, 200, JSON.stringify({ status: 'ok', queued_swipes: c.batcher.queued, batches_in_flight: c.batcher.inFlight }))),
    },
    '/metrics': { GET: async (_q, res) => send(res, 200, await c.metrics.registry.metrics(), c.metrics.registry.contentType) },
  };
}
