/**
 * No event-loop turn over 25 ms during a library decode: 600 real swipes decoded greedily (hundreds of
 * swipes' features per search), and 150 with beam 20 and every hypothesis (about 240,000 candidates). The
 * probe reads the main thread's own run time (Linux schedstat)
 * between the ticks of a 2 ms timer, so time spent waiting for a CPU of a shared machine is left out:
 * a turn that ran 25 ms is one the decoder's own work (feature extraction, the rows, the prior) held.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decoder, type DecodedSwipe } from '../../lib/decode/decoder.js';
import { Model } from '../../lib/model/model.js';
import { setNumThreads } from '../../lib/runtime.js';
import type { Swipe } from '../../lib/data/dataset.js';
import { EXAMPLE_MODEL, exampleSwipes } from '../helpers/examples.js';
import { at } from '../../lib/util/checked.js';

/** The main thread's cumulative run time in ms, or null off Linux. */
function mainThreadRun(): number | null {
  try {
    return at(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ').map(Number), 0) / 1e6;
  } catch {
    return null;
  }
}

const onLinux = mainThreadRun() !== null;

describe.skipIf(!onLinux)('event-loop turns during a library decode', () => {
  let model: Model;
  let swipes: Swipe[];
  beforeAll(async () => {
    setNumThreads(1);
    model = await Model.load(EXAMPLE_MODEL, { device: 'cpu' });
    swipes = await exampleSwipes(600);
  });
  afterAll(() => model?.dispose());

  it('no turn runs 25 ms or more (600 swipes, greedy: the features of hundreds of swipes per search)', async () => {
    const decoder = await Decoder.create(model, { decoding: { generator: 'greedy', maxSteps: 20 }, batchSize: 64, workers: 2 });
    const { longest, rows } = await probe(() => decoder.decode(swipes));
    process.stderr.write(`event loop: ${swipes.length} swipes, greedy; the main thread ran ${longest.toFixed(1)} ms at most between ticks\n`);
    expect(rows).toHaveLength(swipes.length);
    expect(longest).toBeLessThan(25);
  }, 300_000);

  it('no turn runs 25 ms or more (150 swipes, beam 20, every hypothesis)', async () => {
    const decoder = await Decoder.create(model, { decoding: { generator: 'beam', beamSize: 20, normalizationFactor: 0.5, maxSteps: 35, returnHypotheses: null }, batchSize: 64 });
    const { longest, rows } = await probe(() => decoder.decode(swipes.slice(0, 150)));
    const candidates = rows.reduce((n, r) => n + r.candidates.length, 0);
    process.stderr.write(`event loop: 150 swipes, ${candidates} candidates; the main thread ran ${longest.toFixed(1)} ms at most between ticks\n`);
    expect(candidates).toBeGreaterThan(150 * 200);
    expect(longest).toBeLessThan(25);
  }, 300_000);
});

/** Runs `work` under a 2 ms timer; the longest main-thread run between two ticks, and the rows. */
async function probe(work: () => Promise<{ rows: DecodedSwipe[] }>): Promise<{ longest: number; rows: DecodedSwipe[] }> {
  let longest = 0;
  let last = mainThreadRun() ?? 0;
  const timer = setInterval(() => {
    const now = mainThreadRun() ?? 0;
    longest = Math.max(longest, now - last);
    last = now;
  }, 2);
  let rows: DecodedSwipe[];
  try {
    ({ rows } = await work());
  } finally {
    clearInterval(timer);
  }
  longest = Math.max(longest, (mainThreadRun() ?? 0) - last);
  return { longest, rows };
}
