import { describe, expect, it } from 'vitest';
import { resolveDecodingOptions } from '../../lib/decode/decoding.js';

describe('decoding options', () => {
  it('writes every default out explicitly', () => {
    expect(resolveDecodingOptions({ generator: 'beam' })).toEqual({ generator: 'beam', beamSize: 6, normalizationFactor: 0.5, maxSteps: 35, returnHypotheses: null });
    expect(resolveDecodingOptions({ generator: 'greedy' })).toEqual({ generator: 'greedy', maxSteps: 35 });
    expect(resolveDecodingOptions({ generator: 'beam-sync', beamSize: 3 })).toMatchObject({ generator: 'beam-sync', beamSize: 3 });
  });
  const bad: [Record<string, unknown>, ErrorConstructor, RegExp][] = [
    [{ generator: 'sampling' }, TypeError, /decoding\.generator: expected greedy \| beam \| beam-sync/],
    [{ generator: 'beam', beamSize: 0 }, RangeError, /decoding\.beamSize: expected an integer in 1\.\.35, got 0/],
    [{ generator: 'beam', beamSize: 2.5 }, RangeError, /decoding\.beamSize/],
    [{ generator: 'beam', beamSize: '6' }, TypeError, /decoding\.beamSize/],
    [{ generator: 'beam', maxSteps: 36 }, RangeError, /decoding\.maxSteps: expected an integer in 1\.\.35, got 36/],
    [{ generator: 'beam', normalizationFactor: -1 }, RangeError, /decoding\.normalizationFactor/],
    [{ generator: 'beam', normalizationFactor: Number.NaN }, RangeError, /decoding\.normalizationFactor/],
    [{ generator: 'beam', returnHypotheses: 0 }, RangeError, /decoding\.returnHypotheses/],
    [{ generator: 'greedy', beamSize: 6 }, TypeError, /decoding\.beamSize: not an option of generator greedy/],
    [{ generator: 'beam', verbose: false }, TypeError, /decoding\.verbose: not an option of generator beam/],
  ];
  for (const [input, cls, re] of bad) {
    it(`rejects ${JSON.stringify(input)}`, () => {
      expect(() => resolveDecodingOptions(input as never)).toThrow(cls);
      expect(() => resolveDecodingOptions(input as never)).toThrow(re);
    });
  }
  it('checks against the model limits', () => {
    expect(() => resolveDecodingOptions({ generator: 'beam', maxSteps: 20 }, { nClasses: 35, maxTokenLen: 19 })).toThrow(/1\.\.19/);
  });
});
