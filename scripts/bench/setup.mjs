// What the decoding benchmarks share: the checkout root, imports from its dist/, the command-line
// option reader, and the synthetic swipes they decode (generated once with `neuroswipe synth` from the
// example vocabulary on the default grid, seed 2023, then reused from .tmp/bench/).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Imports a module of the built library, e.g. `lib('decode/decoder.js')`. */
export const lib = (p) => import(join(root, 'dist', p));

const args = process.argv.slice(2);

/** The value after `--name` on the command line, else `dflt`. */
export function opt(name, dflt) {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
}

/** Whether the bare flag `--name` is on the command line. */
export function flag(name) {
  return args.includes(name);
}

/**
 * `count` swipes of `neuroswipe synth` with `args` (grid, vocabulary, seed, noise…), written once to
 * .tmp/bench/<stem>-<count>.jsonl and reused: its path.
 */
export function synthFile(stem, count, args) {
  const dir = join(root, '.tmp', 'bench');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${stem}-${count}.jsonl`);
  if (!existsSync(path)) {
    execFileSync(process.execPath, [join(root, 'bin/neuroswipe.js'), 'synth', ...args, '--count', String(count), '--out', path, '--quiet'], { stdio: 'ignore' });
  }
  return path;
}

/**
 * The noisiest synthetic set of the search bench (touch noise ×2.5 on the default grid, seed 13), also the
 * noisy set of the proof's latency bench: its title, file stem and `synth` options but the vocabulary.
 */
export const NOISIEST_SET = { title: 'synth, seed 13, noise ×2.5 (3.75)', stem: 'search-noisier', args: ['--grid', 'default', '--seed', '13', '--noise-scale', '3.75'] };

/**
 * `n` synthetic swipes (the same ones on every run) on `grid`: their file and the swipes read from it. With
 * `grid` 'both', the first half is drawn on the default grid and the second on the extra one.
 */
export async function benchSwipes(n, grid = 'default') {
  if (grid === 'both') {
    const half = Math.ceil(n / 2);
    const a = await benchSwipes(half, 'default');
    const b = await benchSwipes(n - half, 'extra');
    return { path: `${a.path} + ${b.path}`, swipes: [...a.swipes, ...b.swipes] };
  }
  const path = synthFile(grid === 'default' ? 'synth' : `synth-${grid}`, n, ['--grid', grid, '--vocab', join(root, 'examples/vocab.txt'), '--seed', '2023']);
  const { readSwipes } = await lib('data/dataset.js');
  const { loadGrids } = await lib('keyboard/grid.js');
  const swipes = [];
  for await (const s of readSwipes(path, { grids: loadGrids() })) swipes.push(s);
  return { path, swipes };
}

/**
 * The decoding set-up of a benchmark, as the CLI's decoding commands do it: `threads` libtorch threads,
 * libtorch's per-call activations kept on the heap (lib/runtime.ts), the model on `device` and the
 * vocabulary built in its tokens.
 */
export async function benchModel({ modelPath, vocabPath, device = 'cpu', threads = 1 }) {
  const { setNumThreads, tuneHeapForThroughput } = await lib('runtime.js');
  const { Model } = await lib('model/model.js');
  const { Vocabulary } = await lib('vocabulary.js');
  setNumThreads(threads);
  const heapTuned = tuneHeapForThroughput();
  const model = await Model.load(modelPath, { device });
  const vocabulary = await Vocabulary.fromFile(vocabPath, model);
  return { model, vocabulary, heapTuned };
}
