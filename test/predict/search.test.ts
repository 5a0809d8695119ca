/**
 * `neuroswipe predict` with Levenshtein repair and the word-frequency prior, on the trained example model and
 * real example swipes: a config predicts the rows `neuroswipe decode` gives with the same options, and the
 * repair's word list (the vocabulary file) and the prior's frequency file are part of the predictor's identity
 * by their content, so changing either gives another prediction file and another registry row.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from '../../lib/registry/registry.js';
import { readPredictionFile, type PredictionRow } from '../../lib/predictions.js';
import { at } from '../../lib/util/checked.js';
import { EXAMPLE_MODEL, EXAMPLE_VALID, EXAMPLE_VOCAB } from '../helpers/examples.js';

const BIN = new URL('../../bin/neuroswipe.js', import.meta.url).pathname;
const BEAM = { max_steps_n: 35, return_hypotheses_n: null, beamsize: 6, normalization_factor: 0.5 };
let dir: string;
let words: string[];

function cli(args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: dir });
}

/** A seed-format config decoding valid.jsonl with the example model into `out`. */
function config(name: string, out: string, fields: Record<string, unknown>): string {
  mkdirSync(join(dir, out), { recursive: true });
  writeFileSync(join(dir, name), JSON.stringify({
    prediction_config: {
      model_params: [['default', 'm1_bigger', EXAMPLE_MODEL]],
      out_path: out,
      data_split: 'val',
      data_split__to__path: { val: 'valid.jsonl' },
      models_root: '',
      voc_path: 'voc.txt',
      transform_name: 'traj_feats_and_nearest_key',
      generator: 'beam',
      generator_call_kwargs: BEAM,
      use_vocab_for_generation: false,
      ...fields,
    },
  }));
  return name;
}

function predictionFiles(out: string): string[] {
  return readdirSync(join(dir, out)).filter((f) => f.endsWith('.val.jsonl')).sort();
}

function registryRows(out: string) {
  const r = Registry.open(join(dir, out, 'registry.sqlite'), { create: false, readonly: true });
  try {
    return r.list();
  } finally {
    r.close();
  }
}

/** `neuroswipe decode` of valid.jsonl with the example model and `args`. */
async function decode(out: string, args: string[]): Promise<PredictionRow[]> {
  const r = cli(['decode', '--model', EXAMPLE_MODEL, '--data', 'valid.jsonl', '--device', 'cpu', '--out', out, '--force', '--quiet', ...args]);
  expect(r.status, r.stderr).toBe(0);
  return (await readPredictionFile(join(dir, out))).rows;
}

function expectSameRows(a: readonly PredictionRow[], b: readonly PredictionRow[]): void {
  expect(a.map((r) => r.index)).toEqual(b.map((r) => r.index));
  a.forEach((row, i) => {
    const other = at(b, i);
    expect(row.candidates.map((c) => c[1]), `row ${row.index}`).toEqual(other.candidates.map((c) => c[1]));
    row.candidates.forEach((c, k) => expect(c[0]).toBeCloseTo(at(other.candidates, k)[0], 5));
  });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'neuroswipe-predict-search-'));
  writeFileSync(join(dir, 'valid.jsonl'), readFileSync(EXAMPLE_VALID, 'utf8').split('\n').slice(0, 24).join('\n') + '\n');
  const text = readFileSync(EXAMPLE_VOCAB, 'utf8');
  words = text.split('\n').filter((w) => w.length > 0);
  writeFileSync(join(dir, 'voc.txt'), text);
  // Zipf counts by line order.
  writeFileSync(join(dir, 'freq.tsv'), words.map((w, i) => `${w}\t${Math.round(1e6 / (i + 1))}`).join('\n') + '\n');
});

describe('predict with Levenshtein repair', () => {
  it('predicts the rows of `decode --repair levenshtein` on the same swipes', async () => {
    const kwargs = { ...BEAM, repair: 'levenshtein', repair_distance: 2, repair_rescore: 8 };
    const r = cli(['predict', '--config', config('repair.json', 'out-repair', { generator_call_kwargs: kwargs }), '--device', 'cpu', '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    const files = predictionFiles('out-repair');
    expect(files).toHaveLength(1);
    const predicted = await readPredictionFile(join(dir, 'out-repair', at(files, 0)));
    expect(predicted.meta).toMatchObject({ generator_call_kwargs: kwargs, use_vocab_for_generation: false });
    expect(typeof predicted.meta?.vocabulary_sha256).toBe('string');
    const decoded = await decode('decode-repair.jsonl', ['--vocab', 'voc.txt', '--repair', 'levenshtein', '--repair-distance', '2', '--repair-rescore', '8']);
    expectSameRows(predicted.rows, decoded);
    // The repair did something: the plain beam has non-words, the repaired rows none.
    const vocab = new Set(words);
    const plain = await decode('decode-plain.jsonl', []);
    expect(plain.some((row) => row.candidates.some((c) => !vocab.has(c[1])))).toBe(true);
    for (const row of predicted.rows) for (const [, w] of row.candidates) expect(vocab.has(w), w).toBe(true);
  });

  it('is another predictor when the word list changes', () => {
    const kwargs = { ...BEAM, repair: 'levenshtein', repair_distance: 1, repair_rescore: 4 };
    const name = config('repair2.json', 'out-repair2', { generator_call_kwargs: kwargs, voc_path: 'voc2.txt' });
    writeFileSync(join(dir, 'voc2.txt'), words.slice(0, 15000).join('\n') + '\n');
    expect(cli(['predict', '--config', name, '--device', 'cpu', '--quiet']).status).toBe(0);
    // Same path, other content.
    writeFileSync(join(dir, 'voc2.txt'), words.slice(0, 14999).join('\n') + '\n');
    const again = cli(['predict', '--config', name, '--device', 'cpu']);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).not.toMatch(/already done/);
    expect(predictionFiles('out-repair2')).toHaveLength(2);
    const rows = registryRows('out-repair2');
    expect(rows).toHaveLength(2);
    expect(at(rows, 0).generatorOptions).toBe(at(rows, 1).generatorOptions);
    expect(at(rows, 0).useVocab).toBe(false);
    expect(at(rows, 0).vocabSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(at(rows, 0).vocabSha256).not.toBe(at(rows, 1).vocabSha256);
  });
});

describe('predict with the word-frequency prior', () => {
  it('predicts the rows of `decode --prior`, with the frequency file in the identity', async () => {
    const kwargs = { ...BEAM, prior_weight: 0.05, prior_length: 0.01 };
    const name = config('prior.json', 'out-prior', { generator_call_kwargs: kwargs, use_vocab_for_generation: true, prior_path: 'freq.tsv' });
    const r = cli(['predict', '--config', name, '--device', 'cpu', '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    const files = predictionFiles('out-prior');
    expect(files).toHaveLength(1);
    const predicted = await readPredictionFile(join(dir, 'out-prior', at(files, 0)));
    expect(predicted.meta?.prior_sha256).toMatch(/^[0-9a-f]{64}$/);
    // A seed-format config scores the vocabulary as the seed does; `decode` is told to as well.
    const decoded = await decode('decode-prior.jsonl', ['--vocab', 'voc.txt', '--use-vocab', '--vocab-scoring', 'seed', '--prior', 'freq.tsv', '--prior-weight', '0.05', '--prior-length', '0.01']);
    expectSameRows(predicted.rows, decoded);
    // The prior changed the ranking of some swipe (else this test would not tell it was applied).
    const plain = await decode('decode-vocab.jsonl', ['--vocab', 'voc.txt', '--use-vocab', '--vocab-scoring', 'seed']);
    expect(plain.some((row, i) => row.candidates.map((c) => c[1]).join() !== at(decoded, i).candidates.map((c) => c[1]).join())).toBe(true);
    // Another frequency file content: another predictor.
    writeFileSync(join(dir, 'freq.tsv'), words.map((w, i) => `${w}\t${i + 1}`).join('\n') + '\n');
    expect(cli(['predict', '--config', name, '--device', 'cpu', '--quiet']).status).toBe(0);
    const rows = registryRows('out-prior');
    expect(rows).toHaveLength(2);
    const [a, b] = rows.map((row) => JSON.parse(row.generatorOptions) as Record<string, unknown>);
    expect(a).toMatchObject({ priorWeight: 0.05, priorLength: 0.01 });
    expect(a?.priorSha256).not.toBe(b?.priorSha256);
  });

  it('names the config file and field of a bad prior or repair field', () => {
    const bad = cli(['predict', '--config', config('bad.json', 'out-bad', { generator_call_kwargs: { ...BEAM, repair: 'levenshtein', repair_rescore: 0 } }), '--quiet']);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('bad.json: prediction_config.generator_call_kwargs.repair_rescore: expected an integer in 1..1000, got 0');
    writeFileSync(join(dir, 'freq-bad.tsv'), 'дом\t1\nкот\t-3\n');
    const badFreq = cli(['predict', '--config', config('bad2.json', 'out-bad', { generator_call_kwargs: { ...BEAM, prior_weight: 0.1 }, prior_path: 'freq-bad.tsv' }), '--quiet']);
    expect(badFreq.status).not.toBe(0);
    expect(badFreq.stderr).toContain('freq-bad.tsv:2: count: expected a non-negative number, got "-3"');
  });
});
