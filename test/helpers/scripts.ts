/** Runs the repository's checking scripts (scripts/*.mjs) as a user runs them: a Node process, its exit status and output. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** The repository root. */
export const REPO_ROOT = new URL('../..', import.meta.url).pathname;

/** Runs `scripts/<name>` with `args`. */
export function runScript(name: string, args: readonly string[]): { status: number | null; stdout: string } {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', name), ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout };
}
