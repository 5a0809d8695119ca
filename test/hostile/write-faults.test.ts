/**
 * Write faults of every writer: a read-only file system and a full disk (small tmpfs mounts; root only),
 * and SIGINT/SIGTERM during a write. Each must print one line naming the output and the error, exit
 * non-zero, and leave neither the output nor a temporary file. (A missing folder, an existing output and
 * an output equal to an input are corpus cases in test/bad-input/cases.ts.)
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../bad-input/run-cli.js';
import { Registry } from '../../lib/registry/registry.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin/neuroswipe.js');
const MODEL = join(ROOT, 'examples/model.pt');
const VALID = join(ROOT, 'examples/valid.jsonl');
const GRIDS = JSON.parse(readFileSync(join(ROOT, 'data/gridname_to_grid.json'), 'utf8')) as Record<string, unknown>;

const base = mkdtempSync(join(tmpdir(), 'neuroswipe-write-faults-'));
const inputs = join(base, 'in');
const lines = readFileSync(VALID, 'utf8').split('\n').slice(0, 3);
const data = join(inputs, 'data.jsonl');
const inline = join(inputs, 'inline.jsonl');
const preds = join(inputs, 'p.jsonl');
const vocab = join(inputs, 'voc.txt');
const registryIn = join(inputs, 'in.sqlite');

/** Every writing command with its outputs under `dir`. */
const WRITERS: [string, (dir: string) => { args: string[]; outs: string[] }][] = [
  ['decode', (d) => ({ args: ['decode', '--model', MODEL, '--data', data, '--generator', 'greedy', '--max-steps', '3', '--out', join(d, 'p.jsonl')], outs: [join(d, 'p.jsonl')] })],
  ['features (json)', (d) => ({ args: ['features', '--data', data, '--transform', 'traj_feats_and_nearest_key', '--include-velocities', '--out', join(d, 'f.jsonl')], outs: [join(d, 'f.jsonl')] })],
  ['features (binary)', (d) => ({ args: ['features', '--data', data, '--transform', 'traj_feats_and_nearest_key', '--include-velocities', '--format', 'binary', '--out', join(d, 'f.bin')], outs: [join(d, 'f.bin')] })],
  ['synth', (d) => ({ args: ['synth', '--vocab', vocab, '--count', '20', '--quiet', '--out', join(d, 's.jsonl'), '--ref-out', join(d, 's.ref')], outs: [join(d, 's.jsonl'), join(d, 's.ref')] })],
  ['separate-grid', (d) => ({ args: ['separate-grid', inline, '--out', join(d, 'sep.jsonl'), '--grids-out', join(d, 'g.json')], outs: [join(d, 'sep.jsonl'), join(d, 'g.json')] })],
  ['aggregate', (d) => ({ args: ['aggregate', '--method', 'weighted', '--weights', '1', '--inputs', preds, '--vocab', vocab, '--out', join(d, 'a.jsonl'), '--save-state', join(d, 'state.json')], outs: [join(d, 'a.jsonl'), join(d, 'state.json')] })],
  ['submit', (d) => ({ args: ['submit', '--predictions', preds, '--data', data, '--out', join(d, 'sub.csv')], outs: [join(d, 'sub.csv')] })],
  ['baseline', (d) => ({ args: ['baseline', '--data', data, '--vocab', vocab, '--threads', '1', '--out', join(d, 'b.jsonl'), '--csv', join(d, 'b.csv')], outs: [join(d, 'b.jsonl'), join(d, 'b.csv')] })],
  ['evaluate --results', (d) => ({ args: ['evaluate', '--predictions', preds, '--data', data, '--results', join(d, 'r.csv')], outs: [join(d, 'r.csv')] })],
  // a merged registry: written into a temporary copy, renamed into place
  ['registry merge', (d) => ({ args: ['registry', 'merge', '--out', join(d, 'r.sqlite'), registryIn], outs: [join(d, 'r.sqlite')] })],
  // the registry (and its run lock) elsewhere, the prediction files in the folder
  ['predict', (d) => ({ args: ['predict', '--config', predictConfig(d), '--quiet', '--registry', join(mkdtempSync(join(base, 'reg-')), 'r.sqlite')], outs: [`${d}/*`] })],
];

/** A seed-style config that writes its prediction files into `outDir`. */
function predictConfig(outDir: string): string {
  const path = join(mkdtempSync(join(base, 'cfg-')), 'c.json');
  writeFileSync(path, JSON.stringify({
    prediction_config: {
      model_params: [['default', 'm1_bigger', 'm.pt']], out_path: outDir, csv_path: '', data_split: 'val',
      data_split__to__path: { val: data, test: data }, models_root: inputs, voc_path: vocab,
      transform_name: 'traj_feats_and_nearest_key', include_time: false, include_velocities: true, include_accelerations: true,
      generator: 'greedy', generator_call_kwargs: { max_steps_n: 3 }, use_vocab_for_generation: false, n_classes: 35,
    },
  }));
  return path;
}

beforeAll(() => {
  mkdirSync(inputs, { recursive: true });
  writeFileSync(data, lines.join('\n') + '\n');
  writeFileSync(inline, lines.map((l) => {
    const o = JSON.parse(l) as { curve: Record<string, unknown> };
    o.curve.grid = GRIDS[o.curve.grid_name as string];
    delete o.curve.grid_name;
    return JSON.stringify(o);
  }).join('\n') + '\n');
  const words = lines.map((l) => (JSON.parse(l) as { word: string }).word);
  writeFileSync(preds, words.map((w, i) => JSON.stringify({ index: i, grid_name: 'default', candidates: [[1, w]] }) + '\n').join(''));
  writeFileSync(vocab, `${words.join('\n')}\nдом\nкот\n`);
  copyFileSync(MODEL, join(inputs, 'm.pt'));
  Registry.open(registryIn).close();
});

/** One line of the failure, naming an output and the error code; nothing left in `dir` but `keep`. */
async function expectCleanFailure(args: string[], outs: string[], code: string, dir: string, keep: string[]): Promise<void> {
  const r = await runCli(args);
  const shown = `stderr: ${r.stderr}`;
  expect(r.code, shown).toBe(1);
  const failures = r.stderr.split('\n').filter((l) => l.startsWith('neuroswipe: '));
  expect(failures, shown).toHaveLength(1);
  const cause = `cannot write: ${code}: ${code === 'ENOSPC' ? 'no space left on device' : 'read-only file system'}`;
  const names = (o: string): boolean => (o.endsWith('/*') ? new RegExp(`^neuroswipe: ${esc(o.slice(0, -1))}[^/:]+: ${cause}$`).test(failures[0] ?? '') : failures[0] === `neuroswipe: ${o}: ${cause}`);
  expect(outs.some(names), shown).toBe(true);
  expect(r.stderr, 'no stack trace').not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
  expect(readdirSync(dir).sort()).toEqual(keep);
}

function esc(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function mount(dir: string, options: string): boolean {
  mkdirSync(dir, { recursive: true });
  return spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir]).status === 0;
}

const root = process.getuid?.() === 0;
const mountable = root && mount(join(base, 'probe'), 'size=64k') && spawnSync('umount', [join(base, 'probe')]).status === 0;
if (!mountable) process.stderr.write('write-faults: read-only and full file systems skipped (needs root and tmpfs mounts)\n');

describe.skipIf(!mountable)('on a read-only file system and a full disk', () => {
  const ro = join(base, 'ro');
  const full = join(base, 'full');
  beforeAll(() => {
    expect(mount(ro, 'size=64k')).toBe(true);
    expect(spawnSync('mount', ['-o', 'remount,ro', ro]).status).toBe(0);
    expect(mount(full, 'size=64k')).toBe(true);
    // Fill it: every later write gets ENOSPC.
    const fd = openSync(join(full, 'filler'), 'w');
    const block = Buffer.alloc(4096, 1);
    try {
      for (;;) writeSync(fd, block);
    } catch (err) {
      expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC');
    } finally {
      closeSync(fd);
    }
  });
  afterAll(() => {
    spawnSync('umount', [ro]);
    spawnSync('umount', [full]);
  });
  for (const [name, make] of WRITERS) {
    it(`${name}: read-only`, async () => {
      const { args, outs } = make(ro);
      await expectCleanFailure(args, outs, 'EROFS', ro, []);
    });
    it(`${name}: full disk`, async () => {
      const { args, outs } = make(full);
      await expectCleanFailure(args, outs, 'ENOSPC', full, ['filler']);
    });
  }
});

/** Starts the command, waits for its temporary file to appear, sends the signal and waits for the end. */
async function interrupt(args: string[], dir: string, signal: NodeJS.Signals): Promise<{ signal: NodeJS.Signals | null; code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const done = new Promise<{ signal: NodeJS.Signals | null; code: number | null }>((res) => child.on('exit', (code, sig) => res({ code, signal: sig })));
  let exited = false;
  void done.then(() => (exited = true));
  const t0 = Date.now();
  while (!exited && !readdirSync(dir).some((f) => f.endsWith('.tmp'))) {
    if (Date.now() - t0 > 60_000) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  await new Promise((r) => setTimeout(r, 200));
  child.kill(signal);
  const end = await done;
  return { ...end, stderr };
}

describe('SIGINT and SIGTERM during a write', () => {
  let big: string;
  beforeAll(() => {
    // 40,000 swipes: features take long enough to be interrupted.
    big = join(inputs, 'big.jsonl');
    const text = readFileSync(VALID, 'utf8');
    writeFileSync(big, text.repeat(40));
  });
  const CASES: [string, (dir: string) => { args: string[]; out: string }][] = [
    ['synth', (d) => ({ args: ['synth', '--vocab', vocab, '--count', '5000000', '--quiet', '--out', join(d, 's.jsonl'), '--ref-out', join(d, 's.ref')], out: join(d, 's.jsonl') })],
    ['decode', (d) => ({ args: ['decode', '--model', MODEL, '--data', VALID, '--workers', '1', '--out', join(d, 'p.jsonl')], out: join(d, 'p.jsonl') })],
    ['features (binary)', (d) => ({ args: ['features', '--data', big, '--transform', 'traj_feats_and_nearest_key', '--include-velocities', '--format', 'binary', '--out', join(d, 'f.bin')], out: join(d, 'f.bin') })],
  ];
  for (const [name, make] of CASES) {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      it(`${name}: ${signal}`, async () => {
        const dir = mkdtempSync(join(base, 'sig-'));
        const { args, out } = make(dir);
        const r = await interrupt(args, dir, signal);
        expect(r.signal, r.stderr).toBe(signal);
        expect(r.stderr).toContain(`${out}: not written: interrupted by ${signal}`);
        expect(readdirSync(dir)).toEqual([]);
        rmSync(dir, { recursive: true, force: true });
      }, 120_000);
    }
  }
});
