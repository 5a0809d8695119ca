import { beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPredictionConfig } from '../../lib/config/load.js';
import { applyOverrides, parseOverride } from '../../lib/config/overrides.js';
import { canonicalOptions, seedKwargs, strictDecodingOptions } from '../../lib/config/generator-options.js';
import { at, own } from '../../lib/util/checked.js';

let dir: string;
let cwd: string;

/** The seed's config__my_nearest_features.json shape (docs/SEED.md §3.11), with files made in `dir`. */
function seedConfig(): Record<string, unknown> {
  return {
    prediction_config: {
      model_params: [
        ['default', 'v3_nearest_and_traj_transformer_bigger', 'default/model-default--epoch=1.pt'],
        ['extra', 'v3_nearest_and_traj_transformer_bigger', 'model-extra.pt'],
      ],
      out_path: 'out',
      csv_path: '',
      data_split: 'val',
      data_split__to__path: { val: 'data/valid__in_train_format.jsonl', test: 'data/test.jsonl' },
      grid_name_to_grid__path: 'data/gridname_to_grid.json',
      models_root: 'models',
      voc_path: 'data/voc.txt',
      transform_name: 'traj_feats_and_nearest_key',
      include_time: false,
      include_velocities: true,
      include_accelerations: true,
      generator: 'beam',
      generator_call_kwargs: { max_steps_n: 35, return_hypotheses_n: null, beamsize: 6, normalization_factor: 0.5 },
      use_vocab_for_generation: true,
      n_classes: 35,
    },
    aggregation_config: {},
  };
}

function write(name: string, doc: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, JSON.stringify(doc));
  return p;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'neuroswipe-config-'));
  for (const d of ['out', 'data', 'models/default']) mkdirSync(join(dir, d), { recursive: true });
  for (const f of ['data/valid__in_train_format.jsonl', 'data/gridname_to_grid.json', 'data/voc.txt', 'models/default/model-default--epoch=1.pt', 'models/model-extra.pt']) {
    writeFileSync(join(dir, f), 'x');
  }
  cwd = process.cwd();
  process.chdir(dir);
  return () => process.chdir(cwd);
});

describe('seed prediction_config', () => {
  it('is accepted as the seed writes it; paths relative to the working folder; weights joined like os.path.join', () => {
    const plan = loadPredictionConfig(write('c.json', seedConfig()));
    expect(plan.format).toBe('seed');
    expect(plan.split).toBe('val');
    expect(plan.dataPath).toBe(join(dir, 'data/valid__in_train_format.jsonl'));
    expect(plan.predictors.map((p) => [p.grid, p.architecture, p.weights, p.weightsName])).toEqual([
      ['default', 'v3_nearest_and_traj_transformer_bigger', 'models/default/model-default--epoch=1.pt', 'default/model-default--epoch=1.pt'],
      ['extra', 'v3_nearest_and_traj_transformer_bigger', 'models/model-extra.pt', 'model-extra.pt'],
    ]);
    expect(plan.decoding).toEqual({ generator: 'beam', beamSize: 6, normalizationFactor: 0.5, maxSteps: 35, returnHypotheses: null });
    expect(plan.transform).toEqual({ name: 'traj_feats_and_nearest_key', includeCoords: undefined, includeTime: false, includeVelocities: true, includeAccelerations: true });
    expect(plan.useVocabulary).toBe(true);
    expect(plan.nClasses).toBe(35);
    expect(plan.device).toBe('auto');
  });

  it('accepts the Yandex Cup config shape (no include_* members, n_classes null)', () => {
    const c = seedConfig();
    const p = c.prediction_config as Record<string, unknown>;
    delete p.include_time;
    delete p.include_velocities;
    delete p.include_accelerations;
    p.n_classes = null;
    p.use_vocab_for_generation = false;
    p.generator_call_kwargs = { max_steps_n: 23, return_hypotheses_n: 7, beamsize: 6, normalization_factor: 0.5 };
    const plan = loadPredictionConfig(write('c.json', c));
    expect(plan.nClasses).toBeNull();
    expect(plan.transform.includeTime).toBeUndefined();
    expect(plan.decoding).toMatchObject({ maxSteps: 23, returnHypotheses: 7 });
  });

  it.each([
    ['an unknown member', (p: Record<string, unknown>) => (p.num_workers = 0), /c\.json: prediction_config\.num_workers: unknown field/],
    ['a wrong type', (p: Record<string, unknown>) => (p.use_vocab_for_generation = 'yes'), /c\.json: prediction_config\.use_vocab_for_generation: expected boolean/],
    ['a missing member', (p: Record<string, unknown>) => delete p.voc_path, /c\.json: prediction_config\.voc_path: missing field/],
    ['an unknown architecture', (p: Record<string, unknown>) => (at(p.model_params as unknown[][], 1)[1] = 'm2'), /prediction_config\.model_params\[1\]\[1\]: expected one of "m1"/],
    ['a bad split', (p: Record<string, unknown>) => (p.data_split = 'train'), /prediction_config\.data_split: expected one of "val", "test"/],
    ['a bad transform', (p: Record<string, unknown>) => (p.transform_name = 'traj_feats_and_distances'), /prediction_config\.transform_name: expected one of/],
  ])('rejects %s naming the file and the field', (_what, mutate, message) => {
    const c = seedConfig();
    mutate(c.prediction_config as Record<string, unknown>);
    expect(() => loadPredictionConfig(write('c.json', c))).toThrow(message);
  });

  it.each([
    ['data_split__to__path.val', 'data/valid__in_train_format.jsonl'],
    ['voc_path', 'data/voc.txt'],
    ['grid_name_to_grid__path', 'data/gridname_to_grid.json'],
    ['model_params[1][2]', 'models/model-extra.pt'],
  ])('reports a missing file by its field: %s', (field, file) => {
    rmSync(join(dir, file));
    const f = write('c.json', seedConfig());
    expect(() => loadPredictionConfig(f)).toThrow(`${f}: prediction_config.${field}: file not found: ${join(dir, file)}`);
  });

  it('requires out_path to exist (as the seed does)', () => {
    const c = seedConfig();
    (c.prediction_config as Record<string, unknown>).out_path = 'nowhere';
    expect(() => loadPredictionConfig(write('c.json', c))).toThrow(/prediction_config\.out_path: folder not found/);
  });

  it('rejects a document with both or neither section', () => {
    expect(() => loadPredictionConfig(write('c.json', { ...seedConfig(), predict: {} }))).toThrow(/expected exactly one of prediction_config .* or predict/);
    expect(() => loadPredictionConfig(write('c.json', { aggregation_config: {} }))).toThrow(/expected exactly one of/);
  });

  it('names the file and position of invalid JSON', () => {
    const f = join(dir, 'bad.json');
    writeFileSync(f, '{"prediction_config": ');
    expect(() => loadPredictionConfig(f)).toThrow(new RegExp(`${f}: invalid JSON`));
  });
});

describe('strict generator options (docs/SEED.md §7.4)', () => {
  it('requires every parameter of the generator, written out', () => {
    const c = seedConfig();
    (c.prediction_config as Record<string, unknown>).generator_call_kwargs = { max_steps_n: 35, beamsize: 6, normalization_factor: 0.5 };
    expect(() => loadPredictionConfig(write('c.json', c))).toThrow(/prediction_config\.generator_call_kwargs: missing return_hypotheses_n: generator beam takes exactly max_steps_n, return_hypotheses_n, beamsize, normalization_factor/);
  });

  it('rejects a redundant parameter (e.g. the YC branch\'s verbose)', () => {
    const c = seedConfig();
    (c.prediction_config as Record<string, unknown>).generator_call_kwargs = { max_steps_n: 35, return_hypotheses_n: null, beamsize: 6, normalization_factor: 0.5, verbose: false };
    expect(() => loadPredictionConfig(write('c.json', c))).toThrow(/generator_call_kwargs\.verbose: not a parameter of generator beam/);
  });

  it('checks per generator: greedy takes only max_steps_n', () => {
    expect(strictDecodingOptions('greedy', { max_steps_n: 20 }, 'seed', 'f: kw')).toEqual({ generator: 'greedy', maxSteps: 20 });
    expect(() => strictDecodingOptions('greedy', { max_steps_n: 20, beamsize: 6 }, 'seed', 'f: kw')).toThrow('f: kw.beamsize: not a parameter of generator greedy (it takes exactly: max_steps_n)');
    expect(() => strictDecodingOptions('sampling', {}, 'seed', 'f: kw')).toThrow(/f: kw: unknown generator "sampling"/);
  });

  it('names the seed field of a bad value', () => {
    expect(() => strictDecodingOptions('beam', { max_steps_n: 35, return_hypotheses_n: null, beamsize: 0, normalization_factor: 0.5 }, 'seed', 'f: kw')).toThrow(/^f: kw\.beamsize: expected an integer in 1\.\.35, got 0$/);
    expect(() => strictDecodingOptions('beam', { max_steps_n: '35', return_hypotheses_n: null, beamsize: 6, normalization_factor: 0.5 }, 'seed', 'f: kw')).toThrow(/^f: kw\.max_steps_n: expected an integer/);
  });

  it('gives equal canonical options for equal predictors in either naming, different ones otherwise', () => {
    const seed = strictDecodingOptions('beam', { normalization_factor: 0.5, beamsize: 6, return_hypotheses_n: null, max_steps_n: 35 }, 'seed', 'a');
    const ours = strictDecodingOptions('beam', { generator: 'beam', maxSteps: 35, beamSize: 6, normalizationFactor: 0.5, returnHypotheses: null }, 'native', 'b');
    expect(canonicalOptions(seed)).toBe(canonicalOptions(ours));
    expect(canonicalOptions(seed)).toBe('{"beamSize":6,"maxSteps":35,"normalizationFactor":0.5,"returnHypotheses":null}');
    const other = strictDecodingOptions('beam', { normalization_factor: 0.5, beamsize: 6, return_hypotheses_n: 4, max_steps_n: 35 }, 'seed', 'a');
    expect(canonicalOptions(other)).not.toBe(canonicalOptions(seed));
    expect(seedKwargs(seed)).toEqual({ max_steps_n: 35, return_hypotheses_n: null, beamsize: 6, normalization_factor: 0.5 });
    expect(Object.keys(seedKwargs(seed))).toEqual(['max_steps_n', 'return_hypotheses_n', 'beamsize', 'normalization_factor']);
  });
});

describe('--set overrides', () => {
  it('parses JSON values and falls back to strings', () => {
    expect(parseOverride('a.b=4')).toMatchObject({ path: ['a', 'b'], value: 4 });
    expect(parseOverride('a=null').value).toBeNull();
    expect(parseOverride('a=greedy').value).toBe('greedy');
    expect(parseOverride('a=[1,"x"]').value).toEqual([1, 'x']);
    expect(parseOverride('a=x=y').value).toBe('x=y');
    expect(() => parseOverride('novalue')).toThrow(/--set novalue: expected path=value/);
    expect(() => parseOverride('a..b=1')).toThrow(/empty segment/);
  });

  it('sets nested members, array elements, and paths inside the single section', () => {
    const c = seedConfig();
    applyOverrides(c, [
      parseOverride('prediction_config.generator_call_kwargs.beamsize=3'),
      parseOverride('data_split=test'),
      parseOverride('model_params.1.0=default'),
    ]);
    const p = c.prediction_config as Record<string, unknown>;
    expect((p.generator_call_kwargs as Record<string, unknown>).beamsize).toBe(3);
    expect(p.data_split).toBe('test');
    expect(at(p.model_params as string[][], 1)[0]).toBe('default');
    expect(() => applyOverrides(c, [parseOverride('data_split.x=1')])).toThrow(/prediction_config\.data_split is "test", not an object or array/);
    expect(() => applyOverrides(c, [parseOverride('model_params.x.0=1')])).toThrow(/is not an element index/);
  });

  it('refuses prototype segments in paths and values, leaving Object.prototype clean', () => {
    for (const arg of ['__proto__.x=1', 'constructor.prototype.x=1', 'prediction_config.__proto__.polluted=1', 'a.prototype=1', 'generator_call_kwargs.constructor=3']) {
      expect(() => parseOverride(arg)).toThrow(/is not allowed \(it names an object's prototype/);
      expect(() => applyOverrides(seedConfig(), [{ path: arg.slice(0, arg.indexOf('=')).split('.'), value: 1, source: arg }])).toThrow(/is not allowed/);
    }
    expect(() => parseOverride('generator_call_kwargs={"__proto__":{"x":1}}')).toThrow(/member named "__proto__"/);
    expect(() => parseOverride('a=[{"b":{"constructor":1}}]')).toThrow(/member named "constructor"/);
    const f = write('proto.json', seedConfig());
    expect(() => loadPredictionConfig(f, ['__proto__.polluted=yes'])).toThrow(/--set __proto__\.polluted=yes: the path segment "__proto__" is not allowed/);
    // a member that only exists on the prototype chain (toString) is not taken as a top-level member
    const c = seedConfig();
    applyOverrides(c, [parseOverride('toString=1')]);
    expect(Object.hasOwn(c, 'toString')).toBe(false);
    // eslint-disable-next-line @typescript-eslint/unbound-method -- the property's value is the point, not a call
    expect((c.prediction_config as Record<string, unknown>).toString).toBe(1);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect(Object.keys(Object.prototype)).toEqual([]);
  });

  it('is validated like the file: an override to an unknown field is an error', () => {
    const f = write('c.json', seedConfig());
    expect(() => loadPredictionConfig(f, ['generator_call_kwargs.beam_size=4'])).toThrow(/generator_call_kwargs\.beam_size: not a parameter of generator beam/);
    expect(() => loadPredictionConfig(f, ['generator=greedy'])).toThrow(/generator_call_kwargs\.return_hypotheses_n: not a parameter of generator greedy/);
    const plan = loadPredictionConfig(f, ['generator=greedy', 'generator_call_kwargs={"max_steps_n":12}', 'data_split=test', 'data_split__to__path.test=data/voc.txt']);
    expect(plan.decoding).toEqual({ generator: 'greedy', maxSteps: 12 });
    expect(plan.dataPath).toBe(join(dir, 'data/voc.txt'));
  });
});

describe('neuroswipe predict format', () => {
  function native(): Record<string, unknown> {
    return {
      predict: {
        split: 'val',
        data: { val: 'data/valid__in_train_format.jsonl' },
        vocabulary: 'data/voc.txt',
        useVocabulary: true,
        modelsRoot: 'models',
        models: [{ grid: 'extra', architecture: 'm1_bigger', weights: 'model-extra.pt' }],
        decoding: { generator: 'beam-sync', beamSize: 4, normalizationFactor: 0.5, maxSteps: 20, returnHypotheses: 4 },
        outDir: 'preds',
        chunkSize: 16,
      },
    };
  }

  it('resolves paths against the config file folder and creates outDir', () => {
    mkdirSync(join(dir, 'sub'));
    process.chdir(join(dir, 'sub'));
    const plan = loadPredictionConfig(write('c.json', native()));
    expect(plan.format).toBe('native');
    expect(plan.dataPath).toBe(join(dir, 'data/valid__in_train_format.jsonl'));
    expect(plan.outDir).toBe(join(dir, 'preds'));
    expect(at(plan.predictors, 0).weights).toBe('models/model-extra.pt');
    expect(plan.decoding).toEqual({ generator: 'beam-sync', beamSize: 4, normalizationFactor: 0.5, maxSteps: 20, returnHypotheses: 4 });
    expect(plan.chunkSize).toBe(16);
  });

  it('reads the engine options the section gives (device, batchSize, workers, threads, chunkSize), each checked by its declaration', () => {
    const c = native();
    Object.assign(c.predict as Record<string, unknown>, { device: 'cpu', batchSize: 'auto', workers: 3, threads: 2 });
    const plan = loadPredictionConfig(write('c.json', c));
    expect([plan.device, plan.batchSize, plan.workers, plan.threads, plan.chunkSize]).toEqual(['cpu', 'auto', 3, 2, 16]);
    const d = native();
    (d.predict as Record<string, unknown>).workers = 0;
    expect(() => loadPredictionConfig(write('c.json', d))).toThrow(/c\.json: predict\.workers: expected >= 1/);
    const e = native();
    (e.predict as Record<string, unknown>).device = 'gpu';
    expect(() => loadPredictionConfig(write('c.json', e))).toThrow(/predict\.device/);
  });

  it('uses the same strictness and field names', () => {
    const c = native();
    (c.predict as Record<string, Record<string, unknown>>).decoding = { generator: 'beam', beamSize: 4 };
    expect(() => loadPredictionConfig(write('c.json', c))).toThrow(/predict\.decoding: missing maxSteps, returnHypotheses, normalizationFactor/);
    const d = native();
    at((d.predict as Record<string, unknown>).models as Record<string, unknown>[], 0).weight = 'x';
    expect(() => loadPredictionConfig(write('c.json', d))).toThrow(/predict\.models\[0\]\.weight: unknown field/);
    const e = native();
    (e.predict as Record<string, unknown>).useVocabulary = true;
    delete (e.predict as Record<string, unknown>).vocabulary;
    expect(() => loadPredictionConfig(write('c.json', e))).toThrow(/predict\.vocabulary: missing field \(useVocabulary is true\)/);
  });
});

describe('configs/examples', () => {
  it('every example config passes the schema and the strict generator options', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const { validateConfigDocument } = await import('../../lib/config/schema.js');
    const folder = new URL('../../configs/examples/', import.meta.url).pathname;
    const files = readdirSync(folder).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const f of files) {
      const doc = JSON.parse(readFileSync(join(folder, f), 'utf8')) as Record<string, Record<string, unknown>>;
      validateConfigDocument(doc, f);
      if (doc.prediction_config) strictDecodingOptions(doc.prediction_config.generator, doc.prediction_config.generator_call_kwargs as Record<string, unknown>, 'seed', f);
      else strictDecodingOptions((own(doc, 'predict').decoding as Record<string, unknown>).generator, own(doc, 'predict').decoding as Record<string, unknown>, 'native', f);
    }
  });
});
