/**
 * A seed config naming a raw seed state dict: `neuroswipe predict` exports it with
 * python/export_torchscript.py (Python with PyTorch) and decodes exactly as with the exported file.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findTorchPython } from '../../lib/model/python.js';
import { readPredictionFile } from '../../lib/predictions.js';
import { exportArguments, exportedModelPath, isNeuroswipeModel } from '../../lib/predict/model-source.js';
import { sha256File } from '../../lib/predict/hash.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const BIN = join(ROOT, 'bin/neuroswipe.js');
const VOCAB = join(ROOT, 'test/fixtures/generated/vocab.txt');
let dir: string;

function config(weights: string, out: string): string {
  const p = join(dir, `${out}.json`);
  mkdirSync(join(dir, out), { recursive: true });
  writeFileSync(p, JSON.stringify({
    prediction_config: {
      model_params: [['default', 'm1', weights]],
      out_path: join(dir, out),
      data_split: 'val',
      data_split__to__path: { val: join(dir, 'valid.jsonl') },
      models_root: join(dir, 'models'),
      voc_path: VOCAB,
      transform_name: 'traj_feats_and_nearest_key',
      generator: 'greedy',
      generator_call_kwargs: { max_steps_n: 5 },
      use_vocab_for_generation: false,
      n_classes: 35,
    },
  }));
  return p;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'neuroswipe-predict-export-'));
  mkdirSync(join(dir, 'models'));
  execFileSync(findTorchPython(), [
    join(ROOT, 'python/export_torchscript.py'), '--arch', 'm1', '--random-init', '--seed', '7', '--vocab', VOCAB,
    '--out', join(dir, 'models/m1.ts.pt'), '--save-state-dict', join(dir, 'models/m1_state.pt'),
  ], { stdio: 'ignore' });
  execFileSync(process.execPath, [BIN, 'synth', '--vocab', VOCAB, '--count', '3', '--seed', '9', '--out', join(dir, 'valid.jsonl'), '--quiet']);
});

describe('seed state dicts in configs', () => {
  it('tells TorchScript models from state dicts', () => {
    expect(isNeuroswipeModel(join(dir, 'models/m1.ts.pt'))).toBe(true);
    expect(isNeuroswipeModel(join(dir, 'models/m1_state.pt'))).toBe(false);
  });

  it('builds the export command from the config entry', () => {
    const args = exportArguments(
      { grid: 'extra', architecture: 'm1_bigger', weights: 'models/a b.pt', weightsName: 'a b.pt', weightsFile: '/m/a b.pt', field: 'f' },
      '/d/voc.txt',
      { name: 'traj_feats_and_nearest_key', includeTime: false, includeVelocities: true },
      '/o/x.pt',
    );
    expect(args.slice(1)).toEqual([
      '--arch', 'm1_bigger', '--weights', '/m/a b.pt', '--vocab', '/d/voc.txt', '--grids', 'extra',
      '--transform', 'traj_feats_and_nearest_key', '--no-include-time', '--include-velocities', '--out', '/o/x.pt',
    ]);
  });

  it('names an export by the characters of the vocabulary, not by its words', () => {
    const entry = { grid: 'default', architecture: 'm1', weights: 'm.pt', weightsName: 'm.pt', weightsFile: '/m/m.pt', field: 'f' };
    const t = { name: 'traj_feats_and_nearest_key', includeTime: false, includeVelocities: true, includeAccelerations: true };
    const v1 = join(dir, 'v1.txt');
    const v2 = join(dir, 'v2.txt');
    const v3 = join(dir, 'v3.txt');
    writeFileSync(v1, 'абв\nгде\n');
    writeFileSync(v2, 'где\nваб\nгаде\n'); // same characters, other words
    writeFileSync(v3, 'абв\nгдеж\n'); // one more character
    const p1 = exportedModelPath(entry, 'ab'.repeat(32), v1, t, '/x');
    expect(exportedModelPath(entry, 'ab'.repeat(32), v2, t, '/x')).toBe(p1);
    expect(exportedModelPath(entry, 'ab'.repeat(32), v3, t, '/x')).not.toBe(p1);
    expect(exportedModelPath(entry, 'cd'.repeat(32), v1, t, '/x')).not.toBe(p1);
  });

  it('exports a state dict automatically and decodes exactly as the exported file does', async () => {
    const a = spawnSync(process.execPath, [BIN, 'predict', '--config', config('m1_state.pt', 'auto')], { encoding: 'utf8' });
    expect(a.status, a.stderr).toBe(0);
    expect(a.stderr).toMatch(/m1_state\.pt: using the TorchScript export .*exported-models\/m1_state\.[0-9a-f]{12}\.[0-9a-f]{8}\.ts\.pt/);
    const b = spawnSync(process.execPath, [BIN, 'predict', '--config', config('m1.ts.pt', 'direct')], { encoding: 'utf8' });
    expect(b.status, b.stderr).toBe(0);
    const fa = await readPredictionFile(join(dir, 'auto', readdirSync(join(dir, 'auto')).find((f) => f.endsWith('.val.jsonl'))!));
    const fb = await readPredictionFile(join(dir, 'direct', readdirSync(join(dir, 'direct')).find((f) => f.endsWith('.val.jsonl'))!));
    expect(fa.rows).toHaveLength(3);
    expect(fa.rows).toEqual(fb.rows);
    // the identity is the file the config names
    expect(fa.meta?.weights_sha256).toBe(await sha256File(join(dir, 'models/m1_state.pt')));
    expect(fa.meta?.model_weights).toBe(join(dir, 'models/m1_state.pt'));
    // a second run reuses the export and skips the finished predictor
    const c = spawnSync(process.execPath, [BIN, 'predict', '--config', config('m1_state.pt', 'auto')], { encoding: 'utf8' });
    expect(c.status, c.stderr).toBe(0);
    expect(c.stdout).toMatch(/m1_state\.pt \(greedy\)\s+default\s+skipped/);
  });
});
