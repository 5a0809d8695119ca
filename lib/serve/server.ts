/**
 * The decode server (`neuroswipe serve`): a JSON API over `node:http` in front of a {@link DynamicBatcher},
 * the demo page, health and Prometheus metrics.
 *
 * Routes: `POST /v1/decode`, `GET /v1/grids`, `GET /v1/model`, `GET /healthz`, `GET /metrics`, and the
 * demo page's static files under `/`. See docs/SERVE.md.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Decoder, type DecodedSwipe } from '../decode/decoder.js';
import type { DecodingInput } from '../decode/decoding.js';
import type { WordPrior } from '../decode/prior.js';
import { gridAlphabet, type GridMap } from '../keyboard/grid.js';
import type { Model } from '../model/model.js';
import type { Vocabulary } from '../vocabulary.js';
import { DrainingError, DynamicBatcher, QueueFullError } from './batcher.js';
import { ServeMetrics } from './metrics.js';
import { GridRegistry, RequestError, mergeDecoding, parseRequestBody, type RequestLimits } from './request.js';

/** The demo page's folder (plain ES modules, no build step). */
export const DEMO_DIR = fileURLToPath(new URL('../../web/demo/', import.meta.url));

/** A model's word-frequency prior: the frequencies and the fitted weights (`decoding.priorWeight`, `decoding.priorLength`). */
export interface ServedPrior {
  frequencies: WordPrior;
  weight: number;
  /** Default 0. */
  length?: number;
}

/** One more model a server decodes with, its vocabulary and its prior. */
export interface ServedModel {
  /** The loaded model (the server does not dispose it). */
  model: Model;
  /** Restrict this model's outputs to these words. Default none. */
  vocabulary?: Vocabulary | null;
  /** Rerank this model's candidates by word frequency (beam, beam-sync, exact, hybrid; not greedy). Default none. */
  prior?: ServedPrior | null;
}

/** Options of {@link startServer}. */
export interface ServeOptions {
  /** The loaded model (the server does not dispose it): the first model, see {@link models}. */
  model: Model;
  /** Grids requests may name (and the demo page draws). */
  grids: GridMap;
  /** Restrict the first model's outputs to these words. Default none. */
  vocabulary?: Vocabulary | null;
  /** The first model's word-frequency prior (see {@link ServedPrior}). Default none. */
  prior?: ServedPrior | null;
  /**
   * More models, one per keyboard (for example an English model for the `qwerty` grid beside a Russian one
   * for `default`). Each swipe is decoded by the first model (`model`, then these in order) whose
   * metadata `grid_names` lists its grid name; a swipe on another grid (an inline grid of a request, say)
   * goes to the first model with a grid of the same alphabet (a–z or Cyrillic), else to `model`. Default none.
   */
  models?: ServedModel[];
  /** The server's decoding options (`{ generator, ...that generator's options }`); requests may override within the limits. Default beam. */
  decoding?: DecodingInput;
  /** Address to bind. Default `127.0.0.1`. */
  host?: string;
  /** Port; 0 picks a free one. Default 8080. */
  port?: number;
  /** Most swipes in one decoded batch. Default 16. */
  maxBatchSize?: number;
  /** Longest wait (ms) to gather a batch. Default 2. */
  maxWaitMs?: number;
  /** Whether a request arriving at an idle server starts at once instead of waiting `maxWaitMs`. Default true. */
  startWhenIdle?: boolean;
  /** Most swipes waiting; beyond it requests get 503. Default 1024. */
  maxQueue?: number;
  /** Batches decoded at once (native searches in parallel). Default 1. */
  workers?: number;
  /** Time (ms) a request may take, body included, before it is answered 503. Default 10000. */
  requestTimeoutMs?: number;
  /** Largest request body in bytes. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Most swipes in one request. Default 64. */
  maxSwipesPerRequest?: number;
  /** Largest `decoding.beamSize` a request may ask for. Default 16. */
  maxBeamSize?: number;
  /**
   * Most distinct inline grids kept, least recently used evicted first (one used within the last
   * `requestTimeoutMs` is kept; a new grid is then answered 503). Default 256.
   */
  maxInlineGrids?: number;
  /** Use the built-in CPU decoder step (see `DecoderOptions.nativeStep`). Default true. */
  nativeStep?: boolean;
}

/** A running server. */
export interface RunningServer {
  /** `http://host:port`. */
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  readonly metrics: ServeMetrics;
  readonly batcher: DynamicBatcher;
  /**
   * Stops taking connections, finishes the requests in flight (their batches are decoded and answered),
   * then closes every connection. New requests meanwhile are answered 503.
   */
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
};

function loadStatic(dir: string): Map<string, { body: Buffer; type: string }> {
  const out = new Map<string, { body: Buffer; type: string }>();
  for (const name of readdirSync(dir)) {
    const type = CONTENT_TYPES[extname(name)];
    if (type === undefined) continue;
    const body = readFileSync(join(dir, name));
    out.set(`/${name}`, { body, type });
    if (name === 'index.html') out.set('/', { body, type });
  }
  return out;
}

const DECODER_CACHE = 32;

/**
 * What the page says about a model: the title and first paragraph of the `MODEL_CARD.md` next to the model
 * file (the bundled example has one), as plain text; null when there is none.
 */
export function modelCard(modelPath: string): { title: string; summary: string } | null {
  const path = join(dirname(modelPath), 'MODEL_CARD.md');
  if (!existsSync(path)) return null;
  const text = readFileSync(path, 'utf8');
  const plain = (md: string): string => md.replace(/`([^`]*)`/g, '$1').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/\s+/g, ' ').trim();
  const title = /^# (.+)$/m.exec(text)?.[1] ?? basename(modelPath);
  const paragraph = text.slice(text.indexOf(title) + title.length).split(/\n\s*\n/).map((p) => p.trim()).find((p) => p !== '' && !p.startsWith('#')) ?? '';
  return { title: plain(title), summary: plain(paragraph) };
}

/**
 * Loads the demo page and starts listening.
 * @throws Error when the address cannot be bound, or for bad server options (named)
 */
export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const model = opts.model;
  const meta = model.metadata;
  const int = (name: string, v: number | undefined, dflt: number, lo = 1): number => {
    const n = v ?? dflt;
    if (!Number.isInteger(n) || n < lo) throw new RangeError(`${name}: expected an integer ≥ ${lo}, got ${n}`);
    return n;
  };
  const maxBatchSize = int('maxBatchSize', opts.maxBatchSize, 16);
  const workers = int('workers', opts.workers, 1);
  const requestTimeoutMs = int('requestTimeoutMs', opts.requestTimeoutMs, 10_000);
  const maxBodyBytes = int('maxBodyBytes', opts.maxBodyBytes, 1 << 20);
  const limits: RequestLimits = {
    maxPoints: meta.max_curve_len,
    maxSwipes: int('maxSwipesPerRequest', opts.maxSwipesPerRequest, 64),
    maxBeamSize: int('maxBeamSize', opts.maxBeamSize, 16),
    maxInlineGrids: int('maxInlineGrids', opts.maxInlineGrids, 256),
  };
  const served: ServedModel[] = [{ model, vocabulary: opts.vocabulary ?? null, prior: opts.prior ?? null }, ...(opts.models ?? [])];
  for (const [i, s] of served.entries()) {
    if (i > 0 && served.findIndex((o) => o.model === s.model) !== i) throw new TypeError(`models[${i - 1}]: the model ${s.model.path} is given twice`);
    limits.maxPoints = Math.min(limits.maxPoints, s.model.metadata.max_curve_len);
  }
  const registry = new GridRegistry(opts.grids, limits.maxInlineGrids, requestTimeoutMs);
  // Options from flags and requests are checked at run time by Decoder.create (resolveDecodingOptions).
  const baseDecoding: DecodingInput = opts.decoding ?? { generator: 'beam' };
  // Each batch is one native search with at most 16 swipes in flight (as `decode` on the CPU); a larger
  // batch refills the search's slots as swipes finish (continuous batching) instead of leaving them idle.
  const decoderOptions = (i: number) => {
    const prior = served[i]?.prior ?? null;
    return { grids: registry.grids, vocabulary: served[i]?.vocabulary ?? null, ...(prior ? { prior: prior.frequencies } : {}), batchSize: Math.min(maxBatchSize, 16), workers: 1, nativeStep: opts.nativeStep ?? true };
  };
  /** A model's decoding options: the server's (or a request's), plus the model's prior weights. */
  const withPrior = (i: number, decoding: DecodingInput): DecodingInput => {
    const prior = served[i]?.prior ?? null;
    if (prior === null || decoding.generator === 'greedy') return decoding;
    return { ...decoding, priorWeight: prior.weight, priorLength: prior.length ?? 0 };
  };
  // The server's own options are checked now, so a bad flag fails at start rather than on every request.
  const baseDecoders: Decoder[] = [];
  for (const [i, s] of served.entries()) baseDecoders.push(await Decoder.create(s.model, { ...decoderOptions(i), decoding: withPrior(i, baseDecoding) }));
  const baseDecoder = baseDecoders[0]!;
  if ('beamSize' in baseDecoder.decoding && baseDecoder.decoding.beamSize > limits.maxBeamSize) {
    throw new RangeError(`decoding.beamSize: ${baseDecoder.decoding.beamSize} is above maxBeamSize ${limits.maxBeamSize}`);
  }
  const routeCache = new Map<string, number>();
  /** Index into `served` of the model that decodes swipes on the grid registered as `key`. */
  const route = (key: string): number => {
    let i = routeCache.get(key);
    if (i !== undefined) return i;
    const grid = registry.grids[key];
    const name = grid?.grid_name ?? key;
    i = served.findIndex((s) => s.model.metadata.grid_names.includes(name));
    if (i < 0 && grid !== undefined) {
      const alphabet = gridAlphabet(grid);
      i = served.findIndex((s) => s.model.metadata.grid_names.some((g) => {
        const own = registry.grids[g];
        return own !== undefined && gridAlphabet(own) === alphabet;
      }));
    }
    if (i < 0) i = 0;
    if (routeCache.size < 4096) routeCache.set(key, i);
    return i;
  };
  const decoders = new Map<string, Decoder>(baseDecoders.map((d, i) => [`${i}:${JSON.stringify(d.decoding)}`, d]));
  // An evicted inline grid's features context and route go with it (the table stays bounded in memory too).
  registry.onEvict = (key) => {
    routeCache.delete(key);
    for (const d of decoders.values()) d.forgetGrid(key);
  };
  const decoderFor = async (m: number, request: Record<string, unknown> | null): Promise<Decoder> => {
    const base = baseDecoders[m]!;
    if (request === null) return base;
    const merged = mergeDecoding(baseDecoding, request, limits) as DecodingInput;
    let d: Decoder;
    try {
      d = await Decoder.create(served[m]!.model, { ...decoderOptions(m), decoding: withPrior(m, merged) });
    } catch (err) {
      const msg = (err as Error).message;
      const m = /^(decoding(?:\.\w+)?): /.exec(msg);
      if ((err instanceof TypeError || err instanceof RangeError) && m) throw new RequestError(400, m[1] ?? null, msg);
      throw err;
    }
    const key = `${m}:${JSON.stringify(d.decoding)}`;
    const cached = decoders.get(key);
    if (cached) return cached;
    if (decoders.size >= DECODER_CACHE + baseDecoders.length) {
      // Drop the oldest option set other than the server's own (Map keeps insertion order).
      for (const k of decoders.keys()) {
        if (!baseDecoders.includes(decoders.get(k)!)) {
          decoders.delete(k);
          break;
        }
      }
    }
    decoders.set(key, d);
    return d;
  };

  const batcherRef: { current?: DynamicBatcher } = {};
  const metrics = new ServeMetrics(() => batcherRef.current?.inFlight ?? 0);
  const batcher = new DynamicBatcher({
    maxBatchSize,
    maxWaitMs: opts.maxWaitMs ?? 2,
    ...(opts.startWhenIdle === undefined ? {} : { startWhenIdle: opts.startWhenIdle }),
    maxQueue: int('maxQueue', opts.maxQueue, 1024),
    concurrency: workers,
    onBatch: ({ swipes, requests, seconds, failed }) => {
      metrics.batchSize.observe(swipes);
      metrics.batchRequests.observe(requests);
      metrics.batchSeconds.observe(seconds);
      if (!failed) metrics.swipes.inc(swipes);
    },
    onQueueDepth: (n) => metrics.queueDepth.set(n),
  });
  batcherRef.current = batcher;

  const files = loadStatic(DEMO_DIR);
  const modelGrids = [...new Set(served.flatMap((s) => s.model.metadata.grid_names))];
  const gridsBody = JSON.stringify({ grids: opts.grids, model_grids: modelGrids });
  const describe = (s: ServedModel, i: number): Record<string, unknown> => {
    const m = s.model.metadata;
    return {
      file: basename(s.model.path),
      device: s.model.device,
      precision: s.model.precision,
      architecture: m.architecture,
      grid_names: m.grid_names,
      max_curve_len: m.max_curve_len,
      max_token_len: m.max_token_len,
      n_classes: m.n_classes,
      d_model: m.d_model,
      char_tokens: m.char_tokens,
      transform: m.transform,
      vocabulary: s.vocabulary ? { words: s.vocabulary.size, file: basename(s.vocabulary.source) } : null,
      card: modelCard(s.model.path),
      decoding: baseDecoders[i]!.decoding,
    };
  };
  const modelBody = JSON.stringify({
    ...describe(served[0]!, 0),
    models: served.map(describe),
    limits: {
      max_points: limits.maxPoints, max_swipes_per_request: limits.maxSwipes, max_beam_size: limits.maxBeamSize,
      max_batch_size: maxBatchSize, max_wait_ms: opts.maxWaitMs ?? 2, max_queue: opts.maxQueue ?? 1024,
      workers, request_timeout_ms: requestTimeoutMs, max_body_bytes: maxBodyBytes,
    },
  });

  let draining = false;
  let active = 0;
  let onQuiet: (() => void) | null = null;

  const send = (res: ServerResponse, status: number, body: string | Buffer, type = 'application/json; charset=utf-8', headers: Record<string, string> = {}): void => {
    if (res.headersSent || res.destroyed) return;
    const h: Record<string, string | number> = { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', ...headers };
    if (draining) h.Connection = 'close';
    res.writeHead(status, h);
    res.end(body);
  };
  const sendError = (res: ServerResponse, err: RequestError): void => {
    const headers: Record<string, string> = {};
    if (err.retryAfter !== null) headers['Retry-After'] = String(err.retryAfter);
    send(res, err.status, JSON.stringify({ error: { status: err.status, field: err.field, message: err.message } }), undefined, headers);
  };

  // An over-limit body is still read (and dropped) up to this many bytes before the 413 goes out: a client
  // that is still sending would otherwise get EPIPE or a reset instead of the answer. A larger body is
  // answered at once and its connection closed.
  const drainBytes = Math.max(4 * maxBodyBytes, 8 << 20);
  const readBody = (req: IncomingMessage): Promise<Buffer> =>
    new Promise((resolve, reject) => {
      const declared = Number(req.headers['content-length']);
      const tooLarge = (): RequestError =>
        Number.isFinite(declared) && declared > maxBodyBytes
          ? new RequestError(413, '(body)', `(body): ${declared} bytes, but the server takes at most ${maxBodyBytes}`)
          : new RequestError(413, '(body)', `(body): more than ${maxBodyBytes} bytes, the most the server takes`);
      if (Number.isFinite(declared) && declared > drainBytes) {
        reject(tooLarge());
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      let done = false;
      let over = Number.isFinite(declared) && declared > maxBodyBytes;
      req.on('data', (c: Buffer) => {
        if (done) return;
        size += c.length;
        if (size > maxBodyBytes && !over) {
          over = true;
          chunks.length = 0;
        }
        if (over) {
          if (size > drainBytes) {
            done = true;
            reject(tooLarge());
          }
          return;
        }
        chunks.push(c);
      });
      req.on('end', () => {
        if (!done) {
          done = true;
          if (over) reject(tooLarge());
          else resolve(Buffer.concat(chunks));
        }
      });
      req.on('error', (e) => {
        if (!done) {
          done = true;
          reject(e);
        }
      });
    });

  const decodeRoute = async (req: IncomingMessage, res: ServerResponse, arrived: number, signal: AbortSignal): Promise<void> => {
    const type = req.headers['content-type'];
    if (type !== undefined && !/^application\/json\b/i.test(type)) {
      throw new RequestError(415, '(body)', `(body): expected Content-Type application/json, got ${JSON.stringify(type)}`);
    }
    const raw = await readBody(req);
    const parsed = parseRequestBody(raw.toString('utf8'), registry, limits);
    // The swipes of each model, in request order; one batcher job per model.
    const groups = new Map<number, number[]>();
    parsed.swipes.forEach((s, i) => {
      const m = route(s.gridName);
      const list = groups.get(m);
      if (list) list.push(i);
      else groups.set(m, [i]);
    });
    const jobs = await Promise.all([...groups].map(async ([m, ids]) => [ids, await decoderFor(m, parsed.decoding)] as const));
    let results;
    try {
      results = await Promise.all(jobs.map(([ids, decoder]) => batcher.submit(decoder, ids.map((i) => parsed.swipes[i]!), signal)));
    } catch (err) {
      if (err instanceof QueueFullError) throw new RequestError(503, null, err.message, 1);
      if (err instanceof DrainingError) throw new RequestError(503, null, err.message, 1);
      throw err;
    }
    const candidates: DecodedSwipe['candidates'][] = new Array<DecodedSwipe['candidates']>(parsed.swipes.length);
    jobs.forEach(([ids], j) => ids.forEach((i, k) => (candidates[i] = results[j]!.rows[k]!.candidates)));
    const result = {
      queueMs: Math.max(...results.map((r) => r.queueMs)),
      decodeMs: Math.max(...results.map((r) => r.decodeMs)),
      batchSize: Math.max(...results.map((r) => r.batchSize)),
    };
    const totalMs = performance.now() - arrived;
    const timings = { queue_ms: round3(result.queueMs), decode_ms: round3(result.decodeMs), total_ms: round3(totalMs), batch_size: result.batchSize };
    const rows = candidates.map((c, i) => ({ grid_name: parsed.clientGridNames[i], candidates: c }));
    const out = parsed.single ? { ...rows[0], timings } : { results: rows, timings };
    send(res, 200, JSON.stringify(out));
  };

  const routes: Record<string, Record<string, (req: IncomingMessage, res: ServerResponse, arrived: number, signal: AbortSignal) => Promise<void> | void>> = {
    '/v1/decode': { POST: decodeRoute },
    '/v1/grids': { GET: (_q, res) => send(res, 200, gridsBody) },
    '/v1/model': { GET: (_q, res) => send(res, 200, modelBody) },
    '/healthz': {
      GET: (_q, res) => (draining
        ? send(res, 503, JSON.stringify({ status: 'draining' }), undefined, { 'Retry-After': '1' })
        : send(res, 200, JSON.stringify({ status: 'ok', queued_swipes: batcher.queued, batches_in_flight: batcher.inFlight }))),
    },
    '/metrics': {
      GET: async (_q, res) => send(res, 200, await metrics.registry.metrics(), metrics.registry.contentType),
    },
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const arrived = performance.now();
    active++;
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const staticFile = files.get(path);
    const route = routes[path] ?? (staticFile ? { GET: (_q: IncomingMessage, r: ServerResponse) => send(r, 200, staticFile.body, staticFile.type) } : undefined);
    const label = routes[path] ? path : staticFile ? 'static' : 'other';
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new RequestError(503, null, `the request took longer than ${requestTimeoutMs} ms (the server's --request-timeout-ms)`, 1)), requestTimeoutMs);
    // A client that goes away before its answer leaves the queue too.
    res.once('close', () => {
      if (!res.writableFinished) controller.abort(new RequestError(499, null, 'the client closed the connection'));
    });
    try {
      if (!route) throw new RequestError(404, null, `no such route: ${req.method} ${path} (routes: POST /v1/decode, GET /v1/grids, GET /v1/model, GET /healthz, GET /metrics, GET /)`);
      const method = req.method === 'HEAD' ? 'GET' : (req.method ?? '');
      const h = route[method];
      if (!h) {
        res.setHeader('Allow', Object.keys(route).join(', '));
        throw new RequestError(405, null, `${req.method} ${path}: method not allowed (use ${Object.keys(route).join(', ')})`);
      }
      if (draining && path === '/v1/decode') throw new RequestError(503, null, 'the server is shutting down', 1);
      const aborted = new Promise<never>((_, reject) => controller.signal.addEventListener('abort', () => reject(controller.signal.reason as Error), { once: true }));
      aborted.catch(() => undefined);
      await Promise.race([h(req, res, arrived, controller.signal), aborted]);
    } catch (err) {
      if (err instanceof RequestError) {
        if (err.status === 413) {
          // The body was read (up to the drain bound) before this answer; the connection closes after it.
          // One still unread past the bound is not read: answer, then close.
          res.setHeader('Connection', 'close');
          if (!req.complete) res.once('finish', () => req.destroy());
        }
        sendError(res, err);
      } else {
        process.stderr.write(`neuroswipe serve: ${req.method} ${path}: ${(err as Error).stack ?? String(err)}\n`);
        sendError(res, new RequestError(500, null, `internal error: ${(err as Error).message}`));
      }
    } finally {
      clearTimeout(timer);
      if (!res.headersSent) sendError(res, new RequestError(500, null, 'internal error: no answer'));
      metrics.requests.inc({ route: label, method: req.method ?? '', status: String(res.statusCode) });
      const done = (): void => {
        metrics.latency.observe({ route: label }, (performance.now() - arrived) / 1000);
        active--;
        if (active === 0 && onQuiet) onQuiet();
      };
      if (res.writableFinished) done();
      else res.once('close', done);
    }
  };

  const server = createServer({ requestTimeout: requestTimeoutMs, headersTimeout: Math.min(requestTimeoutMs, 60_000), keepAliveTimeout: 5_000 }, (req, res) => {
    void handle(req, res);
  });
  server.on('clientError', (err, socket) => {
    if (socket.writable) {
      const body = JSON.stringify({ error: { status: 400, field: null, message: `bad HTTP request: ${err.message}` } });
      socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    } else {
      socket.destroy();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 8080, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      draining = true;
      const stopped = new Promise<void>((r) => server.close(() => r()));
      server.closeIdleConnections();
      await batcher.drain();
      if (active > 0) await new Promise<void>((r) => (onQuiet = r));
      server.closeAllConnections();
      await stopped;
    })();
    return closing;
  };
  return { url: `http://${host}:${addr.port}`, port: addr.port, server, metrics, batcher, close };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
