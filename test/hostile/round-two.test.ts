/**
 * Hostile input, second round: the silent wrong answers, the leftovers and the unclear errors of the newer
 * features, each on real inputs (the bundled model, vocabulary, swipes and grids). The cases that end in an
 * error line are also in the bad-input corpus (test/bad-input/cases.ts); these are the ones that need more
 * than an exit code and a message to check.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WordPrior, readFrequencyTable } from '../../lib/decode/prior.js';
import { AtomicTextWriter, reclaimStaleTemps } from '../../lib/io/atomic-write.js';
import { Decoder } from '../../lib/decode/decoder.js';
import { Model } from '../../lib/model/model.js';
import { CharTokenizer } from '../../lib/tokenizer.js';
import { Vocabulary } from '../../lib/vocabulary.js';
import { at } from '../../lib/util/checked.js';
import { runCli } from '../bad-input/run-cli.js';
import { EXAMPLE_MODEL, EXAMPLE_VALID, exampleSwipes } from '../helpers/examples.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin/neuroswipe.js');
const dir = mkdtempSync(join(tmpdir(), 'neuroswipe-round-two-'));
const lines = readFileSync(EXAMPLE_VALID, 'utf8').split('\n').filter((l) => l.length > 0);
const words = lines.map((l) => (JSON.parse(l) as { word: string }).word);

/** A pid that surely belongs to no running process: a child that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describe('frequency counts whose sum overflows a double', () => {
  const huge = join(dir, 'huge.tsv');
  beforeAll(() => writeFileSync(huge, `${at(words, 0)}\t1e308\n${at(words, 1)}\t1e308\n`));

  it('keeps the sum in log space: two counts of 1e308 are half the mass each', () => {
    const t = readFrequencyTable(huge);
    expect(Number.isFinite(t.logTotal)).toBe(true);
    expect(t.logTotal).toBeCloseTo(Math.log(1e308) + Math.log(2), 6);
    const p = new WordPrior(t);
    expect(Math.exp(p.logProb(at(words, 0)))).toBeCloseTo(0.5, 6);
    expect(Number.isFinite(p.logProb('несловo'))).toBe(true);
    // the same from a plain Map
    expect(new WordPrior(new Map([['а', 1e308], ['б', 1e308]])).logProb('а')).toBeCloseTo(Math.log(0.5), 6);
  });

  it('refuses a file whose counts are all 0, naming the file', () => {
    const f = join(dir, 'zero.tsv');
    writeFileSync(f, 'дом\t0\nкот\t0\n');
    expect(() => readFrequencyTable(f)).toThrow(`${f}: count: every count is 0`);
  });

  it('fit-prior: the no-prior Swipe MRR is the one evaluate reports', async () => {
    // Real targets; the true word first on even rows, second on odd rows: Swipe MRR (1 + 0.1) / 2 (its
    // rank weights are 1, 0.1, 0.09, 0.08).
    const n = 40;
    const data = join(dir, 'fit-data.jsonl');
    writeFileSync(data, `${lines.slice(0, n).join('\n')}\n`);
    const preds = join(dir, 'fit-preds.jsonl');
    writeFileSync(preds, words.slice(0, n).map((w, i) => JSON.stringify({ index: i, grid_name: 'default', candidates: i % 2 === 0 ? [[1, w], [2, 'зззз']] : [[1, 'зззз'], [2, w]] })).join('\n') + '\n');
    const r = await runCli(['fit-prior', '--predictions', preds, '--data', data, '--prior', huge, '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const fit = JSON.parse(r.stdout) as { initialMrr: number; mrr: number };
    expect(fit.initialMrr).toBeCloseTo(0.55, 9);
    expect(fit.mrr).toBeGreaterThanOrEqual(fit.initialMrr);
  });

  it('synth --frequency draws only the two listed words', async () => {
    const vocab = join(dir, 'synth-vocab.txt');
    writeFileSync(vocab, `${words.slice(0, 30).join('\n')}\n`);
    const out = join(dir, 'synth.jsonl');
    const ref = join(dir, 'synth.ref');
    const r = await runCli(['synth', '--vocab', vocab, '--frequency', huge, '--count', '200', '--seed', '3', '--quiet', '--out', out, '--ref-out', ref]);
    expect(r.code, r.stderr).toBe(0);
    const drawn = new Set(readFileSync(ref, 'utf8').split('\n').filter((l) => l.length > 0));
    expect([...drawn].sort()).toEqual([at(words, 0), at(words, 1)].sort());
  });

  it('decode --prior decodes (finite scores) instead of failing on a non-finite score', async () => {
    const data = join(dir, 'prior-data.jsonl');
    writeFileSync(data, `${lines.slice(0, 4).join('\n')}\n`);
    const out = join(dir, 'prior-out.jsonl');
    const r = await runCli(['decode', '--model', EXAMPLE_MODEL, '--data', data, '--prior', huge, '--prior-weight', '0.5', '--beam-size', '3', '--max-steps', '8', '--quiet', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const rows = readFileSync(out, 'utf8').split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as { candidates?: [number, string][] });
    const cands = rows.flatMap((row) => row.candidates ?? []);
    expect(cands.length).toBeGreaterThan(0);
    for (const [s] of cands) expect(Number.isFinite(s)).toBe(true);
  });
});

/** Runs the CLI with `--data` a FIFO fed once from `lines`; killed after 60 s (a hang). */
async function withFifo(args: (fifo: string) => string[], text: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  const d = mkdtempSync(join(dir, 'fifo-'));
  const fifo = join(d, 'data.fifo');
  expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
  const source = join(d, 'source.jsonl');
  writeFileSync(source, text);
  // The writer feeds the FIFO once, as a shell pipeline or a process substitution would.
  const writer = spawn('sh', ['-c', `cat "$1" > "$2"`, 'sh', source, fifo], { stdio: 'ignore' });
  const child = spawn(process.execPath, [BIN, ...args(fifo)], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 60_000 });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const end = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => child.on('exit', (code, signal) => res({ code, signal })));
  writer.kill();
  return { ...end, stderr };
}

describe('inputs that can be read only once (a FIFO)', () => {
  const text = `${lines.slice(0, 30).join('\n')}\n`;
  it('decode reads --data once: every line decoded, no hang', async () => {
    const out = join(mkdtempSync(join(dir, 'fifo-out-')), 'p.jsonl');
    const r = await withFifo((f) => ['decode', '--model', EXAMPLE_MODEL, '--data', f, '--generator', 'greedy', '--max-steps', '6', '--out', out], text);
    expect(r.signal, r.stderr).toBeNull();
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(out, 'utf8').split('\n').filter((l) => l.length > 0)).toHaveLength(30);
  }, 120_000);

  it('features reads --data once: every line written, no hang', async () => {
    const out = join(mkdtempSync(join(dir, 'fifo-out-')), 'f.jsonl');
    const r = await withFifo((f) => ['features', '--data', f, '--transform', 'nearest_key_only', '--out', out], text);
    expect(r.signal, r.stderr).toBeNull();
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(out, 'utf8').split('\n').filter((l) => l.length > 0)).toHaveLength(30);
  }, 120_000);

  it('predict, which reads the data several times, refuses a FIFO in one line', async () => {
    const d = mkdtempSync(join(dir, 'fifo-predict-'));
    mkdirSync(join(d, 'out'));
    writeFileSync(join(d, 'voc.txt'), `${words.slice(0, 50).join('\n')}\n`);
    const config = (fifo: string): string => {
      const c = join(d, 'c.json');
      writeFileSync(c, JSON.stringify({
        prediction_config: {
          model_params: [['default', 'm1_bigger', EXAMPLE_MODEL]], out_path: join(d, 'out'), csv_path: '', data_split: 'val',
          data_split__to__path: { val: fifo, test: fifo }, models_root: d, voc_path: join(d, 'voc.txt'),
          transform_name: 'traj_feats_and_nearest_key', include_time: false, include_velocities: true, include_accelerations: true,
          generator: 'greedy', generator_call_kwargs: { max_steps_n: 6 }, use_vocab_for_generation: false, n_classes: 35,
        },
      }));
      return c;
    };
    const r = await withFifo((f) => ['predict', '--config', config(f), '--quiet'], text);
    expect(r.signal, r.stderr).toBeNull();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/data\.fifo: not a regular file \(a pipe or device\): predict reads the data file more than once/);
  }, 120_000);
});

describe('Vocabulary.build and library arguments', () => {
  let model: Model;
  let tokenizer: CharTokenizer;
  beforeAll(async () => {
    model = await Model.load(EXAMPLE_MODEL);
    tokenizer = CharTokenizer.fromTokens([...model.metadata.char_tokens]);
  });
  afterAll(() => model?.dispose());

  it('refuses empty words, naming the line', async () => {
    await expect(Vocabulary.build([''], tokenizer)).rejects.toThrow('(vocabulary): line 1: empty word');
    await expect(Vocabulary.build(['', 'набей'], tokenizer, 'v.txt')).rejects.toThrow('v.txt: line 1: empty word');
    await expect(Vocabulary.build(['набей', ''], tokenizer, 'v.txt', [3, 7])).rejects.toThrow('v.txt: line 7: empty word');
  });

  it('names the argument for null, non-arrays and non-strings', async () => {
    await expect(Vocabulary.build(null as unknown as string[], tokenizer)).rejects.toThrow(/^words: expected an array of strings, got null$/);
    await expect(Vocabulary.build(['дом', 3] as unknown as string[], tokenizer)).rejects.toThrow(/^words\[1\]: expected a string, got number 3$/);
    await expect(Vocabulary.build(['дом'], null as unknown as CharTokenizer)).rejects.toThrow(/^tokenizer: expected a CharTokenizer, got null$/);
    expect(() => new WordPrior(null as unknown as Map<string, number>)).toThrow(/^counts: /);
  });

  it('Model.load, Decoder.create and Decoder.decode name a null or mistyped argument', async () => {
    await expect(Model.load(EXAMPLE_MODEL, null as unknown as object)).rejects.toThrow(/^Model\.load: options: expected an object, got null$/);
    await expect(Model.load(null as unknown as string)).rejects.toThrow(/^Model\.load: path: expected a non-empty string, got null$/);
    await expect(Decoder.create(null as unknown as Model)).rejects.toThrow(/^Decoder\.create: model: expected a Model \(from Model\.load\), got null$/);
    await expect(Decoder.create(model, null as unknown as object)).rejects.toThrow(/^Decoder\.create: options: expected an object, got null$/);
    const decoder = await Decoder.create(model, { decoding: { generator: 'greedy', maxSteps: 5 } });
    const swipes = await exampleSwipes(1);
    await expect(decoder.decode(swipes, null as unknown as object)).rejects.toThrow(/^Decoder\.decode: options: expected an object \{ signal\?, onProgress\? \}, got null$/);
    await expect(decoder.decode(swipes, { signal: {} as AbortSignal })).rejects.toThrow(/^Decoder\.decode: options\.signal: expected an AbortSignal, got Object$/);
    await expect(decoder.decode(swipes, { onProgress: 3 as unknown as () => void })).rejects.toThrow(/^Decoder\.decode: options\.onProgress: expected a function, got number 3$/);
    await expect(decoder.decode(null as unknown as [])).rejects.toThrow(/^swipes: expected an array of swipes, got null$/);
  });
});

describe('outputs: listeners, leftovers and locks', () => {
  it('a 24 MiB output raises no MaxListenersExceededWarning', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error): void => {
      warnings.push(w.name);
    };
    process.on('warning', onWarning);
    try {
      const w = new AtomicTextWriter(join(dir, 'big.txt'));
      const line = `${'ж'.repeat(1023)}\n`;
      for (let i = 0; i < 24 * 1024; i++) await w.write(line);
      await w.commit();
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).not.toContain('MaxListenersExceededWarning');
  });

  it('temporary files of a killed process are removed by the next write; those of a live one stay', async () => {
    const d = mkdtempSync(join(dir, 'reclaim-'));
    const target = join(d, 'out.jsonl');
    const stale = join(d, `.out.jsonl.${deadPid()}.1700000000000.abc123.tmp`);
    const live = join(d, `.out.jsonl.${process.ppid}.1700000000000.def456.tmp`);
    const other = join(d, `.other.jsonl.${deadPid()}.1700000000000.abc123.tmp`);
    for (const f of [stale, live, other]) writeFileSync(f, 'partial');
    const w = new AtomicTextWriter(target);
    await w.write('x\n');
    await w.commit();
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(existsSync(other)).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('x\n');
    expect(reclaimStaleTemps(join(d, 'other.jsonl'))).toEqual([other]);
  });

  it('a predict run stopped by SIGTERM leaves no registry lock', async () => {
    const d = mkdtempSync(join(dir, 'lock-'));
    mkdirSync(join(d, 'out'));
    const big = join(d, 'valid.jsonl');
    writeFileSync(big, readFileSync(EXAMPLE_VALID, 'utf8'));
    writeFileSync(join(d, 'voc.txt'), `${words.slice(0, 50).join('\n')}\n`);
    const config = join(d, 'c.json');
    writeFileSync(config, JSON.stringify({
      prediction_config: {
        model_params: [['default', 'm1_bigger', EXAMPLE_MODEL]], out_path: join(d, 'out'), csv_path: '', data_split: 'val',
        data_split__to__path: { val: big, test: big }, models_root: d, voc_path: join(d, 'voc.txt'),
        transform_name: 'traj_feats_and_nearest_key', include_time: false, include_velocities: true, include_accelerations: true,
        generator: 'greedy', generator_call_kwargs: { max_steps_n: 20 }, use_vocab_for_generation: false, n_classes: 35,
      },
    }));
    const registry = join(d, 'registry.sqlite');
    const child = spawn(process.execPath, [BIN, 'predict', '--config', config, '--registry', registry, '--quiet', '--workers', '1'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const done = new Promise<NodeJS.Signals | null>((res) => child.on('exit', (_c, sig) => res(sig)));
    const t0 = Date.now();
    while (!existsSync(`${registry}.lock`) && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 20));
    expect(existsSync(`${registry}.lock`), stderr).toBe(true);
    child.kill('SIGTERM');
    expect(await done, stderr).toBe('SIGTERM');
    expect(readdirSync(d).filter((f) => f.endsWith('.lock'))).toEqual([]);
  }, 120_000);
});
