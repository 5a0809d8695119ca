/**
 * `serve` against hostile clients, second round: a body nested 200,000 arrays deep (a 400 naming the
 * field, no 500 and no stack trace), a client still sending an over-limit body (it receives the 413, not
 * EPIPE), and the inline-grid table (least recently used grids make room; grids in use are kept). On the
 * example model and real swipes and grids.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Swipe } from '../../lib/data/dataset.js';
import { loadGrids, type Grid } from '../../lib/keyboard/grid.js';
import type { Model } from '../../lib/model/model.js';
import { GridRegistry, RequestError } from '../../lib/serve/request.js';
import type { RunningServer } from '../../lib/serve/server.js';
import type { Vocabulary } from '../../lib/vocabulary.js';
import { at } from '../../lib/util/checked.js';
import { exampleSwipes } from '../helpers/examples.js';
import { apiSwipe, loadExample, post, serveExample } from '../serve/helpers.js';

let model: Model;
let vocabulary: Vocabulary;
let swipes: Swipe[];
let srv: RunningServer;
let logged = '';
const realErr = process.stderr.write.bind(process.stderr);

beforeAll(async () => {
  ({ model, vocabulary } = await loadExample());
  swipes = await exampleSwipes(4);
  srv = await serveExample(model, vocabulary);
  process.stderr.write = ((s: string | Uint8Array) => ((logged += String(s)), true));
});
afterAll(async () => {
  process.stderr.write = realErr;
  await srv?.close();
  model?.dispose();
});

/** Sends a raw HTTP request, the body in pieces; resolves with what came back and any socket error. */
function rawPost(url: string, headers: string, body: Buffer, piece = 64 * 1024): Promise<{ response: string; error: string | null }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let response = '';
    let error: string | null = null;
    socket.setEncoding('utf8');
    socket.on('data', (s: string) => (response += s));
    socket.on('error', (e: NodeJS.ErrnoException) => (error = e.code ?? e.message));
    socket.on('close', () => resolve({ response, error }));
    socket.on('connect', () => {
      socket.write(headers);
      let off = 0;
      const next = (): void => {
        if (off >= body.length || socket.destroyed) return;
        const chunk = body.subarray(off, off + piece);
        off += chunk.length;
        // Paced like a client on a real network: the answer can come while it is still sending.
        socket.write(chunk, () => setTimeout(next, 1));
      };
      next();
    });
  });
}

describe('hostile request bodies', () => {
  it('a body nested 200,000 arrays deep: 400 naming the field, nothing in the log', async () => {
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    const s = apiSwipe(at(swipes, 0));
    const r = await post(`${srv.url}/v1/decode`, `{"grid_name":"default","y":${JSON.stringify(s.y)},"t":${JSON.stringify(s.t)},"x":${deep}}`);
    expect(r.status).toBe(400);
    expect(r.body.error.field).toBe('x[0][0][0][0][0]…');
    expect(r.body.error.message).toMatch(/JSON nested deeper than 64 levels/);
    expect(logged).not.toMatch(/Maximum call stack|\n\s+at /);
    const ok = await post(`${srv.url}/v1/decode`, s);
    expect(ok.status).toBe(200);
  });

  it('a client still sending an over-limit body receives the 413 (declared length and chunked)', async () => {
    const body = Buffer.alloc(6 << 20, 0x20); // 6 MiB of spaces, 6 times the limit
    for (let i = 0; i < 3; i++) {
      const declared = await rawPost(srv.url, `POST /v1/decode HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`, body);
      expect(declared.error, declared.response).toBeNull();
      expect(declared.response).toMatch(/^HTTP\/1\.1 413 /);
      expect(declared.response).toContain('but the server takes at most 1048576');
    }
    // chunked: no length up front
    const chunks = Buffer.concat(Array.from({ length: 256 }, () => Buffer.concat([Buffer.from('4000\r\n'), Buffer.alloc(0x4000, 0x20), Buffer.from('\r\n')])));
    const chunked = await rawPost(srv.url, 'POST /v1/decode HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n', Buffer.concat([chunks, Buffer.from('0\r\n\r\n')]));
    expect(chunked.error, chunked.response).toBeNull();
    expect(chunked.response).toMatch(/^HTTP\/1\.1 413 /);
    const ok = await post(`${srv.url}/v1/decode`, apiSwipe(at(swipes, 1)));
    expect(ok.status).toBe(200);
  });
});

describe('the inline-grid table', () => {
  const base = loadGrids().default as Grid;
  /** The default grid under another name and width: a distinct inline layout. */
  const variant = (n: number): Grid => ({ ...base, grid_name: `layout${n}`, width: base.width + n });

  it('evicts the least recently used grid, never one used within busyMs', () => {
    let now = 0;
    const reg = new GridRegistry(loadGrids(), 2, 1000, () => now);
    const evicted: string[] = [];
    reg.onEvict = (k) => evicted.push(k);
    const a = reg.resolveInline(variant(1), 'grid');
    now = 10;
    const b = reg.resolveInline(variant(2), 'grid');
    now = 20;
    expect(() => reg.resolveInline(variant(3), 'grid')).toThrow(RequestError);
    try {
      reg.resolveInline(variant(3), 'grid');
    } catch (err) {
      expect((err as RequestError).status).toBe(503);
      expect((err as RequestError).retryAfter).toBe(1);
    }
    now = 1005;
    expect(reg.resolveInline(variant(1), 'grid')).toBe(a); // a use: b is now the oldest
    now = 1011;
    const c = reg.resolveInline(variant(3), 'grid');
    expect(evicted).toEqual([b]);
    expect(Object.keys(reg.grids)).toContain(c);
    expect(Object.keys(reg.grids)).not.toContain(b);
    expect(reg.inlineCount).toBe(2);
  });

  it('a server whose table is full still takes a new layout once the old ones are idle', async () => {
    const s = await serveExample(model, vocabulary, { maxInlineGrids: 2, requestTimeoutMs: 500 });
    try {
      const swipe = apiSwipe(at(swipes, 0));
      const withGrid = (n: number): Record<string, unknown> => ({ x: swipe.x, y: swipe.y, t: swipe.t, grid: variant(n) });
      expect((await post(`${s.url}/v1/decode`, withGrid(1))).status).toBe(200);
      expect((await post(`${s.url}/v1/decode`, withGrid(2))).status).toBe(200);
      const busy = await post(`${s.url}/v1/decode`, withGrid(3));
      expect(busy.status).toBe(503);
      expect(busy.headers.get('retry-after')).toBe('1');
      await new Promise((r) => setTimeout(r, 600));
      const later = await post(`${s.url}/v1/decode`, withGrid(3));
      expect(later.status).toBe(200);
      expect(later.body.candidates.length).toBeGreaterThan(0);
    } finally {
      await s.close();
    }
  });
});
