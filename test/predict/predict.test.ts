/**
 * End to end: `neuroswipe predict` on a seed-style config with real TorchScript models (random-init
 * fixtures) and synthetic swipes on the real grids; resume after kill -9; three shards merged back.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from '../../lib/registry/registry.js';
import { readPredictionFile } from '../../lib/predictions.js';
import { evaluateRows } from '../../lib/evaluate/evaluate.js';
import { readLabels } from '../../lib/data/dataset.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const BIN = join(ROOT, 'bin/neuroswipe.js');
const VOCAB = join(ROOT, 'test/fixtures/generated/vocab.txt');
const MODEL = join(ROOT, 'test/fixtures/generated/m1_bigger.pt');
let dir: string;

function cli(args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: dir });
}

function predict(out: string, extra: string[] = []) {
  mkdirSync(join(dir, out), { recursive: true });
  return cli(['predict', '--config', 'seed.json', '--set', `out_path=${out}`, '--chunk-size', '2', ...extra]);
}

function finals(out: string): string[] {
  return readdirSync(join(dir, out)).filter((f) => f.endsWith('.val.jsonl')).sort();
}

function registryRows(path: string) {
  const r = Registry.open(path, { create: false, readonly: true });
  try {
    return r.list();
  } finally {
    r.close();
  }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'neuroswipe-predict-'));
  const d = join(dir, 'd.jsonl');
  const e = join(dir, 'e.jsonl');
  spawnSync(process.execPath, [BIN, 'synth', '--grid', 'default', '--vocab', VOCAB, '--count', '7', '--seed', '5', '--out', d, '--quiet']);
  spawnSync(process.execPath, [BIN, 'synth', '--grid', 'extra', '--vocab', VOCAB, '--count', '4', '--seed', '6', '--out', e, '--quiet']);
  const dl = readFileSync(d, 'utf8').trim().split('\n');
  const el = readFileSync(e, 'utf8').trim().split('\n');
  writeFileSync(join(dir, 'valid.jsonl'), [dl[0], el[0], dl[1], dl[2], el[1], dl[3], el[2], dl[4], dl[5], el[3], dl[6]].join('\n') + '\n');
  mkdirSync(join(dir, 'models/sub'), { recursive: true });
  copyFileSync(MODEL, join(dir, 'models/m1_bigger.pt'));
  copyFileSync(MODEL, join(dir, 'models/sub/m1_copy.pt'));
  writeFileSync(
    join(dir, 'seed.json'),
    JSON.stringify({
      prediction_config: {
        model_params: [
          ['default', 'm1_bigger', 'm1_bigger.pt'],
          ['extra', 'm1_bigger', 'sub/m1_copy.pt'],
          ['default', 'm1_bigger', 'sub/m1_copy.pt'],
        ],
        out_path: 'ref',
        csv_path: '',
        data_split: 'val',
        data_split__to__path: { val: 'valid.jsonl', test: 'valid.jsonl' },
        grid_name_to_grid__path: join(ROOT, 'data/gridname_to_grid.json'),
        models_root: 'models',
        voc_path: VOCAB,
        transform_name: 'traj_feats_and_nearest_key',
        include_time: false,
        include_velocities: true,
        include_accelerations: true,
        generator: 'greedy',
        generator_call_kwargs: { max_steps_n: 6 },
        use_vocab_for_generation: true,
        n_classes: 35,
      },
      aggregation_config: {},
    }),
  );
  const r = predict('ref');
  if (r.status !== 0) throw new Error(r.stderr);
});

describe('neuroswipe predict (seed config)', () => {
  it('writes one prediction file per predictor: seed record fields as metadata, that grid\'s swipes in line order', async () => {
    const files = finals('ref');
    expect(files).toHaveLength(3);
    const byPrefix = (p: string) => files.filter((f) => f.startsWith(p));
    expect(byPrefix('m1_bigger.pt.default.greedy.')).toHaveLength(1);
    expect(byPrefix('sub__m1_copy.pt.extra.greedy.')).toHaveLength(1);
    expect(byPrefix('sub__m1_copy.pt.default.greedy.')).toHaveLength(1);
    const f = await readPredictionFile(join(dir, 'ref', byPrefix('sub__m1_copy.pt.extra.')[0]));
    expect(f.meta).toMatchObject({
      model_name: 'm1_bigger',
      model_weights: 'models/sub/m1_copy.pt',
      generator_name: 'greedy',
      generator_call_kwargs: { max_steps_n: 6 },
      use_vocab_for_generation: true,
      grid_name: 'extra',
      dataset_split: 'val',
      include_coords: true,
      include_time: false,
      include_velocities: true,
      include_accelerations: true,
      transform_name: 'traj_feats_and_nearest_key',
    });
    expect(Object.keys(f.meta!).slice(0, 12)).toEqual([
      'model_name', 'model_weights', 'generator_name', 'generator_call_kwargs', 'use_vocab_for_generation', 'grid_name',
      'dataset_split', 'include_coords', 'include_time', 'include_velocities', 'include_accelerations', 'transform_name',
    ]);
    expect(f.rows.map((r) => r.index)).toEqual([1, 4, 6, 9]);
    const vocab = new Set(readFileSync(VOCAB, 'utf8').split('\n'));
    for (const r of f.rows) {
      expect(r.grid_name).toBe('extra');
      expect(r.candidates).toHaveLength(1);
      // greedy with the vocabulary: a dictionary word, or one cut by the 6-step limit
      const w = r.candidates[0][1];
      expect(vocab.has(w) || [...vocab].some((v) => v.startsWith(w))).toBe(true);
    }
  });

  it('records one registry row per predictor with its validation file, Swipe MRR and accuracy', async () => {
    const rows = registryRows(join(dir, 'ref/registry.sqlite'));
    expect(rows.map((r) => [r.id, r.weightsPath, r.grid, r.generator, r.generatorOptions, r.useVocab, r.testPredsPath])).toEqual([
      [1, 'models/m1_bigger.pt', 'default', 'greedy', '{"maxSteps":6}', true, null],
      [2, 'models/sub/m1_copy.pt', 'extra', 'greedy', '{"maxSteps":6}', true, null],
      [3, 'models/sub/m1_copy.pt', 'default', 'greedy', '{"maxSteps":6}', true, null],
    ]);
    expect(rows[0].weightsSha256).toBe(rows[1].weightsSha256);
    const labels = await readLabels(join(dir, 'valid.jsonl'));
    for (const r of rows) {
      expect(r.valPredsPath).toMatch(/\.val\.jsonl$/);
      const m = evaluateRows((await readPredictionFile(join(dir, 'ref', r.valPredsPath!))).rows, labels, r.valPredsPath!);
      expect(r.valMrr).toBe(m.mrr);
      expect(r.valAccuracy).toBe(m.accuracy);
    }
  });

  it('skips predictors already done and changes nothing', () => {
    const before = finals('ref').map((f) => readFileSync(join(dir, 'ref', f)));
    const r = predict('ref');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.match(/ skipped /g)).toHaveLength(3);
    expect(r.stdout).toMatch(/^predictor\s+grid\s+status\s+swipes\s+seconds\s+swipes\/s$/m);
    expect(r.stderr).toMatch(/already done .*, skipped/);
    finals('ref').forEach((f, i) => expect(readFileSync(join(dir, 'ref', f)).equals(before[i])).toBe(true));
    expect(registryRows(join(dir, 'ref/registry.sqlite'))).toHaveLength(3);
  });

  it('rejects a model whose architecture differs from the config, naming the entry', () => {
    const r = predict('bad', ['--set', 'model_params.0.1=m1']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/seed\.json: prediction_config\.model_params\[0\]: the config names architecture m1, but .*m1_bigger\.pt is a m1_bigger model/);
  });

  it('resumes after kill -9: the rerun\'s files equal an uninterrupted run byte for byte', async () => {
    mkdirSync(join(dir, 'killed'));
    const child = spawn(process.execPath, [BIN, 'predict', '--config', 'seed.json', '--set', 'out_path=killed', '--chunk-size', '2'], { cwd: dir, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let done = 0;
    for (let i = 0; i < 3000 && done === 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
      done = finals('killed').length;
    }
    child.kill('SIGKILL');
    expect(await exited).toBeNull();
    const atKill = finals('killed');
    expect(atKill.length).toBeGreaterThanOrEqual(1);
    expect(atKill.length).toBeLessThan(3);
    for (const f of atKill) expect(readFileSync(join(dir, 'killed', f)).equals(readFileSync(join(dir, 'ref', f)))).toBe(true);
    const r = predict('killed');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.match(/ skipped /g)?.length).toBe(atKill.length);
    expect(finals('killed')).toEqual(finals('ref'));
    for (const f of finals('ref')) expect(readFileSync(join(dir, 'killed', f)).equals(readFileSync(join(dir, 'ref', f)))).toBe(true);
    expect(registryRows(join(dir, 'killed/registry.sqlite'))).toEqual(registryRows(join(dir, 'ref/registry.sqlite')));
  });

  it('three shards, merged (registry merge + predictions merge), equal one unsharded run byte for byte', async () => {
    for (const k of [1, 2, 3]) {
      const r = predict(`s${k}`, ['--shard', `${k}/3`]);
      expect(r.status, r.stderr).toBe(0);
      // not a terminal: one plain line per predictor, then the summary table
      expect(r.stderr).toMatch(/^m1_bigger\.pt \[default, greedy\]: \d+ swipes in [\d.]+ s → .*\.val\.shard-\d-of-3\.jsonl$/m);
      expect(r.stdout).toMatch(/^sub\/m1_copy\.pt \(greedy\)\s+extra\s+decoded\s+\d+\s+[\d.]+\s+[\d.]+$/m);
    }
    mkdirSync(join(dir, 'all'));
    const shardFiles: string[] = [];
    for (const k of [1, 2, 3]) {
      for (const f of readdirSync(join(dir, `s${k}`))) {
        if (f.endsWith('.jsonl')) {
          expect(f).toMatch(new RegExp(`\\.val\\.shard-${k}-of-3\\.jsonl$`));
          copyFileSync(join(dir, `s${k}`, f), join(dir, 'all', f));
          shardFiles.push(f);
        }
      }
    }
    expect(shardFiles).toHaveLength(9);
    // default lines 0 2 3 5 7 8 10 in chunks of 2 — [0 2] [3 5] [7 8] [10] — dealt round-robin: shard 1 has chunks 1 and 4
    const part = await readPredictionFile(join(dir, 's1', shardFiles.find((f) => f.startsWith('m1_bigger.pt.default'))!));
    expect(part.rows.map((r) => r.index)).toEqual([0, 2, 10]);
    expect(part.meta?.shard).toMatchObject({ index: 1, count: 3, chunk_size: 2, subset_size: 7 });
    const reg = cli(['registry', 'merge', '--out', 'all/registry.sqlite', 's1/registry.shard-1-of-3.sqlite', 's2/registry.shard-2-of-3.sqlite', 's3/registry.shard-3-of-3.sqlite']);
    expect(reg.status, reg.stderr).toBe(0);
    expect(reg.stdout).toContain('9 rows merged into 3 predictors');
    const m = cli(['predictions', 'merge', '--dir', 'all', '--registry', 'all/registry.sqlite', '--data', 'valid.jsonl']);
    expect(m.status, m.stderr).toBe(0);
    expect(finals('all')).toEqual(finals('ref'));
    for (const f of finals('ref')) expect(readFileSync(join(dir, 'all', f)).equals(readFileSync(join(dir, 'ref', f)))).toBe(true);
    expect(registryRows(join(dir, 'all/registry.sqlite'))).toEqual(registryRows(join(dir, 'ref/registry.sqlite')));
  });

  it('refuses to merge an incomplete or mixed shard set', () => {
    const s1 = readdirSync(join(dir, 's1')).filter((f) => f.startsWith('m1_bigger.pt.default'))[0];
    const s2 = readdirSync(join(dir, 's2')).filter((f) => f.startsWith('m1_bigger.pt.default'))[0];
    const s2extra = readdirSync(join(dir, 's2')).filter((f) => f.startsWith('sub__m1_copy.pt.extra'))[0];
    let r = cli(['predictions', 'merge', '--out', 'x.jsonl', `s1/${s1}`, `s2/${s2}`]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/shard\(s\) 3\/3 missing/);
    r = cli(['predictions', 'merge', '--out', 'x.jsonl', `s1/${s1}`, `s2/${s2extra}`]);
    expect(r.stderr).toMatch(/predictor: differs from .*; shards of different predictors cannot be merged/);
    r = cli(['predictions', 'merge', '--out', 'x.jsonl', `s1/${s1}`, `s1/${s1}`]);
    expect(r.stderr).toMatch(/shard 1\/3 given twice/);
    expect(existsSync(join(dir, 'x.jsonl'))).toBe(false);
  });
});
