/**
 * `vocabScoring` end to end, the option added through the options schema (lib/options/schema.ts): the
 * `--vocab-scoring` flag of decode, predict and serve, `vocabScoring` in neuroswipe configs, `vocab_scoring` in
 * prediction metadata and in the predictor identity. On the example model, its vocabulary and real swipes:
 * decode with the flag gives the library's rows with that scoring; a neuroswipe config with it predicts those
 * rows into another predictor (file, registry row) than the default; seed-format configs, `--reference` and
 * serve without a vocabulary refuse `'model'`, naming the field.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Decoder } from '../../lib/decode/decoder.js';
import { loadPredictionConfig } from '../../lib/config/load.js';
import { Model } from '../../lib/model/model.js';
import { readPredictionFile, type PredictionRow } from '../../lib/predictions.js';
import { identityFromMeta, identityKey } from '../../lib/predict/predictor.js';
import { Registry } from '../../lib/registry/registry.js';
import { DEFAULT_VOCAB_SCORING } from '../../lib/options/schema.js';
import { Vocabulary } from '../../lib/vocabulary.js';
import { readSwipes } from '../../lib/data/dataset.js';
import { loadGrids } from '../../lib/keyboard/grid.js';
import { at } from '../../lib/util/checked.js';
import { EXAMPLE_MODEL, EXAMPLE_VALID, EXAMPLE_VOCAB } from '../helpers/examples.js';

const BIN = new URL('../../bin/neuroswipe.js', import.meta.url).pathname;
let dir: string;

function cli(args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: dir });
}

function rowsOf(file: string): PredictionRow[] {
  return readFileSync(join(dir, file), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as PredictionRow);
}

function expectSameRows(a: readonly PredictionRow[], b: readonly { candidates: [number, string][] }[]): void {
  expect(a).toHaveLength(b.length);
  a.forEach((row, i) => {
    const other = at(b, i).candidates;
    expect(row.candidates.map((c) => c[1]), `row ${i}`).toEqual(other.map((c) => c[1]));
    row.candidates.forEach((c, k) => expect(c[0]).toBeCloseTo(at(other, k)[0], 5));
  });
}

/** A neuroswipe config decoding data.jsonl with the example model and its vocabulary into `out`. */
function nativeConfig(name: string, out: string, extra: Record<string, unknown>): string {
  writeFileSync(join(dir, name), JSON.stringify({
    predict: {
      split: 'val', data: { val: 'data.jsonl' }, vocabulary: EXAMPLE_VOCAB, useVocabulary: true, outDir: out,
      models: [{ grid: 'default', architecture: 'm1_bigger', weights: EXAMPLE_MODEL }],
      decoding: { generator: 'beam', beamSize: 4, normalizationFactor: 0.5, maxSteps: 35, returnHypotheses: 5 },
      ...extra,
    },
  }));
  return name;
}

function seedConfig(name: string, out: string): string {
  mkdirSync(join(dir, out), { recursive: true });
  writeFileSync(join(dir, name), JSON.stringify({
    prediction_config: {
      model_params: [['default', 'm1_bigger', EXAMPLE_MODEL]], out_path: join(dir, out), data_split: 'val', data_split__to__path: { val: join(dir, 'data.jsonl') },
      models_root: '', voc_path: EXAMPLE_VOCAB, transform_name: 'traj_feats_and_nearest_key', generator: 'beam',
      generator_call_kwargs: { max_steps_n: 35, return_hypotheses_n: 5, beamsize: 4, normalization_factor: 0.5 }, use_vocab_for_generation: true,
    },
  }));
  return name;
}

/** The library's rows of data.jsonl with the example model, its vocabulary and a scoring. */
async function libraryRows(vocabScoring: 'model' | 'seed'): Promise<{ candidates: [number, string][] }[]> {
  const model = await Model.load(EXAMPLE_MODEL, { device: 'cpu' });
  try {
    const swipes = [];
    for await (const s of readSwipes(join(dir, 'data.jsonl'), { grids: loadGrids() })) swipes.push(s);
    const vocabulary = await Vocabulary.fromFile(EXAMPLE_VOCAB, model, { maxLength: 34 });
    const d = await Decoder.create(model, { decoding: { generator: 'beam', beamSize: 4, returnHypotheses: 5 }, vocabulary, vocabScoring, workers: 1 });
    return (await d.decode(swipes)).rows;
  } finally {
    model.dispose();
  }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'neuroswipe-vocab-scoring-'));
  const lines = readFileSync(EXAMPLE_VALID, 'utf8').split('\n').filter((l) => l.includes('"grid_name":"default"') || l.includes('"grid_name": "default"'));
  writeFileSync(join(dir, 'data.jsonl'), lines.slice(0, 6).join('\n') + '\n');
});

describe('--vocab-scoring on the command line', () => {
  it('decode --vocab-scoring model gives the library rows of model scoring; seed the default rows', async () => {
    const base = ['decode', '--model', EXAMPLE_MODEL, '--data', 'data.jsonl', '--vocab', EXAMPLE_VOCAB, '--use-vocab', '--beam-size', '4', '--return-hypotheses', '5', '--workers', '1', '--quiet', '--force'];
    const m = cli([...base, '--vocab-scoring', 'model', '--out', 'model.jsonl']);
    expect(m.status, m.stderr).toBe(0);
    const s = cli([...base, '--vocab-scoring', 'seed', '--out', 'seed.jsonl']);
    expect(s.status, s.stderr).toBe(0);
    const d = cli([...base, '--out', 'default.jsonl']);
    expect(d.status, d.stderr).toBe(0);
    expectSameRows(rowsOf('model.jsonl'), await libraryRows('model'));
    expectSameRows(rowsOf('seed.jsonl'), await libraryRows('seed'));
    expect(readFileSync(join(dir, 'default.jsonl'), 'utf8')).toBe(readFileSync(join(dir, `${DEFAULT_VOCAB_SCORING}.jsonl`), 'utf8'));
    expect(readFileSync(join(dir, 'model.jsonl'), 'utf8')).not.toBe(readFileSync(join(dir, 'seed.jsonl'), 'utf8'));
  });

  it.each([
    [['--vocab-scoring', 'model'], /--vocab-scoring: applies only with --use-vocab/],
    [['--use-vocab', '--vocab', EXAMPLE_VOCAB, '--reference', '--vocab-scoring', 'model'], /--vocab-scoring: --reference scores the vocabulary as the seed does \('seed'\); drop --vocab-scoring/],
    [['--use-vocab', '--vocab', EXAMPLE_VOCAB, '--vocab-scoring', 'plain'], /option '--vocab-scoring <mode>' argument 'plain' is invalid/],
  ])('decode refuses %j', (args, message) => {
    const r = cli(['decode', '--model', EXAMPLE_MODEL, '--data', 'data.jsonl', ...args, '--out', 'never.jsonl']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(message);
  });

  it('serve refuses --vocab-scoring without --use-vocab before loading a model; its help lists the flag', () => {
    const r = cli(['serve', '--model', join(dir, 'no-such-model.pt'), '--vocab-scoring', 'model']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/--vocab-scoring: applies only with --use-vocab/);
    for (const command of ['decode', 'serve', 'predict']) expect(cli([command, '--help']).stdout).toMatch(/--vocab-scoring <mode>/);
  });
});

describe('vocabScoring in configs and in the predictor identity', () => {
  it('a neuroswipe config with vocabScoring seed predicts the seed-scoring rows as another predictor than the default (model)', async () => {
    expect(DEFAULT_VOCAB_SCORING).toBe('model');
    expect(loadPredictionConfig(join(dir, nativeConfig('default.json', 'out', {}))).vocabScoring).toBe(DEFAULT_VOCAB_SCORING);
    expect(cli(['predict', '--config', 'default.json', '--device', 'cpu', '--quiet']).status).toBe(0);
    const m = cli(['predict', '--config', nativeConfig('seed.json', 'out', { vocabScoring: 'seed' }), '--device', 'cpu', '--quiet']);
    expect(m.status, m.stderr).toBe(0);
    // The flag is the same as the config field: an equal predictor, already done.
    const again = cli(['predict', '--config', 'default.json', '--vocab-scoring', 'model', '--device', 'cpu']);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/already done/);
    const files = readdirSync(join(dir, 'out')).filter((f) => f.endsWith('.val.jsonl')).sort();
    expect(files).toHaveLength(2);
    const preds = await Promise.all(files.map((f) => readPredictionFile(join(dir, 'out', f))));
    const withModel = preds.find((p) => p.meta?.vocab_scoring === 'model');
    const withSeed = preds.find((p) => p.meta?.vocab_scoring === undefined);
    expect(withModel).toBeDefined();
    expect(withSeed).toBeDefined();
    expectSameRows(withModel!.rows, await libraryRows('model'));
    expectSameRows(withSeed!.rows, await libraryRows('seed'));
    const r = Registry.open(join(dir, 'out', 'registry.sqlite'), { create: false, readonly: true });
    try {
      const options = r.list().map((row) => row.generatorOptions).sort();
      expect(options).toHaveLength(2);
      expect(options.filter((o) => o.includes('"vocabScoring":"model"'))).toHaveLength(1);
    } finally {
      r.close();
    }
  });

  it('the identity counts vocab_scoring only when it is not the seed’s, and checks it', async () => {
    const file = readdirSync(join(dir, 'out')).find((f) => f.endsWith('.val.jsonl'))!;
    const meta = (await readPredictionFile(join(dir, 'out', file))).meta!;
    const { vocab_scoring: _, ...plain } = meta;
    const id = (m: Record<string, unknown>) => identityKey(identityFromMeta(m, 'f'));
    expect(id({ ...plain, vocab_scoring: 'seed' })).toBe(id(plain));
    expect(id({ ...plain, vocab_scoring: 'model' })).not.toBe(id(plain));
    expect(() => id({ ...plain, vocab_scoring: 'plain' })).toThrow(`f: predictor.vocab_scoring: expected 'model' or 'seed', got "plain"`);
    expect(() => id({ ...plain, use_vocab_for_generation: false, vocab_scoring: 'model' })).toThrow('f: predictor.vocab_scoring: applies only with use_vocab_for_generation');
  });

  it('seed-format configs score as the seed: vocab_scoring model is refused, in the config or by --vocab-scoring', () => {
    const name = seedConfig('seed.json', 'out-seed');
    expect(loadPredictionConfig(join(dir, name)).vocabScoring).toBe('seed');
    const want = `${join(dir, name)}: prediction_config.vocab_scoring: a seed-format config scores the vocabulary as the seed does ('seed'); drop vocab_scoring`;
    expect(() => loadPredictionConfig(join(dir, name), ['vocab_scoring=model'])).toThrow(want);
    const r = cli(['predict', '--config', name, '--vocab-scoring', 'model']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("prediction_config.vocab_scoring: a seed-format config scores the vocabulary as the seed does ('seed')");
    expect(() => loadPredictionConfig(join(dir, nativeConfig('novocab.json', 'out2', { useVocabulary: false, vocabScoring: 'model' })))).toThrow(
      /predict\.vocabScoring: applies only with useVocabulary/,
    );
  });
});
