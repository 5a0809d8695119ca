/**
 * scripts/swipe-path.mjs --trace: the real `neuroswipe predict` (example model, example vocabulary, beam
 * search) and `neuroswipe submit` on one swipe of examples/test.jsonl, under V8 coverage; the library files
 * whose functions ran on the way from the JSONL line to the submission CSV, beyond assembling the command
 * line, and of those the files whose code runs again for each further swipe (the swipe's way, as against the
 * run's set-up). A file that joins the path (a new pass-through module, a concept split in two) fails the bound.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = new URL('../..', import.meta.url).pathname;
const SCRIPT = join(ROOT, 'scripts/swipe-path.mjs');

/** The library files on the traced path today (docs/ARCHITECTURE.md lists them). */
const MAX_FILES = 44;
/** Of those, the files whose code runs again for each further swipe: the swipe's way (at most 25 wanted). */
const MAX_PER_SWIPE = 22;

interface Trace {
  closure: string;
  count: number;
  submission: string;
  files: { file: string; functions: string[] }[];
  perSwipe: { count: number; files: { file: string; blocks: number }[] };
}

function runScript(args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [SCRIPT, ...args], { cwd: ROOT, encoding: 'utf8' });
}

describe('scripts/swipe-path.mjs', () => {
  it(`--trace: one swipe goes from JSONL to the submission CSV through at most ${MAX_FILES} library files`, () => {
    const r = runScript(['--trace', '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const trace = JSON.parse(r.stdout) as Trace;
    expect(trace.closure).toBe('trace');
    const files = trace.files.map((f) => f.file);
    expect(trace.count).toBe(files.length);
    expect(trace.count).toBeLessThanOrEqual(MAX_FILES);
    expect(new Set(files).size).toBe(files.length);
    for (const f of files) expect(f).toMatch(/^lib\/[\w/-]+\.ts$/);
    const functions = (file: string) => trace.files.find((f) => f.file === file)?.functions ?? [];

    // The two commands, the reader, the decoder, the prediction writer and the submission writer, each
    // with the functions that carry the swipe.
    expect(functions('lib/cli/predict.ts').length).toBeGreaterThan(0);
    expect(functions('lib/cli/submit.ts').length).toBeGreaterThan(0);
    expect(functions('lib/data/dataset.ts')).toEqual(expect.arrayContaining(['readSwipes', 'parseSwipeLine', 'readLabels']));
    expect(functions('lib/decode/decoder.ts')).toContain('decode');
    expect(functions('lib/decode/decode-file.ts')).toContain('decodeFile');
    expect(functions('lib/predictions.ts')).toEqual(expect.arrayContaining(['write', 'readPredictionFile']));
    expect(functions('lib/submission.ts')).toEqual(expect.arrayContaining(['mergeByIndex', 'writeSubmission']));

    // Registering the other commands is assembly of the command line, not the swipe's way.
    for (const command of ['decode', 'serve', 'synth', 'aggregate', 'evaluate', 'index']) expect(files).not.toContain(`lib/cli/${command}.ts`);

    // The swipe's way: the files whose code runs again for each further swipe (one swipe per batch).
    const perSwipe = trace.perSwipe.files.map((f) => f.file);
    expect(trace.perSwipe.count).toBe(perSwipe.length);
    expect(trace.perSwipe.count).toBeLessThanOrEqual(MAX_PER_SWIPE);
    for (const f of perSwipe) expect(files).toContain(f);
    for (const f of ['lib/data/dataset.ts', 'lib/features/extractor.ts', 'lib/decode/decoder.ts', 'lib/native.ts', 'lib/predictions.ts', 'lib/submission.ts', 'lib/io/csv.ts']) {
      expect(perSwipe).toContain(f);
    }
    // A run's set-up runs once whatever the data: config, registry, run lock, hashes, completion record.
    for (const f of ['lib/config/load.ts', 'lib/registry/registry.ts', 'lib/predict/run-lock.ts', 'lib/predict/hash.ts', 'lib/predict/completion.ts']) {
      expect(files).toContain(f);
      expect(perSwipe).not.toContain(f);
    }

    // The submission is the example model's 4 words for the swipe, from its 20,000-word vocabulary.
    expect(trace.submission).toMatch(/^[а-яё]+(,[а-яё]+){3}$/);
  });

  it('--static (the default) lists the import closure of the two commands', () => {
    const r = runScript(['--json']);
    expect(r.status).toBe(0);
    const closure = JSON.parse(r.stdout) as { closure: string; count: number; files: string[] };
    expect(closure.closure).toBe('runtime');
    expect(closure.count).toBe(closure.files.length);
    expect(closure.files).toEqual(expect.arrayContaining(['lib/cli/predict.ts', 'lib/cli/submit.ts', 'lib/data/dataset.ts', 'lib/decode/decoder.ts']));
  });

  it('refuses --trace with --types', () => {
    const r = runScript(['--trace', '--types']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('swipe-path: --trace and --types exclude each other\n');
  });
});
