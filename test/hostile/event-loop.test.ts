/**
 * No event-loop turn over 25 ms during a library decode: 150 real swipes, beam 20 with every hypothesis
 * (tens of thousands of candidates). The probe reads the main thread's own run time (Linux schedstat)
 * between the ticks of a 2 ms timer, so time spent waiting for a CPU of a shared machine is left out:
 * a turn that ran 25 ms is one the decoder's own work (feature extraction, the rows, the prior) held.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decoder } from '../../lib/decode/decoder.js';
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
    swipes = await exampleSwipes(150);
  });
  afterAll(() => model?.dispose());

  it('no turn runs 25 ms or more (150 swipes, beam 20, every hypothesis)', async () => {
    const decoder = await Decoder.create(model, { decoding: { generator: 'beam', beamSize: 20, normalizationFactor: 0.5, maxSteps: 35, returnHypotheses: null }, batchSize: 64 });
    let longest = 0;
    let last = mainThreadRun() ?? 0;

    const timer = setInterval(() => {
      const now = mainThreadRun() ?? 0;
      longest = Math.max(longest, now - last);
      last = now;
    }, 2);
    let rows;
    try {
      ({ rows } = await decoder.decode(swipes));
    } finally {
      clearInterval(timer);
    }
    const candidates = rows.reduce((n, r) => n + r.candidates.length, 0);
    longest = Math.max(longest, (mainThreadRun() ?? 0) - last);
    process.stderr.write(`event loop: ${swipes.length} swipes, ${candidates} candidates; the main thread ran ${longest.toFixed(1)} ms at most between ticks\n`);
    expect(candidates).toBeGreaterThan(swipes.length * 200);
    expect(longest).toBeLessThan(25);
  }, 300_000);
});
