/**
 * Configs and predictor identity for the searches beyond the seed: `exact` and `hybrid` take exactly their
 * parameters in both namings; the beams' pruning thresholds, Levenshtein repair and the word-frequency prior are
 * optional, and absent ones leave the canonical options (the registry's identity) exactly as before; the repair's
 * word list (the vocabulary file) and the prior's frequency file enter the identity by their content hash; bad
 * fields are named with the config file.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalOptions, seedKwargs, strictDecodingOptions } from '../../lib/config/generator-options.js';
import { loadPredictionConfig } from '../../lib/config/load.js';
import { identityFromMeta, identityKey, predictorMeta } from '../../lib/predict/predictor.js';
import type { DecodingOptions } from '../../lib/decode/decoding.js';
import type { ModelMetadata } from '../../lib/model/model-metadata.js';

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

describe('repair and prior in configs and the predictor identity', () => {
  const seedBeam = { max_steps_n: 35, return_hypotheses_n: null, beamsize: 6, normalization_factor: 0.5 };
  const plainCanonical = '{"beamSize":6,"maxSteps":35,"normalizationFactor":0.5,"returnHypotheses":null}';

  it('repair and prior options are optional, named alike in both namings, and absent unless set', () => {
    const repaired = strictDecodingOptions('beam', { ...seedBeam, repair: 'levenshtein', repair_distance: 2, repair_rescore: 12 }, 'seed', 'f: kw');
    expect(repaired).toMatchObject({ repair: 'levenshtein', repairDistance: 2, repairRescore: 12 });
    expect(seedKwargs(repaired)).toMatchObject({ repair: 'levenshtein', repair_distance: 2, repair_rescore: 12 });
    const prior = strictDecodingOptions('exact', { max_steps_n: 35, return_hypotheses_n: 6, normalization_factor: 0.5, prior_weight: 0.2, prior_length: -0.01 }, 'seed', 'f: kw');
    expect(prior).toMatchObject({ priorWeight: 0.2, priorLength: -0.01 });
    expect(seedKwargs(prior)).toMatchObject({ prior_weight: 0.2, prior_length: -0.01 });
    const native = strictDecodingOptions('beam-sync', { generator: 'beam-sync', maxSteps: 35, returnHypotheses: null, beamSize: 6, normalizationFactor: 0.5, priorWeight: 0.1 }, 'native', 'f: decoding');
    expect(native).toMatchObject({ priorWeight: 0.1, priorLength: 0 });
    expect(canonicalOptions(strictDecodingOptions('beam', seedBeam, 'seed', 'f: kw'))).toBe(plainCanonical);
    expect(() => strictDecodingOptions('beam', { ...seedBeam, prior_length: 0.1 }, 'seed', 'f: kw')).toThrow('f: kw.prior_length: applies only with decoding.priorWeight');
    expect(() => strictDecodingOptions('beam', { ...seedBeam, prior_weight: -1 }, 'seed', 'f: kw')).toThrow('f: kw.prior_weight: expected a finite number ≥ 0');
    expect(() => strictDecodingOptions('greedy', { max_steps_n: 35, prior_weight: 1 }, 'seed', 'f: kw')).toThrow('f: kw.prior_weight: not a parameter of generator greedy');
  });

  const model = {
    transform: { name: 'traj_feats_and_nearest_key', include_coords: true, include_time: false, include_velocities: true, include_accelerations: true },
  } as unknown as ModelMetadata;
  const entry = { grid: 'default', architecture: 'm1_bigger', weights: 'm.pt', weightsName: 'm.pt', weightsFile: '/m.pt', field: 'predict.models[0]' };
  const identity = (decoding: DecodingOptions, useVocabulary: boolean, vocabularySha256: string | null, priorSha256: string | null = null) =>
    identityFromMeta(predictorMeta({ entry, model, decoding, useVocabulary, split: 'val', weightsSha256: 'w', vocabularySha256, priorSha256 }), 'f');

  it("the repair's word list and the prior's frequency file enter the identity by content hash, only when used", () => {
    const plain = strictDecodingOptions('beam', seedBeam, 'seed', 'kw');
    const repair = strictDecodingOptions('beam', { ...seedBeam, repair: 'levenshtein' }, 'seed', 'kw');
    // Without the vocabulary and without repair, the vocabulary's hash plays no part (as before).
    expect(identityKey(identity(plain, false, null))).toBe(identityKey(identity(plain, false, 'aaa')));
    expect(identity(plain, false, null).generatorOptions).toBe(plainCanonical);
    expect(predictorMeta({ entry, model, decoding: plain, useVocabulary: false, split: 'val', weightsSha256: 'w', vocabularySha256: null })).not.toHaveProperty('prior_sha256');
    // With repair, another word list is another predictor.
    expect(identity(repair, false, 'aaa').vocabSha256).toBe('aaa');
    expect(identityKey(identity(repair, false, 'aaa'))).not.toBe(identityKey(identity(repair, false, 'bbb')));
    expect(() => identity(repair, false, null)).toThrow('f: predictor.vocabulary_sha256: expected a string, got null');
    // The prior: its file's hash is in the options' identity; another file, λ or μ is another predictor.
    const p1 = strictDecodingOptions('beam', { ...seedBeam, prior_weight: 0.1, prior_length: 0 }, 'seed', 'kw');
    const p2 = strictDecodingOptions('beam', { ...seedBeam, prior_weight: 0.1, prior_length: 0.02 }, 'seed', 'kw');
    const id1 = identity(p1, true, 'v', 'ppp');
    expect(JSON.parse(id1.generatorOptions)).toMatchObject({ priorSha256: 'ppp', priorWeight: 0.1, priorLength: 0 });
    const keys = new Set([id1, identity(p1, true, 'v', 'qqq'), identity(p2, true, 'v', 'ppp'), identity(plain, true, 'v')].map(identityKey));
    expect(keys.size).toBe(4);
    expect(() => identity(p1, true, 'v', null)).toThrow('f: predictor.prior_sha256: expected a string (generator_call_kwargs.prior_weight is set), got undefined');
  });

  describe('config files', () => {
    let dir: string;
    let cwd: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'neuroswipe-search-config-'));
      mkdirSync(join(dir, 'out'));
      for (const f of ['valid.jsonl', 'voc.txt', 'm.pt', 'freq.tsv']) writeFileSync(join(dir, f), 'x');
      cwd = process.cwd();
      process.chdir(dir);
    });
    afterEach(() => process.chdir(cwd));
    const seed = (over: Record<string, unknown>) => {
      const doc = {
        prediction_config: {
          model_params: [['default', 'm1_bigger', 'm.pt']], out_path: 'out', data_split: 'val', data_split__to__path: { val: 'valid.jsonl' },
          models_root: '', voc_path: 'voc.txt', transform_name: 'traj_feats_and_nearest_key', generator: 'beam',
          generator_call_kwargs: { ...seedBeam, repair: 'levenshtein', repair_distance: 2, repair_rescore: 8 }, use_vocab_for_generation: false, ...over,
        },
      };
      const p = join(dir, 'c.json');
      writeFileSync(p, JSON.stringify(doc));
      return p;
    };

    it('accepts repair (to the vocabulary file) and the prior (with its frequency file) in both formats', () => {
      const plan = loadPredictionConfig(seed({ prior_path: 'freq.tsv', generator_call_kwargs: { ...seedBeam, repair: 'levenshtein', repair_distance: 2, repair_rescore: 8, prior_weight: 0.1, prior_length: 0 } }));
      expect(plan.decoding).toMatchObject({ repair: 'levenshtein', repairDistance: 2, priorWeight: 0.1 });
      expect(plan.vocabularyPath).toBe(join(dir, 'voc.txt'));
      expect(plan.priorPath).toBe(join(dir, 'freq.tsv'));
      const p = join(dir, 'n.json');
      writeFileSync(p, JSON.stringify({
        predict: {
          split: 'val', data: { val: 'valid.jsonl' }, vocabulary: 'voc.txt', prior: 'freq.tsv', useVocabulary: true, outDir: 'out',
          models: [{ grid: 'default', architecture: 'm1_bigger', weights: 'm.pt' }],
          decoding: { generator: 'exact', maxSteps: 35, returnHypotheses: 6, normalizationFactor: 0.5, priorWeight: 0.3, priorLength: 0.01 },
        },
      }));
      expect(loadPredictionConfig(p)).toMatchObject({ priorPath: join(dir, 'freq.tsv'), decoding: { priorWeight: 0.3, priorLength: 0.01 } });
    });

    it('names the file and the field of a bad repair or prior field', () => {
      const f = join(dir, 'c.json');
      expect(() => loadPredictionConfig(seed({ generator_call_kwargs: { ...seedBeam, repair: 'levenshtein', repair_distance: 5, repair_rescore: 8 } })))
        .toThrow(`${f}: prediction_config.generator_call_kwargs.repair_distance: expected an integer in 1..3, got 5`);
      expect(() => loadPredictionConfig(seed({ generator_call_kwargs: { ...seedBeam, repair: 'soundex' } })))
        .toThrow(`${f}: prediction_config.generator_call_kwargs.repair: expected 'levenshtein' or null, got "soundex"`);
      expect(() => loadPredictionConfig(seed({ use_vocab_for_generation: true })))
        .toThrow(`${f}: prediction_config.use_vocab_for_generation: generator_call_kwargs.repair repairs a search without the vocabulary; it must be false`);
      expect(() => loadPredictionConfig(seed({ generator_call_kwargs: { ...seedBeam, prior_weight: 0.1 } })))
        .toThrow(`${f}: prediction_config.prior_path: missing field (generator_call_kwargs.prior_weight is set: the word-frequency file of the prior)`);
      expect(() => loadPredictionConfig(seed({ prior_path: 'freq.tsv', generator_call_kwargs: seedBeam })))
        .toThrow(`${f}: prediction_config.prior_path: applies only with generator_call_kwargs.prior_weight`);
      expect(() => loadPredictionConfig(seed({ prior_path: 'nope.tsv', generator_call_kwargs: { ...seedBeam, prior_weight: 0.1 } })))
        .toThrow(`${f}: prediction_config.prior_path: file not found: ${join(dir, 'nope.tsv')}`);
      expect(() => loadPredictionConfig(seed({ prior_path: 7 }))).toThrow(`${f}: prediction_config.prior_path: expected string`);
    });
  });
});
