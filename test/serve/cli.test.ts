import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { EXAMPLE_MODEL, EXAMPLE_VOCAB, exampleSwipes } from '../helpers/examples.js';
import { apiSwipe, post } from './helpers.js';
import { at } from '../../lib/util/checked.js';

const BIN = new URL('../../bin/neuroswipe.js', import.meta.url).pathname;

/** Starts `neuroswipe serve` on a free loopback port; resolves with the URL it prints. */
function startCli(args: string[]): Promise<{ url: string; child: ReturnType<typeof spawn>; stderr: () => string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--model', EXAMPLE_MODEL, '--host', '127.0.0.1', '--port', '0', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve did not start: ${err}`));
    }, 60_000);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => {
      err += d;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve({ url: at(m, 1), child, stderr: () => err, exited });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}: ${err}`));
    });
  });
}

describe('neuroswipe serve', () => {
  it('SIGTERM finishes the requests in flight, then stops', async () => {
    const swipes = await exampleSwipes(3);
    // A long batching wait keeps the requests queued when the signal comes (an idle server starts the first
    // at once, so one or two may be decoding already).
    const s = await startCli(['--vocab', EXAMPLE_VOCAB, '--use-vocab', '--max-wait-ms', '800', '--workers', '1']);
    try {
      const pending = swipes.map((sw) => post(`${s.url}/v1/decode`, apiSwipe(sw)));
      await new Promise((r) => setTimeout(r, 250));
      s.child.kill('SIGTERM');
      const answers = await Promise.all(pending);
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
      for (const a of answers) expect(a.body.candidates.length).toBeGreaterThan(0);
      expect(await s.exited).toBe(0);
      expect(s.stderr()).toMatch(/SIGTERM: finishing [12] queued swipes/);
      expect(s.stderr()).toMatch(/stopped/);
      // --workers, the flag's earlier name, still sets the concurrent batches, with a note naming the new one.
      expect(s.stderr()).toContain('neuroswipe serve: --workers is deprecated: use --concurrent-batches (the same value)');
      await expect(fetch(`${s.url}/healthz`)).rejects.toThrow();
    } finally {
      s.child.kill('SIGKILL');
    }
  });

  it('bad options are refused before the model is loaded, naming the flag', () => {
    const run = (args: string[]) => spawnSync(process.execPath, [BIN, 'serve', '--model', EXAMPLE_MODEL, ...args], { encoding: 'utf8' });
    const a = run(['--use-vocab']);
    expect(a.status).toBe(1);
    expect(a.stderr).toContain('--use-vocab needs --vocab <file>');
    const b = run(['--port', '70000']);
    expect(b.stderr).toContain("option '--port <n>' argument '70000' is invalid. expected an integer in 0..65535");
    const c = run(['--beam-size', '20']);
    expect(c.stderr).toContain('--beam-size: 20 is above --max-beam-size 16');
    const d = run(['--max-wait-ms', 'soon']);
    expect(d.stderr).toContain("option '--max-wait-ms <ms>' argument 'soon' is invalid. expected a number ≥ 0");
    // Two models, one vocabulary: the vocabularies pair with the models in order, so the counts must match.
    const e = run(['--model', EXAMPLE_MODEL, '--vocab', EXAMPLE_VOCAB, '--use-vocab']);
    expect(e.status).toBe(1);
    expect(e.stderr).toContain('--vocab: 1 vocabularies for 2 models; give one --vocab per --model, in the same order');
    const f = run(['--prior', EXAMPLE_VOCAB]);
    expect(f.status).toBe(1);
    expect(f.stderr).toContain('--prior-weight: 0 weights for 1 --prior files; give one --prior-weight per --prior (fit it with neuroswipe fit-prior)');
    const g = run(['--prior', EXAMPLE_VOCAB, '--prior-weight', '0.1', '--prior', EXAMPLE_VOCAB, '--prior-weight', '0.1']);
    expect(g.stderr).toContain('--prior: 2 frequency files for 1 models; the n-th --prior goes with the n-th --model');
    const h = run(['--prior', EXAMPLE_VOCAB, '--prior-weight', '0.1', '--prior-floor-rank', '2.5']);
    expect(h.status).toBe(1);
    expect(h.stderr).toContain('--prior-floor-rank: expected an integer ≥ 1 (0 for no floor), got 2.5');
    const i = run(['--prior', EXAMPLE_VOCAB, '--prior-weight', '0.1', '--prior-floor-rank', '100', '--prior-floor-rank', '200']);
    expect(i.stderr).toContain('--prior-floor-rank: 2 values for 1 --prior files; give one per --prior (0 for no floor), or none');
  });
});
