/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers of the server, checked field by field by the assertions */
/** Shared set-up of the serve tests: the example model and vocabulary behind a server on loopback. */
import { Decoder } from '../../lib/decode/decoder.js';
import type { Swipe } from '../../lib/data/dataset.js';
import { loadGrids } from '../../lib/keyboard/grid.js';
import { Model } from '../../lib/model/model.js';
import { Vocabulary, readVocabularyFile } from '../../lib/vocabulary.js';
import { startServer, type RunningServer, type ServeOptions } from '../../lib/serve/server.js';
import { EXAMPLE_MODEL, EXAMPLE_VOCAB } from '../helpers/examples.js';
import { at } from '../../lib/util/checked.js';

/** The example model with its vocabulary, loaded on the CPU. */
export async function loadExample(): Promise<{ model: Model; vocabulary: Vocabulary }> {
  const model = await Model.load(EXAMPLE_MODEL, { device: 'cpu' });
  const base = await Decoder.create(model);
  const vocabulary = await Vocabulary.build(readVocabularyFile(EXAMPLE_VOCAB), base.tokenizer, EXAMPLE_VOCAB);
  return { model, vocabulary };
}

/** A server on 127.0.0.1 (free port) over the example model, beam 6 + vocabulary unless overridden. */
export function serveExample(model: Model, vocabulary: Vocabulary, opts: Partial<ServeOptions> = {}): Promise<RunningServer> {
  return startServer({ model, vocabulary, grids: loadGrids(), decoding: { generator: 'beam', beamSize: 6 }, host: '127.0.0.1', port: 0, concurrentBatches: 2, ...opts });
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

/**
 * Candidate lists of the same swipes decoded in different batches: the same words in the same order, scores
 * within `rel` relative (the batched engine's parity bound: padding a swipe into another batch changes the
 * encoder's float rounding, README "Faithfulness to the seed").
 */
export function sameCandidates(a: [number, string][][], b: [number, string][][], rel = 1e-5): string | null {
  if (a.length !== b.length) return `${a.length} lists vs ${b.length}`;
  for (let i = 0; i < a.length; i++) {
    const wa = at(a, i).map((c) => c[1]).join(' ');
    const wb = at(b, i).map((c) => c[1]).join(' ');
    if (wa !== wb) return `swipe ${i}: words ${wa} vs ${wb}`;
    for (let j = 0; j < at(a, i).length; j++) {
      const d = Math.abs(at(at(a, i), j)[0] - at(at(b, i), j)[0]) / Math.max(1e-12, Math.abs(at(at(b, i), j)[0]));
      if (!(d <= rel)) return `swipe ${i}, candidate ${j}: score ${at(at(a, i), j)[0]} vs ${at(at(b, i), j)[0]} (relative difference ${d})`;
    }
  }
  return null;
}
