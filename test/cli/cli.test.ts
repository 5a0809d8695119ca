/**
 * The command line as a user meets it, through the real binary: version, help of every command (typed
 * and relative defaults, required options marked, one device/batch/workers rule in decode, predict and
 * reproduce), commander's errors for missing and malformed options, `--quiet`, and the progress display:
 * a cli-progress bar on a terminal (a pseudo-terminal from `script`), periodic plain lines otherwise.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXAMPLE_MODEL, EXAMPLE_VALID, EXAMPLE_VOCAB } from '../helpers/examples.js';
import { at } from '../../lib/util/checked.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'neuroswipe.js');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const VOCAB = join(ROOT, 'test', 'fixtures', 'vocab-small.txt');

function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, cwd: tmpdir() });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The help of every command (`decode`, `registry list`, …), found from the help of the program and its groups. */
function commandHelps(): Map<string, { code: number | null; stdout: string; stderr: string }> {
  const names = (help: string): string[] => {
    const section = help.slice(help.indexOf('\nCommands:\n'));
    return [...section.matchAll(/^ {2}([a-z][a-z-]*)/gm)].map((m) => at(m, 1)).filter((n) => n !== 'help');
  };
  const helps = new Map<string, { code: number | null; stdout: string; stderr: string }>();
  for (const name of names(cli(['--help']).stdout)) {
    const r = cli([name, '--help']);
    if (r.stdout.includes('\nCommands:\n')) for (const sub of names(r.stdout)) helps.set(`${name} ${sub}`, cli([name, sub, '--help']));
    else helps.set(name, r);
  }
  return helps;
}

/** The help line of one option (continuation lines joined). */
function optionHelp(help: string, flag: string): string {
  const lines = help.split('\n');
  const i = lines.findIndex((l) => new RegExp(`^ {2}(-\\w, )?${flag}\\b`).test(l));
  if (i < 0) throw new Error(`no ${flag} in:\n${help}`);
  let text = at(lines, i);
  for (let j = i + 1; j < lines.length && /^ {4,}\S/.test(at(lines, j)) && !/^ {2}-/.test(at(lines, j)); j++) text += ' ' + at(lines, j).trim();
  return text.replace(/\s+/g, ' ');
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'neuroswipe-cli-'));
});

describe('neuroswipe --version and --help', () => {
  it('--version and -V print the package version', () => {
    for (const flag of ['--version', '-V']) {
      const r = cli([flag]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.trim()).toBe(VERSION);
    }
  });

  it('every command has help with a description; defaults are typed, relative and shown one way; required options are marked; every command takes --quiet', { timeout: 600_000 }, () => {
    const helps = commandHelps();
    expect([...helps.keys()]).toEqual(expect.arrayContaining(['decode', 'predict', 'reproduce', 'synth', 'features', 'serve', 'registry list', 'predictions merge']));
    for (const [path, r] of helps) {
      expect(r.code, `${path} --help: ${r.stderr}`).toBe(0);
      const help = r.stdout;
      expect(help, path).toMatch(new RegExp(`^Usage: neuroswipe ${path} `));
      // The line after the usage is the command's description.
      expect(help.split('\n')[2]?.trim().length ?? 0, `${path} has a description`).toBeGreaterThan(10);
      expect(help, `${path}: no absolute path`).not.toContain(ROOT);
      expect(help, `${path}: no quoted default`).not.toMatch(/\(default: "/);
      expect(help, `${path}: one way of showing a default`).not.toMatch(/\(default [^:]/);
      expect(optionHelp(help, '--quiet')).toContain('no progress and no summary');
    }
    const get = (path: string): string => helps.get(path)?.stdout ?? '';
    const decode = get('decode');
    expect(optionHelp(decode, '--model')).toMatch(/\(required\)$/);
    expect(optionHelp(decode, '--out')).toMatch(/\(required\)$/);
    expect(optionHelp(decode, '--threads')).toMatch(/\(default: 1\)$/);
    expect(optionHelp(decode, '--device')).toMatch(/\(default: auto\)$/);
    expect(optionHelp(decode, '--grids')).toMatch(/\(default: the package's data\/gridname_to_grid\.json\)$/);
    expect(optionHelp(get('serve'), '--port')).toMatch(/\(default: 8080\)$/);
    expect(optionHelp(get('aggregate'), '--limit')).toMatch(/\(default: 4\)$/);
    expect(optionHelp(get('synth'), '--count')).toMatch(/\(required\)$/);
  });

  it('decode, predict and reproduce state one device, batch-size and workers rule', { timeout: 300_000 }, () => {
    const help = { decode: cli(['decode', '--help']).stdout, predict: cli(['predict', '--help']).stdout, reproduce: cli(['reproduce', '--help']).stdout };
    const rule = (text: string) => text.replace(/the config's \w+, else /, '');
    for (const flag of ['--batch-size', '--workers', '--device']) {
      const texts = Object.values(help).map((h) => rule(optionHelp(h, flag)));
      expect(new Set(texts).size, `${flag}:\n${texts.join('\n')}`).toBe(1);
    }
    expect(optionHelp(help.decode, '--batch-size')).toContain('(default: 16 on the CPU, auto on CUDA)');
    expect(optionHelp(help.decode, '--workers')).toContain('(default: one per core divided by --threads on the CPU, 1 on CUDA)');
    expect(optionHelp(help.predict, '--device')).toContain("(default: the config's device, else auto)");
  });
});

describe('option errors', { timeout: 300_000 }, () => {
  it('a missing required option is one line naming it and the command’s help, without the help itself', () => {
    const r = cli(['decode', '--data', EXAMPLE_VALID, '--out', join(dir, 'x.jsonl')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("error: required option '--model <file>' not specified (see neuroswipe decode --help)\n");
    expect(existsSync(join(dir, 'x.jsonl'))).toBe(false);
    const sub = cli(['registry', 'merge', 'a.sqlite']);
    expect(sub.stderr).toBe("error: required option '--out <registry>' not specified (see neuroswipe registry merge --help)\n");
  });

  it('a misspelt required option is the unknown option it is, with the flag meant, on one line', () => {
    for (const [args, typo, meant] of [
      [['decode', '--modle', EXAMPLE_MODEL, '--data', EXAMPLE_VALID, '--out', join(dir, 'x.jsonl')], '--modle', '--model'],
      [['decode', `--modle=${EXAMPLE_MODEL}`, '--data', EXAMPLE_VALID, '--out', join(dir, 'x.jsonl')], '--modle', '--model'],
      [['synth', '--vocab', VOCAB, '--cont', '3', '--out', join(dir, 'x.jsonl')], '--cont', '--count'],
      [['reproduce', '--config', 'c.json', '--weights-dir', 'w', '--data-dri', 'd', '--out', 's.csv'], '--data-dri', '--data-dir'],
    ] as const) {
      const r = cli([...args]);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toBe(`error: unknown option '${typo}' (Did you mean ${meant}?)\n`);
    }
    // An unrelated unknown option next to a missing required one: the missing one is named.
    const other = cli(['decode', '--verbose', '--data', EXAMPLE_VALID, '--out', join(dir, 'x.jsonl')]);
    expect(other.stderr).toBe("error: required option '--model <file>' not specified (see neuroswipe decode --help)\n");
    // A misspelt optional option: commander's suggestion, on the same line.
    const optional = cli(['decode', '--model', EXAMPLE_MODEL, '--data', EXAMPLE_VALID, '--out', join(dir, 'x.jsonl'), '--bem-size', '3']);
    expect(optional.stderr).toBe("error: unknown option '--bem-size' (Did you mean --beam-size?)\n");
    expect(cli(['decod']).stderr).toBe("error: unknown command 'decod' (Did you mean decode?)\n");
    expect(existsSync(join(dir, 'x.jsonl'))).toBe(false);
  });

  it('decode --help states the cost of exact and the candidates kept without a vocabulary', () => {
    const help = cli(['decode', '--help']).stdout;
    expect(optionHelp(help, '--generator')).toContain("exact finds the vocabulary's best words by branch and bound: tens of times beam's time under model scoring (progress every 10 swipes)");
    expect(optionHelp(help, '--return-hypotheses')).toContain('default: all with --use-vocab; 7 without');
    expect(optionHelp(cli(['serve', '--help']).stdout, '--return-hypotheses')).toContain('default: all with --use-vocab; 7 without');
  });

  it('decode without a vocabulary keeps 7 candidates per swipe unless --return-hypotheses says otherwise', () => {
    const data = join(dir, 'three.jsonl');
    writeFileSync(data, readFileSync(EXAMPLE_VALID, 'utf8').split('\n').slice(0, 3).join('\n') + '\n');
    const counts = (extra: string[]): number[] => {
      const out = join(dir, `nv${extra.length}.jsonl`);
      const r = cli(['decode', '--model', EXAMPLE_MODEL, '--data', data, '--workers', '1', '--out', out, '--force', '--quiet', ...extra]);
      expect(r.code, r.stderr).toBe(0);
      return readFileSync(out, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { candidates: unknown[] }).candidates.length);
    };
    expect(counts([])).toEqual([7, 7, 7]);
    for (const n of counts(['--return-hypotheses', '20'])) expect(n).toBeGreaterThan(7);
  });

  it('a malformed number is refused while parsing, naming the option and the value', () => {
    const cases: [string[], string][] = [
      [['decode', '--model', EXAMPLE_MODEL, '--data', EXAMPLE_VALID, '--out', join(dir, 'x.jsonl'), '--threads', '0'], "option '--threads <n>' argument '0' is invalid. expected an integer in 1..1024"],
      [['decode', '--model', EXAMPLE_MODEL, '--data', EXAMPLE_VALID, '--out', join(dir, 'x.jsonl'), '--batch-size', 'big'], "option '--batch-size <n>' argument 'big' is invalid. expected an integer ≥ 1 or 'auto'"],
      [['predict', '--config', 'c.json', '--device', 'gpu'], "option '--device <device>' argument 'gpu' is invalid. expected auto, cpu, cuda or cuda:N"],
      [['synth', '--vocab', VOCAB, '--count', '2.5', '--out', join(dir, 'x.jsonl')], "option '--count <n>' argument '2.5' is invalid"],
      [['serve', '--model', EXAMPLE_MODEL, '--port', '70000'], "option '--port <n>' argument '70000' is invalid. expected an integer in 0..65535"],
    ];
    for (const [args, message] of cases) {
      const r = cli(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toContain(message);
    }
  });
});

describe('--quiet and progress', { timeout: 600_000 }, () => {
  let data: string;
  let lines: number;
  beforeAll(() => {
    // The first 60 default-grid swipes of the bundled validation file: a real model on real swipes.
    const all = readFileSync(EXAMPLE_VALID, 'utf8').trim().split('\n');
    const picked = all.filter((l) => (JSON.parse(l) as { curve: { grid_name?: string } }).curve.grid_name === 'default').slice(0, 60);
    lines = picked.length;
    data = join(dir, 'valid-60.jsonl');
    writeFileSync(data, picked.join('\n') + '\n');
  });
  const decodeArgs = (out: string, extra: string[] = []) => [
    'decode', '--model', EXAMPLE_MODEL, '--data', data, '--vocab', EXAMPLE_VOCAB, '--use-vocab', '--batch-size', '2', '--workers', '1', '--out', out, ...extra,
  ];

  it('decode: the summary names the grids as grids; --quiet prints nothing and writes the same rows', () => {
    const loud = cli(decodeArgs(join(dir, 'loud.jsonl')));
    expect(loud.code, loud.stderr).toBe(0);
    expect(loud.stderr).toMatch(new RegExp(`^decoded ${lines} swipes \\(grids: default\\) in [\\d.]+ s`, 'm'));
    const quiet = cli(decodeArgs(join(dir, 'quiet.jsonl'), ['--quiet']));
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stderr).toBe('');
    expect(quiet.stdout).toBe('');
    expect(readFileSync(join(dir, 'quiet.jsonl'), 'utf8')).toBe(readFileSync(join(dir, 'loud.jsonl'), 'utf8'));
    // Errors still show with --quiet.
    const bad = cli(['decode', '--model', EXAMPLE_MODEL, '--data', join(dir, 'missing.jsonl'), '--out', join(dir, 'm.jsonl'), '--quiet']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('missing.jsonl: data file not found');
  });

  it('decode off a terminal: periodic one-line progress while the swipes decode, counting up to the total', () => {
    const r = cli(decodeArgs(join(dir, 'plain.jsonl')), { NEUROSWIPE_PROGRESS_INTERVAL: '0.05' });
    expect(r.code, r.stderr).toBe(0);
    const progress = [...r.stderr.matchAll(/^decode: (\d+)\/(\d+) swipes, [\d.]+\/s, ETA (\?|\d+ s|\d+ min \d\d s)$/gm)];
    expect(progress.length, r.stderr).toBeGreaterThan(1);
    for (const m of progress) expect(Number(m[2])).toBe(lines);
    const counts = progress.map((m) => Number(m[1]));
    expect([...counts].sort((a, b) => a - b)).toEqual(counts);
    // Counts move within the file's one chunk: the decoder reports each part of a few batches.
    expect(counts.some((n) => n > 0 && n < lines), counts.join(' ')).toBe(true);
    // No terminal control sequences off a terminal.
    expect(r.stderr).not.toContain('\x1b[');
  });

  it('decode on a terminal: a cli-progress bar that redraws as swipes finish, cleared before the summary', () => {
    const out = join(dir, 'tty.jsonl');
    // Without the vocabulary and one swipe per batch the 60 swipes take long enough for
    // several of the bar's frames (4 a second) on a fast idle machine.
    const args = ['decode', '--model', EXAMPLE_MODEL, '--data', data, '--batch-size', '1', '--workers', '1', '--out', out];
    const command = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
    const r = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', cwd: tmpdir() });
    expect(r.status, r.stdout).toBe(0);
    const frames = [...r.stdout.matchAll(/decode \[[█░]+\] (\d+)\/(\d+) swipes \| [\d.]+\/s \| ETA/g)];
    expect(frames.length, r.stdout).toBeGreaterThan(1);
    const counts = new Set(frames.map((m) => Number(m[1])));
    expect(counts.size, [...counts].join(' ')).toBeGreaterThan(2);
    expect(counts.has(lines)).toBe(true);
    expect(r.stdout).toMatch(new RegExp(`decoded ${lines} swipes \\(grids: default\\)`));
    expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(lines);
  });

  it('synth (synchronous work) off a terminal prints periodic lines; --quiet prints nothing', () => {
    const out = join(dir, 'synth.jsonl');
    const r = cli(['synth', '--vocab', VOCAB, '--count', '30000', '--seed', '1', '--out', out], { NEUROSWIPE_PROGRESS_INTERVAL: '0.05' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^synth: \d+\/30000 swipes, [\d.]+\/s, ETA /m);
    expect(r.stderr).toMatch(/^synth: wrote 30000 swipes to /m);
    const q = cli(['synth', '--vocab', VOCAB, '--count', '300', '--seed', '1', '--out', join(dir, 'synth-q.jsonl'), '--quiet']);
    expect(q.code, q.stderr).toBe(0);
    expect(q.stderr + q.stdout).toBe('');
  });

  it('features, baseline, aggregate and evaluate: --quiet drops the summary, not the result', () => {
    const feats = cli(['features', '--data', data, '--transform', 'nearest_key_only', '--out', join(dir, 'f.jsonl'), '--quiet']);
    expect(feats.code, feats.stderr).toBe(0);
    expect(feats.stderr + feats.stdout).toBe('');
    expect(readFileSync(join(dir, 'f.jsonl'), 'utf8').trim().split('\n')).toHaveLength(lines);
    const loud = cli(['features', '--data', data, '--transform', 'nearest_key_only', '--out', join(dir, 'f2.jsonl')]);
    expect(loud.stderr).toContain(`wrote features of ${lines} swipes`);

    const base = cli(['baseline', '--data', data, '--vocab', EXAMPLE_VOCAB, '--voc-size', '2000', '--threads', '2', '--out', join(dir, 'b.jsonl'), '--quiet']);
    expect(base.code, base.stderr).toBe(0);
    expect(base.stderr + base.stdout).toBe('');

    const agg = cli(['aggregate', '--method', 'appendage', '--inputs', join(dir, 'loud.jsonl'), join(dir, 'b.jsonl'), '--vocab', EXAMPLE_VOCAB, '--out', join(dir, 'agg.jsonl'), '--quiet']);
    expect(agg.code, agg.stderr).toBe(0);
    expect(agg.stderr + agg.stdout).toBe('');
    expect(readFileSync(join(dir, 'agg.jsonl'), 'utf8').trim().split('\n').length).toBeGreaterThanOrEqual(lines);

    const ev = cli(['evaluate', '--predictions', join(dir, 'agg.jsonl'), '--data', data, '--results', join(dir, 'results.csv'), '--quiet']);
    expect(ev.code, ev.stderr).toBe(0);
    expect(ev.stdout).toMatch(/Swipe MRR/);
    expect(ev.stdout).not.toMatch(/row\(s\) added/);
  });
});
