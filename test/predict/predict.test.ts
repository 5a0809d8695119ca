/**
 * End to end: `neuroswipe predict` on a seed-style config with real TorchScript models (random-init
 * fixtures) and synthetic swipes on the real grids; resume after kill -9; three shards merged back.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from '../../lib/registry/registry.js';
import { readPredictionFile } from '../../lib/predictions.js';
import { evaluateRows } from '../../lib/evaluate/evaluate.js';
import { readLabels } from '../../lib/data/labels.js';
import { at } from '../../lib/util/checked.js';

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
  copyFileSync(MODEL.replace('m1_bigger.pt', 'm1_bigger_two_grids.pt'), join(dir, 'models/sub/m1_copy.pt'));
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
    const f = await readPredictionFile(join(dir, 'ref', at(byPrefix('sub__m1_copy.pt.extra.'), 0)));
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
      const w = at(r.candidates, 0)[1];
      expect(vocab.has(w) || [...vocab].some((v) => v.startsWith(w))).toBe(true);
    }
  });

  it('decodes as `neuroswipe decode` does with the same model and options: one decode loop, one set of defaults', async () => {
    const out = join(dir, 'decode-default.jsonl');
    const r = cli(['decode', '--model', 'models/m1_bigger.pt', '--data', 'valid.jsonl', '--grid', 'default', '--generator', 'greedy', '--max-steps', '6',
      '--use-vocab', '--vocab', VOCAB, '--vocab-scoring', 'seed', '--out', out, '--force']);
    expect(r.status, r.stderr).toBe(0);
    const viaDecode = (await readPredictionFile(out)).rows;
    const name = finals('ref').find((f) => f.startsWith('m1_bigger.pt.default.greedy.'));
    if (name === undefined) throw new Error('no prediction file of the first predictor');
    const viaPredict = (await readPredictionFile(join(dir, 'ref', name))).rows;
    expect(viaPredict.map((row) => row.index)).toEqual([0, 2, 3, 5, 7, 8, 10]);
    expect(viaPredict.map((row) => row.index)).toEqual(viaDecode.map((row) => row.index));
    viaPredict.forEach((row, i) => {
      const other = at(viaDecode, i);
      expect(row.candidates.map((c) => c[1])).toEqual(other.candidates.map((c) => c[1]));
      // predict decodes chunks of 2 swipes here, decode one chunk of all: batch shapes differ, not the search
      row.candidates.forEach((c, k) => expect(c[0]).toBeCloseTo(at(other.candidates, k)[0], 5));
    });
  });

  it('records one registry row per predictor with its validation file, Swipe MRR and accuracy', async () => {
    const rows = registryRows(join(dir, 'ref/registry.sqlite'));
    expect(rows.map((r) => [r.id, r.weightsPath, r.grid, r.generator, r.generatorOptions, r.useVocab, r.testPredsPath])).toEqual([
      [1, 'models/m1_bigger.pt', 'default', 'greedy', '{"maxSteps":6}', true, null],
      [2, 'models/sub/m1_copy.pt', 'extra', 'greedy', '{"maxSteps":6}', true, null],
      [3, 'models/sub/m1_copy.pt', 'default', 'greedy', '{"maxSteps":6}', true, null],
    ]);
    expect(at(rows, 1).weightsSha256).toBe(at(rows, 2).weightsSha256);
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
    finals('ref').forEach((f, i) => expect(readFileSync(join(dir, 'ref', f)).equals(at(before, i))).toBe(true));
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
    // a file renamed into place just before the kill, without its completion record yet, is decoded again
    const completeAtKill = atKill.filter((f) => existsSync(join(dir, 'killed', `${f}.done.json`)));
    const r = predict('killed');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.match(/ skipped /g)?.length ?? 0).toBe(completeAtKill.length);
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
    // Each merged file has the completion record the unsharded run wrote for the same file, so an unsharded
    // run over the merged folder takes every file as done; a merged file cut short is decoded again.
    for (const f of finals('ref')) expect(readFileSync(join(dir, 'all', `${f}.done.json`), 'utf8')).toBe(readFileSync(join(dir, 'ref', `${f}.done.json`), 'utf8'));
    let again = predict('all');
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr.match(/already done \(.*\), skipped/g)).toHaveLength(3);
    const cut = join(dir, 'all', at(finals('all'), 0));
    writeFileSync(cut, readFileSync(cut, 'utf8').split('\n').slice(0, 2).join('\n') + '\n');
    again = predict('all');
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr.match(/already done \(.*\), skipped/g)).toHaveLength(2);
    expect(again.stderr).toMatch(/exists, but it changed since it was finished .*; decoding again/);
    expect(readFileSync(cut).equals(readFileSync(join(dir, 'ref', at(finals('ref'), 0))))).toBe(true);
    // Merging again refuses the existing file without --force, and replaces it with --force.
    const parts = readdirSync(join(dir, 'all')).filter((f) => f.startsWith(at(finals('all'), 0).replace(/\.jsonl$/, '.shard-'))).map((f) => `all/${f}`);
    const refused = cli(['predictions', 'merge', '--out', `all/${finals('all')[0]}`, ...parts]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('already exists (use --force to overwrite)');
    expect(cli(['predictions', 'merge', '--out', `all/${finals('all')[0]}`, '--force', ...parts]).status).toBe(0);
    expect(cli(['predictions', 'merge', '--out', at(parts, 0), '--force', ...parts]).stderr).toContain('the output is also an input');
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

  it('resume checks the data and the file: a changed data file or a cut prediction file is decoded again', async () => {
    mkdirSync(join(dir, 'resume'));
    let r = predict('resume');
    expect(r.status, r.stderr).toBe(0);
    const ref = finals('resume');
    const first = ref.find((f) => f.startsWith('m1_bigger.pt.default'))!;
    const full = readFileSync(join(dir, 'resume', first));
    const lines = full.toString('utf8').split('\n');
    writeFileSync(join(dir, 'resume', first), lines.slice(0, 3).join('\n') + '\n');
    r = predict('resume');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`${first.replace(/[.]/g, '\\.')} exists, but it changed since it was finished .*; decoding again`));
    expect(r.stdout.match(/ skipped /g)).toHaveLength(2);
    expect(readFileSync(join(dir, 'resume', first)).equals(full)).toBe(true);
    // the data file changes: every predictor is decoded again and its registry metric recomputed
    const valid = readFileSync(join(dir, 'valid.jsonl'), 'utf8');
    // the new target of line 0 is the first predictor's top candidate there, so its metric must change
    const top = at((await readPredictionFile(join(dir, 'resume', first))).rows.find((row) => row.index === 0)!.candidates, 0)[1];
    const changed = valid.split('\n').filter((l) => l).map((l, i) => (i === 0 ? l.replace(/"word":"[^"]*"/, `"word":${JSON.stringify(top)}`) : l)).join('\n') + '\n';
    writeFileSync(join(dir, 'valid2.jsonl'), changed);
    const cfg = ['--set', 'data_split__to__path.val=valid2.jsonl'];
    const before = registryRows(join(dir, 'resume/registry.sqlite'));
    r = predict('resume', cfg);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr.match(/exists, but the data file changed since it was written; decoding again/g)).toHaveLength(3);
    const after = registryRows(join(dir, 'resume/registry.sqlite'));
    expect(at(after, 0).valMrr).not.toBe(at(before, 0).valMrr);
    const labels = await readLabels(join(dir, 'valid2.jsonl'));
    const m = evaluateRows((await readPredictionFile(join(dir, 'resume', at(after, 0).valPredsPath!))).rows, labels, 'x');
    expect(at(after, 0).valMrr).toBe(m.mrr);
  });

  it('a grid that matches no swipe, or that the model was not made for, is an error naming the entry', () => {
    let r = predict('grids', ['--set', 'model_params.0.0=defualt']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/seed\.json: prediction_config\.model_params\[0\]: grid "defualt" is not a grid of .*m1_bigger\.pt \(its neuroswipe\.json grid_names: default\)/);
    r = predict('grids', ['--set', 'model_params.0.0=extra']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/model_params\[0\]: grid "extra" is not a grid of .*m1_bigger\.pt/);
    writeFileSync(join(dir, 'only-default.jsonl'), readFileSync(join(dir, 'valid.jsonl'), 'utf8').split('\n').filter((l) => l.includes('"default"')).join('\n') + '\n');
    r = predict('grids', ['--set', 'data_split__to__path.val=only-default.jsonl']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/model_params\[1\]: no swipe of .*only-default\.jsonl is on grid "extra" \(the file has 7 on default\)/);
    expect(finals('grids').filter((f) => f.includes('.extra.'))).toEqual([]);
  });

  it('two concurrent runs on one registry: the second refuses while the first works, nothing is written twice', async () => {
    mkdirSync(join(dir, 'twice'));
    const args = [BIN, 'predict', '--config', 'seed.json', '--set', 'out_path=twice', '--chunk-size', '2'];
    const run = () => {
      const child = spawn(process.execPath, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      return new Promise<{ code: number | null; stderr: string }>((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
    };
    // both start together: whichever takes the lock first decodes, the other refuses (or, on a very slow
    // start, finds everything done); either way every file is written once
    const [ra, rb] = await Promise.all([run(), run()]);
    const results = [ra, rb].sort((x, y) => (x.code ?? 9) - (y.code ?? 9));
    expect(at(results, 0).code, at(results, 0).stderr).toBe(0);
    if (at(results, 1).code === 0) expect(at(results, 1).stderr.match(/already done/g)).toHaveLength(3);
    else {
      expect(at(results, 1).code).toBe(1);
      expect(at(results, 1).stderr).toMatch(/twice\/registry\.sqlite: another predict run \(pid \d+ .*\) is using this registry; wait for it to finish/);
    }
    expect(finals('twice')).toEqual(finals('ref'));
    for (const f of finals('ref')) expect(readFileSync(join(dir, 'twice', f)).equals(readFileSync(join(dir, 'ref', f)))).toBe(true);
    expect(registryRows(join(dir, "twice/registry.sqlite"))).toEqual(registryRows(join(dir, "ref/registry.sqlite")));
    expect(existsSync(join(dir, 'twice/registry.sqlite.lock'))).toBe(false);
    // a live holder (this test process) makes a run refuse before it writes anything
    const { hostname } = await import('node:os');
    writeFileSync(join(dir, 'twice/registry.sqlite.lock'), JSON.stringify({ pid: process.pid, host: hostname(), started: 'now' }));
    rmSync(join(dir, 'twice', at(finals('twice'), 0)));
    const refused = predict('twice');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(new RegExp(`registry\\.sqlite: another predict run \\(pid ${process.pid} on .*, started now\\) is using this registry`));
    expect(finals('twice')).toHaveLength(2);
    // a lock left by a killed run (its process gone) is taken over
    writeFileSync(join(dir, 'twice/registry.sqlite.lock'), JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), started: 'then' }));
    const again = predict('twice');
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/taking over the lock of process \d+ .*which is gone/);
    expect(finals('twice')).toEqual(finals('ref'));
  });
});
