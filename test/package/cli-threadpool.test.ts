/**
 * The `neuroswipe` command sizes libuv's thread pool before anything starts it: the process has the core
 * count + 4 pool threads (libuv's default is 4), unless UV_THREADPOOL_SIZE is set, which it respects.
 * Threads are counted in /proc when the process exits; only the pool's size differs between the runs.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/neuroswipe.js', import.meta.url));

function threadsAtExit(probe: string, uvThreads: string | undefined): number {
  const env = { ...process.env };
  delete env.UV_THREADPOOL_SIZE;
  if (uvThreads !== undefined) env.UV_THREADPOOL_SIZE = uvThreads;
  const r = spawnSync(process.execPath, ['--require', probe, BIN, '--help'], { encoding: 'utf8', env });
  expect(r.status, r.stderr).toBe(0);
  const m = /threads=(\d+)/.exec(r.stderr);
  expect(m, r.stderr).not.toBeNull();
  return Number(m![1]);
}

describe.skipIf(!existsSync('/proc/self/task'))('neuroswipe command: libuv thread pool', () => {
  it('has the core count + 4 threads by default and UV_THREADPOOL_SIZE when set', () => {
    const dir = mkdtempSync(join(tmpdir(), 'neuroswipe-uv-'));
    const probe = join(dir, 'probe.cjs');
    writeFileSync(probe, "process.on('exit', () => require('node:fs').writeSync(2, `threads=${require('node:fs').readdirSync('/proc/self/task').length}\\n`));\n");
    const four = threadsAtExit(probe, '4');
    expect(threadsAtExit(probe, undefined) - four).toBe(availableParallelism());
    expect(threadsAtExit(probe, '9') - four).toBe(5);
  });
});
