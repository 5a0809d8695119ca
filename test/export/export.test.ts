/**
 * python/export_torchscript.py end to end: every seed architecture is exported from a random-initialised
 * model, written as a seed-style state dict, exported again from that checkpoint (plain and Lightning
 * style), self-checked, and its metadata read back from the archive.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inPool, runPython, type RunResult } from './run-python.js';
import { own } from '../../lib/util/checked.js';

const ARCHS = [
  'm1',
  'm1_bigger',
  'm1_smaller',
  'v3_weighted_and_traj_transformer_bigger',
  'v3_nearest_and_traj_transformer_bigger',
  'v3_nearest_only_transformer_bigger',
  'v3_trainable_gaussian_weights_and_traj_transformer_bigger',
] as const;

/** What each architecture was trained with (docs/SEED.md §3.6, §3.7). */
const TRAINED_WITH: Record<string, { transform: string; f: number; keyInput: string; cols: number }> = {
  m1: { transform: 'traj_feats_and_nearest_key', f: 6, keyInput: 'nearest', cols: 0 },
  m1_bigger: { transform: 'traj_feats_and_nearest_key', f: 6, keyInput: 'nearest', cols: 0 },
  m1_smaller: { transform: 'traj_feats_and_nearest_key', f: 6, keyInput: 'nearest', cols: 0 },
  v3_weighted_and_traj_transformer_bigger: { transform: 'traj_feats_and_distance_weights', f: 6, keyInput: 'weights', cols: 37 },
  v3_nearest_and_traj_transformer_bigger: { transform: 'traj_feats_and_nearest_key', f: 6, keyInput: 'nearest', cols: 0 },
  v3_nearest_only_transformer_bigger: { transform: 'nearest_key_only', f: 0, keyInput: 'nearest', cols: 0 },
  v3_trainable_gaussian_weights_and_traj_transformer_bigger: { transform: 'traj_feats_and_xy', f: 6, keyInput: 'xy', cols: 2 },
};

/** The competition char tokens (docs/SEED.md §4.1). */
const COMPETITION_TOKENS = [...'-абвгдежзийклмнопрстуфхцчшщъыьэюя', '<eos>', '<unk>', '<pad>', '<sos>'];
const LIGHTNING_ARCHS = ['m1_bigger', 'v3_weighted_and_traj_transformer_bigger'];
const RANDOM_ARCH = 'm1_smaller';

interface Inspected {
  metadata: Record<string, unknown> | null;
  methods: string[];
  probe?: number[];
}

function selfCheckDiff(r: RunResult): number {
  const m = /max abs difference between TorchScript and eager outputs (\S+)/.exec(r.stdout);
  if (!m) throw new Error(`no self-check line in output:\n${r.stdout}\n${r.stderr}`);
  return Number(m[1]);
}

function incrementalDiff(r: RunResult): number {
  const m = /incremental self-check: max abs difference between decode_step and decode logits (\S+)/.exec(r.stdout);
  if (!m) throw new Error(`no incremental self-check line in output:\n${r.stdout}\n${r.stderr}`);
  return Number(m[1]);
}

/** Decoder layers per architecture (docs/SEED.md §5.2, §5.3): `L` of the incremental-decoding caches. */
const DECODER_LAYERS: Record<string, number> = {
  m1: 3,
  m1_bigger: 4,
  m1_smaller: 3,
  v3_weighted_and_traj_transformer_bigger: 4,
  v3_nearest_and_traj_transformer_bigger: 4,
  v3_nearest_only_transformer_bigger: 4,
  v3_trainable_gaussian_weights_and_traj_transformer_bigger: 4,
};

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

describe('export_torchscript.py', () => {
  let dir: string;
  let vocab: string;
  let ckDir: string;
  let randomInit: RunResult;
  const fromCkpt: Record<string, RunResult> = {};
  const fromLightning: Record<string, RunResult> = {};
  let inspected: Record<string, Inspected>;

  const export_ = (arch: string, source: string[], out: string, extra: string[] = []): Promise<RunResult> =>
    runPython(['python/export_torchscript.py', '--arch', arch, ...source, '--vocab', vocab, '--out', out, ...extra]);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'neuroswipe-export-'));
    vocab = join(dir, 'voc.txt');
    // Real words covering the 33 competition characters; the "ё" of "ёлка" is absent from the seed vocabulary.
    writeFileSync(vocab, 'привет\nкак-то\nсъешь\nже\nмягких\nфранцузских\nбулок\nда\nвыпей\nчаю\nщука\nэхо\nзной\nгорб\n');

    ckDir = join(dir, 'seed-checkpoints');
    const ck = await runPython(['python/make_seed_checkpoints.py', '--out', ckDir, '--seed', '1', '--lightning']);
    expect(ck.code, ck.stderr).toBe(0);

    const tasks = [
      async () => {
        // Architecture index 2 gets seed 1 + 2 in make_seed_checkpoints.py: the same weights.
        randomInit = await export_(RANDOM_ARCH, ['--random-init', '--seed', '3'], join(dir, `${RANDOM_ARCH}.random.pt`), [
          '--save-state-dict',
          join(dir, `${RANDOM_ARCH}.state.pt`),
        ]);
      },
      ...ARCHS.map((arch) => async () => {
        fromCkpt[arch] = await export_(arch, ['--weights', join(ckDir, `${arch}.pt`)], join(dir, `${arch}.ckpt.pt`), [
          '--grids',
          'default,extra',
        ]);
      }),
      ...LIGHTNING_ARCHS.map((arch) => async () => {
        fromLightning[arch] = await export_(arch, ['--weights', join(ckDir, `${arch}.ckpt`)], join(dir, `${arch}.lightning.pt`));
      }),
    ];
    await inPool(tasks, 2);

    const models = readdirSync(dir).filter((f) => /\.(random|ckpt|lightning)\.pt$/.test(f));
    const r = await runPython(['python/inspect_model.py', ...models.map((f) => join(dir, f))]);
    expect(r.code, r.stderr).toBe(0);
    const byPath = JSON.parse(r.stdout) as Record<string, Inspected>;
    inspected = Object.fromEntries(Object.entries(byPath).map(([p, v]) => [p.slice(dir.length + 1), v]));
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('random-init export passes the self-check and writes the seed-style state dict', () => {
    expect(randomInit.code, randomInit.stderr).toBe(0);
    expect(selfCheckDiff(randomInit)).toBeLessThanOrEqual(1e-5);
    const state = join(dir, `${RANDOM_ARCH}.state.pt`);
    expect(randomInit.stdout).toContain(`wrote state dict ${state}`);
    expect(own(inspected, `${RANDOM_ARCH}.random.pt`).probe).toEqual(own(inspected, `${RANDOM_ARCH}.ckpt.pt`).probe);
  });

  it.each(ARCHS)('%s: export from the seed-style state dict passes the self-check with the same weights', (arch) => {
    const r = own(fromCkpt, arch);
    expect(r.code, r.stderr).toBe(0);
    expect(selfCheckDiff(r)).toBeLessThanOrEqual(1e-5);
    const b = own(inspected, `${arch}.ckpt.pt`);
    expect(b.methods).toEqual(['encode', 'decode', 'decode_last']);
    expect(b.probe).toHaveLength(35);
    expect(b.probe!.every(Number.isFinite)).toBe(true);
  });

  it.each(ARCHS)('%s: decode_step run token by token matches decode at every step (incremental self-check)', (arch) => {
    const r = own(fromCkpt, arch);
    expect(r.code, r.stderr).toBe(0);
    const diff = incrementalDiff(r);
    expect(diff).toBeGreaterThanOrEqual(0);
    expect(diff).toBeLessThanOrEqual(1e-5);
  });

  it.each(LIGHTNING_ARCHS)('%s: export from a Lightning checkpoint gives the same model', (arch) => {
    const r = own(fromLightning, arch);
    expect(r.code, r.stderr).toBe(0);
    expect(selfCheckDiff(r)).toBeLessThanOrEqual(1e-5);
    expect(own(inspected, `${arch}.lightning.pt`).probe).toHaveLength(35);
    expect(own(inspected, `${arch}.lightning.pt`).probe).toEqual(own(inspected, `${arch}.ckpt.pt`).probe);
  });

  it.each(ARCHS)('%s: metadata in the archive', (arch) => {
    const meta = own(inspected, `${arch}.ckpt.pt`).metadata as Record<string, unknown>;
    const want = own(TRAINED_WITH, arch);
    expect(meta.format).toBe('neuroswipe-model');
    expect(meta.format_version).toBe(1);
    expect(meta.architecture).toBe(arch);
    expect((meta.transform as Record<string, unknown>).name).toBe(want.transform);
    expect(meta.transform).toEqual({
      name: want.transform,
      include_time: false,
      include_velocities: want.f > 0,
      include_accelerations: want.f > 0,
      include_coords: want.f > 0,
    });
    expect(meta.n_traj_feats).toBe(want.f);
    expect(meta.key_input).toBe(want.keyInput);
    expect(meta.n_key_columns).toBe(want.cols);
    expect(meta.char_tokens).toEqual(COMPETITION_TOKENS);
    expect(meta.n_classes).toBe(35);
    expect(meta.d_model).toBe(128);
    expect(meta.max_curve_len).toBe(299);
    expect(meta.max_token_len).toBe(35);
    expect(meta.incremental).toBe(true);
    expect(meta.kv_layout).toBe('heads');
    expect(meta.n_decoder_layers).toBe(DECODER_LAYERS[arch]);
    expect(meta.n_heads).toBe(4);
    expect(meta.grid_names).toEqual(['default', 'extra']);
    expect((meta.exported_with as Record<string, unknown>).torch).toMatch(/^\d+\.\d+/);
    const weights = join(ckDir, `${arch}.pt`);
    expect(meta.source_weights).toEqual({ path: weights, sha256: sha256(weights) });
  });

  it('random-init metadata has the default grid and no source weights', () => {
    const meta = own(inspected, `${RANDOM_ARCH}.random.pt`).metadata as Record<string, unknown>;
    expect(meta.grid_names).toEqual(['default']);
    expect(meta.source_weights).toBeUndefined();
  });

  it('rejects a checkpoint (the saved random-init state dict) with a renamed and a missing key, listing both', async () => {
    const bad = join(dir, 'bad.state.pt');
    const prep = await runPython([
      '-c',
      [
        'import sys, torch',
        'sd = torch.load(sys.argv[1])',
        'sd["decoder.out.weight_renamed"] = sd.pop("decoder.out.weight")',
        'del sd["encoder.liner.bias"]',
        'torch.save(sd, sys.argv[2])',
      ].join('\n'),
      join(dir, `${RANDOM_ARCH}.state.pt`),
      bad,
    ]);
    expect(prep.code, prep.stderr).toBe(0);
    const before = readdirSync(dir).sort();
    const out = join(dir, 'bad.pt');
    const r = await export_(RANDOM_ARCH, ['--weights', bad], out);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${bad}: the weights do not fit the architecture`);
    expect(r.stderr).toContain('missing keys (2): encoder.liner.bias, decoder.out.weight');
    expect(r.stderr).toContain('unexpected keys (1): decoder.out.weight_renamed');
    expect(readdirSync(dir).sort()).toEqual(before);
  });

  it('rejects weights of another architecture with the shape mismatches', async () => {
    const out = join(dir, 'wrong-arch.pt');
    const r = await export_('m1_bigger', ['--weights', join(ckDir, 'm1.pt')], out);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('key_embedding.weight: checkpoint [37, 54], model [37, 66]');
    expect(r.stderr).toMatch(/missing keys \(18\): decoder\.transformer_decoder\.layers\.3\./);
    expect(readdirSync(dir)).not.toContain('wrong-arch.pt');
  });
});
