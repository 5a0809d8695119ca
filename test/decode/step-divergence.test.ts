/**
 * The swipe of ../shared/repro/step-divergence: a random-initialised m1_bigger whose best-first search meets a
 * selection near tie (two partials 3e-7 apart in exact arithmetic). The engine's cached steps compute the model
 * within float32 rounding of the seed's loop, but which of the two partials goes first depends on that rounding:
 * with OpenBLAS's AVX2 (Haswell) kernels they returned 124 candidates instead of the seed's 110. Near ties are now
 * decided by the seed's arithmetic (native/search/tie_referee.h), so every engine path returns the seed's list
 * under every kernel the CPU runs. The files stay in ../shared; without them this file is skipped.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM shared with scripts/differential.mjs
import { sameUpToNearTies, scoresAgree } from '../../scripts/differential/compare.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const REPRO = join(ROOT, '..', 'shared', 'repro', 'step-divergence');
const PRESENT = ['model.pt', 'swipe.jsonl', 'expected.json'].every((f) => existsSync(join(REPRO, f)));
const BIN = join(ROOT, 'bin', 'neuroswipe.js');
const CPU_FLAGS = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
/** The OpenBLAS kernel families this CPU can run, besides the one OpenBLAS picks by itself. */
const KERNELS = [
  ['the kernel OpenBLAS picks', undefined],
  ...(/\bavx2\b/.test(CPU_FLAGS) ? [['Haswell (AVX2)', 'Haswell']] : []),
  ...(/\bavx512f\b/.test(CPU_FLAGS) ? [['SkylakeX (AVX-512)', 'SkylakeX']] : []),
] as [string, string | undefined][];
// `decode` keeps 7 candidates without a vocabulary unless told otherwise; the seed's list has 110.
const SEARCH = ['--generator', 'beam', '--beam-size', '6', '--normalization-factor', '0.5', '--max-steps', '35', '--device', 'cpu', '--return-hypotheses', '1000'];

type Candidate = [number, string];

function expected(): Candidate[] {
  return (JSON.parse(readFileSync(join(REPRO, 'expected.json'), 'utf8')) as { candidates: Candidate[] }).candidates;
}

function env(kernel: string | undefined): NodeJS.ProcessEnv {
  const e = { ...process.env };
  delete e.OPENBLAS_CORETYPE;
  if (kernel) e.OPENBLAS_CORETYPE = kernel;
  return e;
}

const dir = mkdtempSync(join(tmpdir(), 'neuroswipe-step-divergence-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `neuroswipe decode` of the swipe with `extra` flags under `kernel`: its candidates. */
function decodeCli(kernel: string | undefined, extra: string[]): Candidate[] {
  const out = join(dir, `out-${kernel ?? 'auto'}-${extra.join('')}.jsonl`);
  const r = spawnSync(process.execPath, [BIN, 'decode', '--model', join(REPRO, 'model.pt'), '--data', join(REPRO, 'swipe.jsonl'), ...SEARCH, ...extra, '--out', out, '--force', '--quiet'], { encoding: 'utf8', env: env(kernel) });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return (JSON.parse(readFileSync(out, 'utf8').trim()) as { candidates: Candidate[] }).candidates;
}

/** The seed's list: the same words in the same order up to the final sort of near-equal scores, scores within 1e-5. */
function expectSeedList(got: Candidate[], label: string): void {
  const want = expected();
  expect(got.length, label).toBe(want.length);
  expect(sameUpToNearTies(got, want), label).toBe(true);
  got.forEach(([score], i) => expect(scoresAgree(score, want[i]![0]) || got[i]![1] !== want[i]![1], `${label}: candidate ${i}`).toBe(true));
}

describe.skipIf(!PRESENT)('the step-divergence swipe (../shared/repro/step-divergence)', () => {
  it.each(KERNELS)('the default path and the TorchScript step return the seed\'s 110 candidates; %s', (_label, kernel) => {
    expectSeedList(decodeCli(kernel, []), `built-in step, ${kernel ?? 'auto'}`);
    expectSeedList(decodeCli(kernel, ['--torchscript-step']), `TorchScript step, ${kernel ?? 'auto'}`);
  });

  it.runIf(/\bavx2\b/.test(CPU_FLAGS))('without the near-tie referee, the AVX2 kernels take the other partial first and the list differs', () => {
    // The library with seedTies off, in a child process that runs OpenBLAS's Haswell kernels.
    const script = `
      import { Decoder } from ${JSON.stringify(join(ROOT, 'dist/decode/decoder.js'))};
      import { Model } from ${JSON.stringify(join(ROOT, 'dist/model/model.js'))};
      import { readSwipes } from ${JSON.stringify(join(ROOT, 'dist/data/dataset.js'))};
      const model = await Model.load(${JSON.stringify(join(REPRO, 'model.pt'))}, { device: 'cpu' });
      const swipes = [];
      for await (const s of readSwipes(${JSON.stringify(join(REPRO, 'swipe.jsonl'))})) swipes.push(s);
      const decoding = { generator: 'beam', beamSize: 6, normalizationFactor: 0.5, maxSteps: 35 };
      const out = {};
      for (const seedTies of [false, true]) {
        const r = await (await Decoder.create(model, { decoding, seedTies })).decode(swipes);
        out[seedTies] = { candidates: r.rows[0].candidates, tieDecisions: r.stats.tieDecisions };
      }
      process.stdout.write(JSON.stringify(out));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: env('Haswell') });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as Record<string, { candidates: Candidate[]; tieDecisions: number }>;
    expect(out.false!.tieDecisions).toBe(0);
    expect(sameUpToNearTies(out.false!.candidates, expected())).toBe(false);
    expect(out.true!.tieDecisions).toBeGreaterThan(0);
    expectSeedList(out.true!.candidates, 'library, Haswell, seedTies');
  });
});
