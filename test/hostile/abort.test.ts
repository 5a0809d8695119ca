/**
 * An AbortSignal stops a library decode within a round of the native search, not only between searches:
 * the example model, 200 real swipes, beam 20 with every hypothesis (a decode of tens of seconds here) must
 * reject within 1 s of the abort, with the signal's reason, and leave the decoder usable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decoder } from '../../lib/decode/decoder.js';
import { Model } from '../../lib/model/model.js';
import type { Swipe } from '../../lib/data/dataset.js';
import { EXAMPLE_MODEL, exampleSwipes } from '../helpers/examples.js';

let model: Model;
let decoder: Decoder;
let swipes: Swipe[];

beforeAll(async () => {
  model = await Model.load(EXAMPLE_MODEL, { device: 'cpu' });
  decoder = await Decoder.create(model, { decoding: { generator: 'beam', beamSize: 20, maxSteps: 30 }, batchSize: 16, workers: 2 });
  swipes = await exampleSwipes(200);
});
afterAll(() => model?.dispose());

/** Decodes with a signal aborted after `afterMs`; the time from the abort to the rejection, and the error. */
async function abortAfter(afterMs: number, signalOf: (c: AbortController) => AbortSignal): Promise<{ lagMs: number; error: unknown; resolved: boolean }> {
  const controller = new AbortController();
  const signal = signalOf(controller);
  let abortedAt = 0;
  signal.addEventListener('abort', () => (abortedAt = performance.now()), { once: true });
  const timer = setTimeout(() => controller.abort(), afterMs);
  try {
    await decoder.decode(swipes, { signal });
    return { lagMs: performance.now() - abortedAt, error: null, resolved: true };
  } catch (error) {
    return { lagMs: performance.now() - abortedAt, error, resolved: false };
  } finally {
    clearTimeout(timer);
  }
}

describe('decode(swipes, { signal })', () => {
  it('rejects within 1 s of an abort during a native search, with the signal’s reason', async () => {
    const r = await abortAfter(1500, (c) => c.signal);
    expect(r.resolved).toBe(false);
    expect((r.error as DOMException).name).toBe('AbortError');
    expect(r.lagMs).toBeLessThan(1000);
  }, 120_000);

  it('AbortSignal.timeout behaves the same (TimeoutError)', async () => {
    const r = await abortAfter(1e9, () => AbortSignal.timeout(1500));
    expect(r.resolved).toBe(false);
    expect((r.error as DOMException).name).toBe('TimeoutError');
    expect(r.lagMs).toBeLessThan(1000);
  }, 120_000);

  it('the decoder decodes normally afterwards', async () => {
    const { rows } = await decoder.decode(swipes.slice(0, 3), { signal: new AbortController().signal });
    expect(rows).toHaveLength(3);
    for (const row of rows) expect(row.candidates.length).toBeGreaterThan(0);
  }, 120_000);
});
