/**
 * `neuroswipe decode` with the searches beyond the seed: `--generator exact` and `hybrid` (vocabulary words
 * only, at most --return-hypotheses, exact's top word never worse than beam's) and the beam pruning thresholds,
 * with their option errors. Runs the built binary on a generated test model and synthetic swipes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture } from '../helpers/fixtures.js';
import { at } from '../../lib/util/checked.js';

const BIN = new URL('../../bin/neuroswipe.js', import.meta.url).pathname;
const VOCAB_ALL = new URL('../fixtures/vocab-small.txt', import.meta.url).pathname;
const MODEL = fixture('m1_bigger.pt');
let dir: string;
let data: string;
let vocab: string;

function run(args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
}
type Row = { index: number; candidates: [number, string][] };
const rowsOf = (f: string): Row[] => readFileSync(f, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Row);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'neuroswipe-search-cli-'));
  // 300 real words: exact scoring of each swipe stays quick on a random-init test model.
  vocab = join(dir, 'vocab.txt');
  writeFileSync(vocab, readFileSync(VOCAB_ALL, 'utf8').split('\n').filter((w) => w.length > 0).slice(0, 300).join('\n') + '\n');
  data = join(dir, 'd.jsonl');
  execFileSync(process.execPath, [BIN, 'synth', '--grid', 'default', '--vocab', vocab, '--count', '4', '--seed', '5', '--out', data, '--quiet']);
});

describe('neuroswipe decode --generator exact | hybrid, and beam pruning', () => {
  it('exact: vocabulary words only, best first, at most --return-hypotheses, never worse than beam', () => {
    const out = join(dir, 'exact.jsonl');
    const r = run(['decode', '--model', MODEL, '--data', data, '--vocab', vocab, '--use-vocab', '--generator', 'exact', '--return-hypotheses', '3', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    const beamOut = join(dir, 'beam.jsonl');
    expect(run(['decode', '--model', MODEL, '--data', data, '--vocab', vocab, '--use-vocab', '--out', beamOut]).status).toBe(0);
    const words = new Set(readFileSync(vocab, 'utf8').split('\n'));
    const beam = rowsOf(beamOut);
    rowsOf(out).forEach((row, i) => {
      expect(row.candidates.length).toBe(3);
      const scores = row.candidates.map((c) => c[0]);
      expect([...scores].sort((a, b) => a - b)).toEqual(scores);
      for (const [, w] of row.candidates) expect(words.has(w)).toBe(true);
      expect(scores[0]).toBeLessThanOrEqual(at(at(beam, i).candidates, 0)[0] * (1 + 1e-6));
    });
  });

  it('hybrid with --hybrid-steps, and beam with pruning thresholds', () => {
    const out = join(dir, 'hybrid.jsonl');
    const r = run(['decode', '--model', MODEL, '--data', data, '--vocab', vocab, '--use-vocab', '--generator', 'hybrid', '--hybrid-steps', '2', '--beam-size', '3', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    for (const row of rowsOf(out)) expect(row.candidates.length).toBeGreaterThan(0);
    const pruned = join(dir, 'pruned.jsonl');
    const p = run(['decode', '--model', MODEL, '--data', data, '--generator', 'beam-sync', '--score-ceiling', '1.5', '--token-log-prob-floor', '-4', '--out', pruned]);
    expect(p.status, p.stderr).toBe(0);
    for (const row of rowsOf(pruned)) for (const [s] of row.candidates) expect(s).toBeLessThanOrEqual(1.5);
  });

  it.each([
    [['--generator', 'exact'], /--generator exact scores vocabulary words: it needs --use-vocab/],
    [['--generator', 'exact', '--use-vocab', '--beam-size', '4'], /--beam-size applies to beam, beam-sync and hybrid, not exact/],
    [['--generator', 'hybrid', '--use-vocab', '--score-ceiling', '2'], /--score-ceiling applies to beam and beam-sync, not hybrid/],
    [['--generator', 'beam', '--hybrid-steps', '2'], /--hybrid-steps applies to --generator hybrid/],
    [['--generator', 'beam', '--token-log-prob-floor', '1'], /decoding\.tokenLogProbFloor: expected a finite number ≤ 0/],
  ])('rejects %j', (args, message) => {
    const withVocab = args.includes('--use-vocab') ? ['--vocab', vocab] : [];
    const r = run(['decode', '--model', MODEL, '--data', data, ...withVocab, ...args, '--out', join(dir, 'never.jsonl')]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(message);
  });
});
