/**
 * The server's HTTP side: answers (JSON with the server's headers), request bodies read within a size bound,
 * and the router that runs one route per request under the request timeout, with its metrics.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RequestError } from './request.js';
import type { ServeMetrics } from './metrics.js';

/** A route's handler. */
export type Handler = (req: IncomingMessage, res: ServerResponse, arrived: number, signal: AbortSignal) => Promise<void> | void;

/** Answers of one server: `Connection: close` once it drains. */
export class Responder {
  draining = false;

  /** Sends `body` with status and type, unless an answer went out already. */
  send(res: ServerResponse, status: number, body: string | Buffer, type = 'application/json; charset=utf-8', headers: Record<string, string> = {}): void {
    if (res.headersSent || res.destroyed) return;
    const h: Record<string, string | number> = { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', ...headers };
    if (this.draining) h.Connection = 'close';
    res.writeHead(status, h);
    res.end(body);
  }

  /** `{"error": {status, field, message}}`, with Retry-After where the error has one. */
  sendError(res: ServerResponse, err: RequestError): void {
    const headers: Record<string, string> = {};
    if (err.retryAfter !== null) headers['Retry-After'] = String(err.retryAfter);
    this.send(res, err.status, JSON.stringify({ error: { status: err.status, field: err.field, message: err.message } }), undefined, headers);
  }
}

/**
 * Reads a request body of at most `maxBytes`. An over-limit body is still read (and dropped) up to
 * 4 × the limit (at least 8 MiB) before the 413 goes out: a client still sending would otherwise get EPIPE or
 * a reset instead of the answer. A larger body is answered at once (its connection is then closed).
 * @throws RequestError 413 on `(body)` for a body over the limit
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const drainBytes = Math.max(4 * maxBytes, 8 << 20);
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    const tooLarge = (): RequestError =>
      Number.isFinite(declared) && declared > maxBytes
        ? new RequestError(413, '(body)', `(body): ${declared} bytes, but the server takes at most ${maxBytes}`)
        : new RequestError(413, '(body)', `(body): more than ${maxBytes} bytes, the most the server takes`);
    if (Number.isFinite(declared) && declared > drainBytes) {
      reject(tooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    let over = Number.isFinite(declared) && declared > maxBytes;
    const finish = (f: () => void): void => {
      if (done) return;
      done = true;
      f();
    };
    req.on('data', (c: Buffer) => {
      if (done) return;
      size += c.length;
      if (size > maxBytes && !over) {
        over = true;
        chunks.length = 0;
      }
      if (!over) chunks.push(c);
      else if (size > drainBytes) finish(() => reject(tooLarge()));
    });
    req.on('end', () => finish(() => (over ? reject(tooLarge()) : resolve(Buffer.concat(chunks)))));
    req.on('error', (e) => finish(() => reject(e)));
  });
}

/** What the router needs besides its routes. */
export interface RouterOptions {
  routes: Record<string, Record<string, Handler>>;
  /** Static files by path. */
  files: ReadonlyMap<string, { body: Buffer; type: string }>;
  responder: Responder;
  metrics: ServeMetrics;
  requestTimeoutMs: number;
  /** Called when the last request in flight has finished. */
  onIdle: () => void;
}

/** The request handler: routes, timeouts, client disconnects, errors as JSON, metrics; and the requests in flight. */
export function createRouter(o: RouterOptions): { handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>; active: () => number } {
  let active = 0;
  const names = 'POST /v1/decode, GET /v1/grids, GET /v1/model, GET /healthz, GET /metrics, GET /';
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const arrived = performance.now();
    active++;
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const staticFile = o.files.get(path);
    const route = o.routes[path] ?? (staticFile ? { GET: (_q: IncomingMessage, r: ServerResponse) => o.responder.send(r, 200, staticFile.body, staticFile.type) } : undefined);
    const label = o.routes[path] ? path : staticFile ? 'static' : 'other';
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new RequestError(503, null, `the request took longer than ${o.requestTimeoutMs} ms (the server's --request-timeout-ms)`, 1)), o.requestTimeoutMs);
    // A client that goes away before its answer leaves the queue too.
    res.once('close', () => {
      if (!res.writableFinished) controller.abort(new RequestError(499, null, 'the client closed the connection'));
    });
    try {
      if (!route) throw new RequestError(404, null, `no such route: ${req.method} ${path} (routes: ${names})`);
      const method = req.method === 'HEAD' ? 'GET' : (req.method ?? '');
      const h = route[method];
      if (!h) {
        res.setHeader('Allow', Object.keys(route).join(', '));
        throw new RequestError(405, null, `${req.method} ${path}: method not allowed (use ${Object.keys(route).join(', ')})`);
      }
      if (o.responder.draining && path === '/v1/decode') throw new RequestError(503, null, 'the server is shutting down', 1);
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
        o.responder.sendError(res, err);
      } else {
        process.stderr.write(`neuroswipe serve: ${req.method} ${path}: ${(err as Error).stack ?? String(err)}\n`);
        o.responder.sendError(res, new RequestError(500, null, `internal error: ${(err as Error).message}`));
      }
    } finally {
      clearTimeout(timer);
      if (!res.headersSent) o.responder.sendError(res, new RequestError(500, null, 'internal error: no answer'));
      o.metrics.requests.inc({ route: label, method: req.method ?? '', status: String(res.statusCode) });
      const done = (): void => {
        o.metrics.latency.observe({ route: label }, (performance.now() - arrived) / 1000);
        active--;
        if (active === 0) o.onIdle();
      };
      if (res.writableFinished) done();
      else res.once('close', done);
    }
  };
  return { handle, active: () => active };
}
