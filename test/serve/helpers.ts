/** Shared set-up of the serve tests: the example model and vocabulary behind a server on loopback. */
import { Decoder } from '../../lib/decoder.js';
import type { Swipe } from '../../lib/dataset.js';
import { loadGrids } from '../../lib/keyboard/grid.js';
import { Model } from '../../lib/model.js';
import { Vocabulary, readVocabularyFile } from '../../lib/vocabulary.js';
import { startServer, type RunningServer, type ServeOptions } from '../../lib/serve/server.js';
import { EXAMPLE_MODEL, EXAMPLE_VOCAB } from '../helpers/examples.js';

/** The example model with its vocabulary, loaded on the CPU. */
export async function loadExample(): Promise<{ model: Model; vocabulary: Vocabulary }> {
  const model = await Model.load(EXAMPLE_MODEL, { device: 'cpu' });
  const base = await Decoder.create(model);
  const vocabulary = await Vocabulary.build(readVocabularyFile(EXAMPLE_VOCAB), base.tokenizer, EXAMPLE_VOCAB);
  return { model, vocabulary };
}

/** A server on 127.0.0.1 (free port) over the example model, beam 6 + vocabulary unless overridden. */
export function serveExample(model: Model, vocabulary: Vocabulary, opts: Partial<ServeOptions> = {}): Promise<RunningServer> {
  return startServer({ model, vocabulary, grids: loadGrids(), decoding: { generator: 'beam', beamSize: 6 }, host: '127.0.0.1', port: 0, workers: 2, ...opts });
}

/** A swipe as the API takes it. */
export function apiSwipe(s: Swipe): { x: number[]; y: number[]; t: number[]; grid_name: string } {
  return { x: Array.from(s.x), y: Array.from(s.y), t: Array.from(s.t), grid_name: s.gridName };
}

/** POSTs JSON (or a raw string) to `url`; returns status, headers and the parsed body. */
export async function post(url: string, body: unknown, headers: Record<string, string> = { 'Content-Type': 'application/json' }): Promise<{ status: number; headers: Headers; body: any }> {
  const res = await fetch(url, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

/** The mean of a prom-client histogram (`_sum / _count`) in a /metrics text. */
export function histogramMean(metricsText: string, name: string): { count: number; mean: number } {
  const sum = Number(new RegExp(`^${name}_sum(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(metricsText)?.[1] ?? NaN);
  const count = Number(new RegExp(`^${name}_count(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(metricsText)?.[1] ?? NaN);
  return { count, mean: sum / count };
}
