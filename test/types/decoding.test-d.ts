import { describe, expectTypeOf, it } from 'vitest';
import { resolveDecodingOptions, type DecoderOptions, type DecodingOptions, type GreedyOptions, type BeamOptions, type ExactOptions, type HybridOptions, type GeneratorName } from '../../lib/index.js';

describe('decoding option types', () => {
  it('resolved options are discriminated by generator', () => {
    const d = resolveDecodingOptions({ generator: 'beam' });
    expectTypeOf(d).toEqualTypeOf<DecodingOptions>();
    if (d.generator === 'greedy') {
      expectTypeOf(d).toEqualTypeOf<GreedyOptions>();
      // @ts-expect-error greedy has no beam size
      void d.beamSize;
    } else if (d.generator === 'exact') {
      expectTypeOf(d).toEqualTypeOf<ExactOptions>();
      // @ts-expect-error exact scores every word: it has no beam size
      void d.beamSize;
    } else if (d.generator === 'hybrid') {
      expectTypeOf(d).toEqualTypeOf<HybridOptions>();
      expectTypeOf(d.hybridSteps).toEqualTypeOf<number>();
    } else {
      expectTypeOf(d).toEqualTypeOf<BeamOptions>();
      expectTypeOf(d.returnHypotheses).toEqualTypeOf<number | null>();
    }
  });
  it('generator names are a closed set', () => {
    expectTypeOf<GeneratorName>().toEqualTypeOf<'greedy' | 'beam' | 'beam-sync' | 'exact' | 'hybrid'>();
    // @ts-expect-error a misspelt generator is not a generator name
    const bad: GeneratorName = 'beem';
    void bad;
  });
});

describe('Decoder options', () => {
  it('take a generator and only its own options', () => {
    type Decoding = NonNullable<DecoderOptions['decoding']>;
    expectTypeOf<{ generator: 'beam'; beamSize: 4 }>().toExtend<Decoding>();
    expectTypeOf<{ generator: 'greedy'; maxSteps: 20 }>().toExtend<Decoding>();
    // @ts-expect-error a misspelt generator does not compile
    const misspelt: Decoding = { generator: 'beem' };
    // @ts-expect-error greedy takes no beam size
    const greedyBeam: Decoding = { generator: 'greedy', beamSize: 4 };
    // @ts-expect-error options are numbers
    const text: Decoding = { generator: 'beam', beamSize: '4' };
    // @ts-expect-error exact takes no beam size
    const exactBeam: Decoding = { generator: 'exact', beamSize: 4 };
    void [misspelt, greedyBeam, text, exactBeam];
  });
});
