/**
 * Helpers for the export tests: run the Python scripts under `python/` with the interpreter that has torch.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { findTorchPython } from '../../lib/model/python.js';
import { at } from '../../lib/util/checked.js';

/** Repository root (absolute, with a trailing slash). */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Outcome of one script run. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `python args…` in the repository root with one intra-op thread (the scripts work on tiny tensors;
 * extra threads only contend on a small machine); never rejects (the exit code is in the result).
 */
export function runPython(args: string[]): Promise<RunResult> {
  const env = { ...process.env, OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  return new Promise((resolve) => {
    execFile(findTorchPython(), args, { cwd: ROOT, env, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs the tasks with at most `limit` in flight; results in task order. */
export async function inPool<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await at(tasks, i)();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}
