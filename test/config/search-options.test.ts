/**
 * Configs and predictor identity for the searches beyond the seed: `exact` and `hybrid` take exactly their
 * parameters in both namings; the beams' pruning thresholds are optional, and absent ones leave the canonical
 * options (the registry's identity) exactly as before.
 */
import { describe, expect, it } from 'vitest';
import { canonicalOptions, seedKwargs, strictDecodingOptions } from '../../lib/config/generator-options.js';

describe('exact, hybrid and pruning options in configs', () => {
  it('exact and hybrid take exactly their parameters', () => {
    const exact = strictDecodingOptions('exact', { max_steps_n: 35, return_hypotheses_n: 6, normalization_factor: 0.5 }, 'seed', 'f: kw');
    expect(exact).toEqual({ generator: 'exact', maxSteps: 35, returnHypotheses: 6, normalizationFactor: 0.5 });
    expect(seedKwargs(exact)).toEqual({ max_steps_n: 35, return_hypotheses_n: 6, normalization_factor: 0.5 });
    expect(() => strictDecodingOptions('exact', { max_steps_n: 35, return_hypotheses_n: 6, normalization_factor: 0.5, beamsize: 6 }, 'seed', 'f: kw')).toThrow('f: kw.beamsize: not a parameter of generator exact');
    const hybrid = strictDecodingOptions('hybrid', { generator: 'hybrid', maxSteps: 35, returnHypotheses: null, beamSize: 4, normalizationFactor: 0.5, hybridSteps: 2 }, 'native', 'f: decoding');
    expect(hybrid).toMatchObject({ generator: 'hybrid', hybridSteps: 2, beamSize: 4 });
    expect(seedKwargs(hybrid)).toMatchObject({ hybrid_steps: 2, beamsize: 4 });
    expect(() => strictDecodingOptions('hybrid', { max_steps_n: 35, return_hypotheses_n: 6, beamsize: 6, normalization_factor: 0.5 }, 'seed', 'f: kw')).toThrow(/f: kw: missing hybrid_steps/);
    expect(() => strictDecodingOptions('hybrid', { max_steps_n: 35, return_hypotheses_n: 6, beamsize: 6, normalization_factor: 0.5, hybrid_steps: 40 }, 'seed', 'f: kw')).toThrow(/f: kw\.hybrid_steps: expected an integer in 0\.\.35/);
  });

  it('pruning thresholds are optional and absent from the identity unless set', () => {
    const seedBeam = { max_steps_n: 35, return_hypotheses_n: null, beamsize: 6, normalization_factor: 0.5 };
    const plain = strictDecodingOptions('beam', seedBeam, 'seed', 'f: kw');
    expect(canonicalOptions(plain)).toBe('{"beamSize":6,"maxSteps":35,"normalizationFactor":0.5,"returnHypotheses":null}');
    const pruned = strictDecodingOptions('beam', { ...seedBeam, token_log_prob_floor: -5, score_ceiling: 3 }, 'seed', 'f: kw');
    expect(canonicalOptions(pruned)).toBe('{"beamSize":6,"maxSteps":35,"normalizationFactor":0.5,"returnHypotheses":null,"scoreCeiling":3,"tokenLogProbFloor":-5}');
    expect(seedKwargs(pruned)).toMatchObject({ token_log_prob_floor: -5, score_ceiling: 3 });
    expect(() => strictDecodingOptions('beam', { ...seedBeam, score_ceiling: -1 }, 'seed', 'f: kw')).toThrow(/f: kw\.score_ceiling: expected a finite number ≥ 0/);
    expect(() => strictDecodingOptions('greedy', { max_steps_n: 35, score_ceiling: 3 }, 'seed', 'f: kw')).toThrow(/f: kw\.score_ceiling: not a parameter of generator greedy/);
  });
});
