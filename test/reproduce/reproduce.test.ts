/**
 * `neuroswipe reproduce` end to end on stand-ins: random-initialised seed checkpoints of the two legacy
 * architectures laid out under configs/yandex-cup.json's exact weights paths, synthetic test swipes on
 * both real grids, and a small vocabulary.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { findTorchPython } from '../../lib/model/python.js';
import { readPredictionFile } from '../../lib/predictions.js';
import { aggregateAppendage } from '../../lib/aggregate/appendage.js';
import { at } from '../../lib/util/checked.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const BIN = join(ROOT, 'bin/neuroswipe.js');
const CONFIG = join(ROOT, 'configs/yandex-cup.json');
const MODEL_PARAMS = (JSON.parse(readFileSync(CONFIG, 'utf8')) as { prediction_config: { model_params: [string, string, string][] } }).prediction_config.model_params;
// Random models without a vocabulary write long hypotheses: keep decoding short.
const FAST = ['--set', 'generator_call_kwargs.max_steps_n=8', '--threads', '1'];

let dir: string;
let weightsDir: string;
let workDir: string;
/** Grid of each test line: three default swipes, then one extra, four times. */
const GRIDS = Array.from({ length: 16 }, (_, i) => (i % 4 === 3 ? 'extra' : 'default'));

function cli(args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: dir });
}

function reproduceArgs(dataDir: string, out: string, extra: string[] = []): string[] {
  return ['reproduce', '--config', CONFIG, '--weights-dir', weightsDir, '--data-dir', dataDir, '--out', out, '--work-dir', workDir, ...FAST, ...extra];
}

function readCsv(path: string): string[][] {
  const lines = readFileSync(path, 'utf8').split('\n');
  expect(lines.pop()).toBe('');
  return lines.map((l) => l.split(','));
}

function lines(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l !== '');
}

/** Per model in config order, its test prediction file in the work folder. */
function predictionFiles(): string[] {
  const names = readdirSync(join(workDir, 'predictions')).filter((f) => f.endsWith('.test.jsonl'));
  return MODEL_PARAMS.map(([grid, , w]) => {
    const f = names.find((n) => n.startsWith(`${w.replace(/\//g, '__')}.${grid}.beam.`));
    expect(f, w).toBeDefined();
    return join(workDir, 'predictions', f!);
  });
}

/** The words of the appendage of each grid's models (in-vocabulary only), placed at their line index. */
async function expectedModelWords(vocab: Set<string>): Promise<string[][]> {
  const files = predictionFiles();
  const out: string[][] = GRIDS.map(() => []);
  for (const grid of ['default', 'extra']) {
    const preds = [];
    let indices: number[] = [];
    for (const [i, [g]] of MODEL_PARAMS.entries()) {
      if (g !== grid) continue;
      const f = await readPredictionFile(at(files, i));
      indices = f.rows.map((r) => r.index);
      preds.push(f.rows.map((r) => r.candidates));
    }
    aggregateAppendage(preds, vocab, 4).forEach((row, j) => {
      out[at(indices, j)] = row;
    });
  }
  return out;
}

/** Per line, the baseline's words (from the baseline file of the work folder). */
async function baselineWords(): Promise<string[][]> {
  const names = readdirSync(workDir).filter((f) => /^baseline\.[0-9a-f]{12}\.jsonl$/.test(f));
  const rows: string[][] = GRIDS.map(() => []);
  for (const n of names) {
    const b = await readPredictionFile(join(workDir, n));
    for (const r of b.rows) rows[r.index] = [...at(rows, r.index), ...r.candidates.map((c) => c[1])];
  }
  return rows;
}

/** Checks the submission: model words first, then baseline words up to 4; returns how many lines were filled. */
async function checkSubmission(csv: string, vocab: Set<string>): Promise<{ filled: number; withModelWords: number }> {
  const rows = readCsv(csv);
  expect(rows).toHaveLength(GRIDS.length);
  const model = await expectedModelWords(vocab);
  const baseline = await baselineWords();
  let filled = 0;
  let withModelWords = 0;
  rows.forEach((row, i) => {
    expect(row.length, `line ${i + 1}`).toBeLessThanOrEqual(4);
    expect(row.every((w) => w !== ''), `line ${i + 1}`).toBe(true);
    expect(row.slice(0, at(model, i).length), `line ${i + 1}`).toEqual(model[i]);
    for (const w of at(model, i)) expect(vocab.has(w)).toBe(true);
    const rest = row.slice(at(model, i).length);
    for (const w of rest) expect(baseline[i], `line ${i + 1}: ${w}`).toContain(w);
    if (at(model, i).length < 4) {
      expect(rest.length, `line ${i + 1} should be filled from the baseline`).toBeGreaterThan(0);
      expect(row).toHaveLength(Math.min(4, new Set([...at(model, i), ...at(baseline, i)]).size));
      filled++;
    }
    if (at(model, i).length > 0) withModelWords++;
  });
  return { filled, withModelWords };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'neuroswipe-reproduce-'));
  weightsDir = join(dir, 'weights');
  workDir = join(dir, 'work');
  const ckpt = join(dir, 'checkpoints');
  execFileSync(findTorchPython(), [join(ROOT, 'python/make_seed_checkpoints.py'), '--out', ckpt, '--arch', 'm1', '--arch', 'm1_bigger'], { stdio: 'ignore' });
  // The same random checkpoint of an architecture under each of the config's names.
  for (const [, arch, w] of MODEL_PARAMS) {
    mkdirSync(dirname(join(weightsDir, w)), { recursive: true });
    copyFileSync(join(ckpt, `${arch}.pt`), join(weightsDir, w));
  }
  const dataA = join(dir, 'data-original');
  mkdirSync(dataA);
  // The competition vocabulary has `-`: the seed models' 35 classes need all 33 characters.
  writeFileSync(join(dataA, 'voc.txt'), `${readFileSync(join(ROOT, 'test/fixtures/vocab-small.txt'), 'utf8').trimEnd()}\nиз-за\n`);
  const synth = (grid: string, count: number, seed: number): string[] => {
    const out = join(dir, `${grid}.jsonl`);
    execFileSync(process.execPath, [BIN, 'synth', '--grid', grid, '--vocab', join(ROOT, 'test/fixtures/vocab-small.txt'), '--count', String(count), '--seed', String(seed), '--no-word', '--inline-grid', '--out', out, '--quiet']);
    return lines(out);
  };
  const def = synth('default', 12, 3);
  const ext = synth('extra', 4, 4);
  writeFileSync(join(dataA, 'test.jsonl'), GRIDS.map((g, i) => (g === 'extra' ? ext[(i - 3) / 4] : def[i - Math.floor(i / 4)])).join('\n') + '\n');
});

describe('neuroswipe reproduce', () => {
  it('rejects a bad aggregation_config and a data folder without voc.txt before doing anything', () => {
    const out = join(dir, 'bad.csv');
    const a = cli(reproduceArgs(join(dir, 'data-original'), out, ['--set', 'aggregation_config.limit=0']));
    expect(a.status).toBe(1);
    expect(a.stderr).toContain('aggregation_config.limit: expected an integer ≥ 1, got 0');
    const empty = join(dir, 'data-empty');
    mkdirSync(empty);
    writeFileSync(join(empty, 'test.jsonl'), '');
    const b = cli(reproduceArgs(empty, out));
    expect(b.status).toBe(1);
    expect(b.stderr).toContain(`${join(empty, 'voc.txt')}: vocabulary (--data-dir must hold voc.txt) not found`);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(workDir)).toBe(false);
  });

  it('runs export → predict → aggregate → baseline → submit on an original-format test file', async () => {
    const out = join(dir, 'submission.csv');
    const r = cli(reproduceArgs(join(dir, 'data-original'), out));
    expect(r.status, r.stderr).toBe(0);
    for (const [k, stage] of ['data', 'export', 'predict', 'aggregate', 'baseline', 'submit'].entries()) {
      expect(r.stderr).toContain(`reproduce [${k + 1}/6] ${stage}: `);
    }
    expect(r.stderr).toContain('original format, converted');
    expect(r.stderr).toMatch(/export 8\/8: m1_bigger\/m1_bigger_v2__2023_11_12__02_27_14__0\.13413_extra_l2_0_ls0_switch_1\.pt: exported/);
    expect(r.stdout).toMatch(/^predict\s+[\d.]+\s+8 predictors: 8 decoded, 0 already done$/m);
    expect(r.stdout).toContain(`wrote 16 lines to ${out}`);
    const vocab = new Set(lines(join(dir, 'data-original/voc.txt')));
    const { filled } = await checkSubmission(out, vocab);
    expect(filled).toBeGreaterThan(0);
    // each model decoded exactly its grid's swipes
    const files = predictionFiles();
    for (const [i, [grid]] of MODEL_PARAMS.entries()) {
      const f = await readPredictionFile(at(files, i));
      expect(f.rows.map((row) => row.index)).toEqual(GRIDS.flatMap((g, j) => (g === grid ? [j] : [])));
      expect(f.meta?.generator_call_kwargs).toEqual({ max_steps_n: 8, return_hypotheses_n: 7, beamsize: 6, normalization_factor: 0.5 });
      expect(f.meta?.use_vocab_for_generation).toBe(false);
    }

    const before = readFileSync(out);
    const again = cli(reproduceArgs(join(dir, 'data-original'), out));
    expect(again.status).toBe(1);
    expect(again.stderr).toContain(`${out}: already exists (use --force to overwrite)`);
    expect(readFileSync(out)).toEqual(before);
  });

  it('resumes on the separated format with a larger vocabulary, and a full rerun is byte-identical', async () => {
    // Data folder B: the same swipes in the separated-grid format, and a vocabulary that also holds some
    // of the models' own hypotheses, so that model words reach the submission.
    const dataB = join(dir, 'data-separated');
    mkdirSync(dataB);
    const sep = cli(['separate-grid', join(dir, 'data-original/test.jsonl'), '--out', join(dataB, 'test.jsonl'), '--grids-out', join(dataB, 'gridname_to_grid.json')]);
    expect(sep.status, sep.stderr).toBe(0);
    const files = predictionFiles();
    const picked = new Set<string>();
    for (const i of [0, 1, 6]) {
      const f = await readPredictionFile(at(files, i));
      for (const row of f.rows.slice(0, 2)) {
        // Letters only: a hypothesis may hold special tokens' text (e.g. "<unk>"), which no real voc.txt has.
        const w = row.candidates.map((c) => c[1]).find((x) => x.length > 1 && /^[а-я]+$/.test(x));
        if (w !== undefined) picked.add(w);
      }
    }
    expect(picked.size).toBeGreaterThan(0);
    const vocabB = [...lines(join(dir, 'data-original/voc.txt')), ...picked];
    writeFileSync(join(dataB, 'voc.txt'), vocabB.join('\n') + '\n');

    const out = join(dir, 'submission.csv');
    const r = cli(reproduceArgs(dataB, out, ['--force']));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('separated-grid format');
    expect(r.stdout).toMatch(/^export\s+[\d.]+\s+8 models: 0 exported, 8 reused, 0 already TorchScript$/m);
    expect(r.stdout).toMatch(/^predict\s+[\d.]+\s+8 predictors: 0 decoded, 8 already done$/m);
    const { filled, withModelWords } = await checkSubmission(out, new Set(vocabB));
    expect(withModelWords).toBeGreaterThan(0);
    expect(filled).toBeGreaterThan(0);
    const first = readFileSync(out);

    // Decode everything again (exports kept): the same bytes.
    for (const f of predictionFiles()) rmSync(f);
    for (const f of readdirSync(workDir).filter((n) => n.startsWith('baseline.'))) rmSync(join(workDir, f));
    const full = cli(reproduceArgs(dataB, out, ['--force']));
    expect(full.status, full.stderr).toBe(0);
    expect(full.stdout).toMatch(/^predict\s+[\d.]+\s+8 predictors: 8 decoded, 0 already done$/m);
    expect(readFileSync(out)).toEqual(first);
  });

  it('refuses a work folder made for other test data', () => {
    const dataC = join(dir, 'data-other');
    mkdirSync(dataC);
    const sep = lines(join(dir, 'data-separated/test.jsonl'));
    writeFileSync(join(dataC, 'test.jsonl'), sep.slice(0, 8).join('\n') + '\n');
    copyFileSync(join(dir, 'data-separated/voc.txt'), join(dataC, 'voc.txt'));
    const r = cli(reproduceArgs(dataC, join(dir, 'other.csv')));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${join(workDir, 'inputs.json')}: test_data_sha256: this work folder holds predictions for other inputs`);
    expect(existsSync(join(dir, 'other.csv'))).toBe(false);
  });
});
