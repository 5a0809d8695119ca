import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture } from '../helpers/fixtures.js';
import { at, own } from '../../lib/util/checked.js';

const BIN = new URL('../../bin/neuroswipe.js', import.meta.url).pathname;
const VOCAB = new URL('../fixtures/vocab-small.txt', import.meta.url).pathname;
const MODEL = fixture('m1_bigger.pt');
let dir: string;
let data: string;

function run(args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'neuroswipe-decode-cli-'));
  data = join(dir, 'mixed.jsonl');
  // 5 default-grid swipes and 2 extra-grid swipes, interleaved in one file
  const d = join(dir, 'd.jsonl');
  const e = join(dir, 'e.jsonl');
  execFileSync(process.execPath, [BIN, 'synth', '--grid', 'default', '--vocab', VOCAB, '--count', '5', '--seed', '3', '--out', d]);
  execFileSync(process.execPath, [BIN, 'synth', '--grid', 'extra', '--vocab', VOCAB, '--count', '2', '--seed', '4', '--out', e]);
  const dl = readFileSync(d, 'utf8').trim().split('\n');
  const el = readFileSync(e, 'utf8').trim().split('\n');
  writeFileSync(data, [dl[0], el[0], dl[1], dl[2], el[1], dl[3], dl[4]].join('\n') + '\n');
});

describe('neuroswipe decode', () => {
  it('decodes the model grid’s swipes in input order with vocabulary words only', () => {
    const out = join(dir, 'pred.jsonl');
    const r = run(['decode', '--model', MODEL, '--data', data, '--vocab', VOCAB, '--use-vocab', '--generator', 'beam', '--return-hypotheses', '4', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/decoded 5 swipes \(grids: default\) in [\d.]+ s: [\d.]+ swipes\/s on cpu/);
    const rows = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.map((x) => x.index)).toEqual([0, 2, 3, 5, 6]);
    const words = new Set(readFileSync(VOCAB, 'utf8').split('\n'));
    for (const row of rows) {
      expect(row.grid_name).toBe('default');
      expect(row.candidates.length).toBeGreaterThan(0);
      expect(row.candidates.length).toBeLessThanOrEqual(4);
      const scores = row.candidates.map((c: [number, string]) => c[0]);
      expect([...scores].sort((a, b) => a - b)).toEqual(scores);
      for (const [, w] of row.candidates) expect(words.has(w)).toBe(true);
    }
  });
  it('--torchscript-step --no-skip-forced give the same words as the default fast path', () => {
    const fast = join(dir, 'fast.jsonl');
    const slow = join(dir, 'slow.jsonl');
    const common = ['decode', '--model', MODEL, '--data', data, '--vocab', VOCAB, '--use-vocab', '--generator', 'beam'];
    expect(run([...common, '--out', fast]).status).toBe(0);
    const r = run([...common, '--torchscript-step', '--no-skip-forced', '--out', slow]);
    expect(r.status, r.stderr).toBe(0);
    const words = (f: string) => readFileSync(f, 'utf8').trim().split('\n').map((l) => JSON.parse(l).candidates.map((c: [number, string]) => c[1]));
    expect(words(slow)).toEqual(words(fast));
    expect(words(fast).flat().length).toBeGreaterThan(0);
  });
  it('--grid picks another grid', () => {
    const out = join(dir, 'extra.jsonl');
    const r = run(['decode', '--model', MODEL, '--data', data, '--generator', 'greedy', '--grid', 'extra', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    const rows = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.map((x) => [x.index, x.grid_name, x.candidates.length])).toEqual([[1, 'extra', 1], [4, 'extra', 1]]);
  });
  it('--long-swipes skip decodes the other swipes and names the skipped lines', () => {
    const x = Array.from({ length: 300 }, (_, i) => 100 + i);
    const long = JSON.stringify({ curve: { x, y: x.map(() => 200), t: x.map((_, i) => i * 5), grid_name: 'default' } });
    const lines = readFileSync(data, 'utf8').trim().split('\n');
    const mixed = join(dir, 'with-long.jsonl');
    writeFileSync(mixed, [lines[0], long, lines[2], long].join('\n') + '\n');
    const out = join(dir, 'skip-long.jsonl');
    const r = run(['decode', '--model', MODEL, '--data', mixed, '--generator', 'greedy', '--long-swipes', 'skip', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain(`${mixed}: skipped 2 swipes longer than 299 points (max_curve_len), lines 2, 4`);
    expect(r.stderr).toMatch(/decoded 2 swipes .*; 2 long swipes skipped → /);
    const rows = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.map((x) => x.index)).toEqual([0, 2]);
    const failed = run(['decode', '--model', MODEL, '--data', mixed, '--generator', 'greedy', '--out', join(dir, 'fail-long.jsonl')]);
    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain(`${mixed}:2: curve.x: 300 points, but the model accepts at most 299`);
    expect(existsSync(join(dir, 'fail-long.jsonl'))).toBe(false);
  });
  it('refuses to overwrite --out without --force, and an --out equal to --data', () => {
    const out = join(dir, 'twice.jsonl');
    expect(run(['decode', '--model', MODEL, '--data', data, '--generator', 'greedy', '--max-steps', '3', '--out', out]).status).toBe(0);
    const before = readFileSync(out, 'utf8');
    const again = run(['decode', '--model', MODEL, '--data', data, '--generator', 'greedy', '--max-steps', '3', '--out', out]);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain(`${out}: already exists (use --force to overwrite)`);
    expect(run(['decode', '--model', MODEL, '--data', data, '--generator', 'greedy', '--max-steps', '3', '--out', out, '--force']).status).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(before);
    const self = run(['decode', '--model', MODEL, '--data', data, '--out', data, '--force']);
    expect(self.status).toBe(1);
    expect(self.stderr).toContain(`${data}: the output is also an input`);
  });
  const bad: [string, string[], RegExp][] = [
    ['empty vocabulary', ['--use-vocab', '--vocab', 'EMPTY'], /the vocabulary is empty/],
    ['a vocabulary character the tokenizer lacks', ['--use-vocab', '--vocab', 'LATIN'], /line 2: word "cat" has the character "c"/],
    ['max steps above the model limit', ['--max-steps', '36'], /decoding\.maxSteps: expected an integer in 1\.\.35, got 36/],
    ['beam size below 1', ['--beam-size', '0'], /decoding\.beamSize: expected an integer in 1\.\.35, got 0/],
    ['a swipe longer than the positional table', ['--data', 'LONG'], /long\.jsonl:1: curve\.x: 300 points, but the model accepts at most 299 \(max_curve_len\); pass --long-swipes skip/],
    ['an unknown --long-swipes policy', ['--long-swipes', 'truncate'], /--long-swipes: expected fail or skip, got "truncate"/],
    ['no swipe on the model’s grids', ['--data', 'EXTRAONLY'], /no swipe on grid\(s\) default; the file has 1 on extra/],
    ['a bad line', ['--data', 'BADLINE'], /:2: curve\.t/],
    ['--vocab without --use-vocab', ['--vocab', 'LATIN'], /latin\.txt is only read with --use-vocab/],
    ['a vocabulary of blank lines', ['--use-vocab', '--vocab', 'BLANK'], /blank\.txt: vocabulary is empty: all 3 lines are blank/],
  ];
  for (const [name, extra, re] of bad) {
    it(`fails clearly on ${name}, writing nothing`, () => {
      const files: Record<string, string> = {
        EMPTY: join(dir, 'empty.txt'), LATIN: join(dir, 'latin.txt'), LONG: join(dir, 'long.jsonl'),
        EXTRAONLY: join(dir, 'extraonly.jsonl'), BADLINE: join(dir, 'badline.jsonl'), BLANK: join(dir, 'blank.txt'),
      };
      writeFileSync(own(files, 'BLANK'), '\n \n\t\n');
      writeFileSync(own(files, 'EMPTY'), '');
      writeFileSync(own(files, 'LATIN'), 'дом\ncat\n');
      const x = Array.from({ length: 300 }, (_, i) => 100 + i);
      writeFileSync(own(files, 'LONG'), JSON.stringify({ curve: { x, y: x.map(() => 200), t: x.map((_, i) => i * 5), grid_name: 'default' } }) + '\n');
      const lines = readFileSync(data, 'utf8').split('\n');
      writeFileSync(own(files, 'EXTRAONLY'), lines[1] + '\n');
      writeFileSync(own(files, 'BADLINE'), lines[0] + '\n' + at(lines, 2).replace('"t":[', '"t":[0,') + '\n');
      const args = extra.map((a) => files[a] ?? a);
      const out = join(dir, `bad-${name.replace(/\W+/g, '-')}.jsonl`);
      const base = args.includes('--data') ? [] : ['--data', data];
      const r = run(['decode', '--model', MODEL, ...base, ...args, '--out', out]);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(re);
      expect(existsSync(out)).toBe(false);
    });
  }
});
