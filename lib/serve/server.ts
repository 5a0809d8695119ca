/**
 * The decode server (`neuroswipe serve`): a JSON API over `node:http` in front of a {@link DynamicBatcher},
 * the demo page, health and Prometheus metrics.
 *
 * Routes: `POST /v1/decode`, `GET /v1/grids`, `GET /v1/model`, `GET /healthz`, `GET /metrics`, and the
 * demo page's static files under `/`. See docs/SERVE.md.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DecodingInput } from '../decode/decoding.js';
import type { GridMap } from '../keyboard/grid.js';
import type { Model } from '../model/model.js';
import type { Vocabulary } from '../vocabulary.js';
import { DynamicBatcher } from './batcher.js';
import { DecoderCache, type ServedModel, type ServedPrior } from './decoders.js';
import { Responder, createRouter } from './http.js';
import { ServeMetrics } from './metrics.js';
import { DEMO_DIR, loadStatic } from './model-card.js';
import { GridRegistry, type RequestLimits } from './request.js';
import { apiRoutes } from './routes.js';
import { checkEngineValue } from '../options/engine.js';
import { vocabularyOptionsOf } from '../options/vocabulary-options.js';
import type { VocabularyOptions } from '../options/schema.js';

export { DEMO_DIR, modelCard } from './model-card.js';
export type { ServedModel, ServedPrior } from './decoders.js';

/**
 * Options of {@link startServer}. The options of the vocabulary's use (`vocabScoring`, as
 * `DecoderOptions.vocabScoring`) apply to the models with a vocabulary; requests may override them.
 */
export interface ServeOptions extends VocabularyOptions {
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
  /**
   * Batches of requests decoded at once, each one native search on its own libuv thread (each search runs
   * its batch alone: `DecoderOptions.workers` is 1 in a server). Default 1.
   */
  concurrentBatches?: number;
  /** @deprecated the earlier name of {@link ServeOptions.concurrentBatches}, still read (with a warning) when that is absent. */
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

/** The server's numeric settings, checked: every one an integer ≥ 1. */
function settingsOf(opts: ServeOptions): { limits: RequestLimits; maxBatchSize: number; concurrentBatches: number; requestTimeoutMs: number; maxBodyBytes: number; maxQueue: number; maxWaitMs: number; startWhenIdle: boolean } {
  const int = (name: string, v: number | undefined, dflt: number): number => {
    const n = v ?? dflt;
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`${name}: expected an integer ≥ 1, got ${n}`);
    return n;
  };
  const limits: RequestLimits = {
    maxPoints: opts.model.metadata.max_curve_len,
    maxSwipes: int('maxSwipesPerRequest', opts.maxSwipesPerRequest, 64),
    maxBeamSize: int('maxBeamSize', opts.maxBeamSize, 16),
    maxInlineGrids: int('maxInlineGrids', opts.maxInlineGrids, 256),
  };
  return {
    limits, maxBatchSize: int('maxBatchSize', opts.maxBatchSize, 16), concurrentBatches: concurrentBatchesOf(opts),
    requestTimeoutMs: int('requestTimeoutMs', opts.requestTimeoutMs, 10_000), maxBodyBytes: int('maxBodyBytes', opts.maxBodyBytes, 1 << 20),
    maxQueue: int('maxQueue', opts.maxQueue, 1024), maxWaitMs: opts.maxWaitMs ?? 2, startWhenIdle: opts.startWhenIdle ?? true,
  };
}

/** {@link ServeOptions.concurrentBatches}, checked, or its earlier name `workers` with a deprecation warning. */
function concurrentBatchesOf(opts: ServeOptions): number {
  if (opts.concurrentBatches === undefined && opts.workers !== undefined) {
    process.emitWarning('startServer: workers is deprecated: use concurrentBatches (the same value)', 'DeprecationWarning');
    return checkEngineValue('concurrentBatches', opts.workers, 'workers');
  }
  return checkEngineValue('concurrentBatches', opts.concurrentBatches ?? 1);
}

/** The served models, the first one first; the longest swipe is the shortest of their limits. */
function servedModels(opts: ServeOptions, limits: RequestLimits): ServedModel[] {
  const served: ServedModel[] = [{ model: opts.model, vocabulary: opts.vocabulary ?? null, prior: opts.prior ?? null }, ...(opts.models ?? [])];
  for (const [i, s] of served.entries()) {
    if (i > 0 && served.findIndex((o) => o.model === s.model) !== i) throw new TypeError(`models[${i - 1}]: the model ${s.model.path} is given twice`);
    limits.maxPoints = Math.min(limits.maxPoints, s.model.metadata.max_curve_len);
  }
  return served;
}

/** The batcher of every decode request, with its metrics. */
function createBatcher(s: ReturnType<typeof settingsOf>): { batcher: DynamicBatcher; metrics: ServeMetrics } {
  const ref: { current?: DynamicBatcher } = {};
  const metrics = new ServeMetrics(() => ref.current?.inFlight ?? 0);
  ref.current = new DynamicBatcher({
    maxBatchSize: s.maxBatchSize, maxWaitMs: s.maxWaitMs, startWhenIdle: s.startWhenIdle, maxQueue: s.maxQueue, concurrency: s.concurrentBatches,
    onBatch: ({ swipes, requests, seconds, failed }) => {
      metrics.batchSize.observe(swipes);
      metrics.batchRequests.observe(requests);
      metrics.batchSeconds.observe(seconds);
      if (!failed) metrics.swipes.inc(swipes);
    },
    onQueueDepth: (n) => metrics.queueDepth.set(n),
  });
  return { batcher: ref.current, metrics };
}

/** Binds `server` to the address, answering malformed HTTP with a JSON 400. */
async function listen(server: Server, host: string, port: number): Promise<string> {
  server.on('clientError', (err, socket) => {
    if (!socket.writable) return void socket.destroy();
    const body = JSON.stringify({ error: { status: 400, field: null, message: `bad HTTP request: ${err.message}` } });
    socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  return `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`;
}

/**
 * Loads the demo page and starts listening: a router in front of the decoder cache and the batcher.
 * @throws Error when the address cannot be bound, or for bad server options (named)
 */
export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const s = settingsOf(opts);
  const served = servedModels(opts, s.limits);
  const registry = new GridRegistry(opts.grids, s.limits.maxInlineGrids, s.requestTimeoutMs);
  // Each batch is one native search with at most 16 swipes in flight (as `decode` on the CPU); a larger
  // batch refills the search's slots as swipes finish (continuous batching) instead of leaving them idle.
  const cache = await DecoderCache.create(served, registry, s.limits, { batchSize: Math.min(s.maxBatchSize, 16), nativeStep: opts.nativeStep ?? true }, {
    decoding: opts.decoding ?? { generator: 'beam' }, vocabulary: vocabularyOptionsOf(opts),
  });
  const { batcher, metrics } = createBatcher(s);
  const responder = new Responder();
  const settings = {
    max_points: s.limits.maxPoints, max_swipes_per_request: s.limits.maxSwipes, max_beam_size: s.limits.maxBeamSize, max_batch_size: s.maxBatchSize,
    // `workers`: the earlier name of `concurrent_batches`, kept for clients that read it.
    max_wait_ms: s.maxWaitMs, max_queue: s.maxQueue, concurrent_batches: s.concurrentBatches, workers: s.concurrentBatches, request_timeout_ms: s.requestTimeoutMs, max_body_bytes: s.maxBodyBytes,
  };
  const routes = apiRoutes({ cache, registry, limits: s.limits, batcher, metrics, responder, maxBodyBytes: s.maxBodyBytes, grids: opts.grids, settings });
  let onQuiet: (() => void) | null = null;
  const router = createRouter({ routes, files: loadStatic(DEMO_DIR), responder, metrics, requestTimeoutMs: s.requestTimeoutMs, onIdle: () => onQuiet?.() });
  const server = createServer({ requestTimeout: s.requestTimeoutMs, headersTimeout: Math.min(s.requestTimeoutMs, 60_000), keepAliveTimeout: 5_000 }, (req, res) => {
    void router.handle(req, res);
  });
  const url = await listen(server, opts.host ?? '127.0.0.1', opts.port ?? 8080);
  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      responder.draining = true;
      const stopped = new Promise<void>((r) => server.close(() => r()));
      server.closeIdleConnections();
      await batcher.drain();
      if (router.active() > 0) await new Promise<void>((r) => (onQuiet = r));
      server.closeAllConnections();
      await stopped;
    })();
    return closing;
  };
  return { url, port: (server.address() as AddressInfo).port, server, metrics, batcher, close };
}
