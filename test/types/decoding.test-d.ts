import { describe, expectTypeOf, it } from 'vitest';
import { resolveDecodingOptions, type DecodingOptions, type GreedyOptions, type BeamOptions, type GeneratorName } from '../../lib/index.js';

describe('decoding option types', () => {
  it('resolved options are discriminated by generator', () => {
    const d = resolveDecodingOptions({ generator: 'beam' });
    expectTypeOf(d).toEqualTypeOf<DecodingOptions>();
    if (d.generator === 'greedy') {
      expectTypeOf(d).toEqualTypeOf<GreedyOptions>();
      // @ts-expect-error greedy has no beam size
      void d.beamSize;
    } else {
      expectTypeOf(d).toEqualTypeOf<BeamOptions>();
      expectTypeOf(d.returnHypotheses).toEqualTypeOf<number | null>();
    }
  });
  it('generator names are a closed set', () => {
    expectTypeOf<GeneratorName>().toEqualTypeOf<'greedy' | 'beam' | 'beam-sync'>();
    // @ts-expect-error a misspelt generator is not a generator name
    const bad: GeneratorName = 'beem';
    void bad;
  });
});
