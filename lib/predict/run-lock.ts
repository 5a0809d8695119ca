/**
 * One `predict` run per registry at a time: a lock file `<registry>.lock` created exclusively, holding the
 * owner's pid and start time. A second run refuses while the owner lives; a lock whose process is gone
 * (a run killed with SIGKILL) is taken over. A run stopped by SIGINT or SIGTERM removes its lock on the way
 * out, like its temporary files (lib/io/atomic-write.ts).
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { processAlive, registerTemp, releaseTemp } from '../io/atomic-write.js';
import { parseJson } from '../io/json.js';

/** A held lock; `release` removes the file (only if it is still this process's). */
export interface RunLock {
  readonly path: string;
  release(): void;
}

interface LockContent {
  pid: number;
  host: string;
  started: string;
}

function readLock(path: string): LockContent | null {
  try {
    const v = parseJson(readFileSync(path, 'utf8')) as Partial<LockContent>;
    return typeof v.pid === 'number' && typeof v.host === 'string' ? { pid: v.pid, host: v.host, started: String(v.started) } : null;
  } catch {
    return null;
  }
}

/**
 * Takes the lock of `registryPath`.
 * @param onStale - told when a stale lock (its process gone) is taken over
 * @throws Error naming the lock file and the owner's pid when another live run holds it
 */
export function acquireRunLock(registryPath: string, onStale?: (message: string) => void): RunLock {
  const path = `${registryPath}.lock`;
  const mine: LockContent = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new Error(`${path}: cannot create the run lock: ${(err as Error).message}`, { cause: err });
      const owner = readLock(path);
      if (owner !== null && owner.host === mine.host && !processAlive(owner.pid)) {
        onStale?.(`${path}: taking over the lock of process ${owner.pid} (started ${owner.started}), which is gone`);
        rmSync(path, { force: true });
        continue;
      }
      if (owner === null) {
        // Being written this very moment, or not a lock of ours: look once more, then refuse.
        if (attempt === 0) continue;
        throw new Error(`${path}: exists but is not a readable run lock; remove it if no predict run is using ${registryPath}`, { cause: err });
      }
      throw new Error(
        `${registryPath}: another predict run (pid ${owner.pid} on ${owner.host}, started ${owner.started}) is using this registry; ` +
          `wait for it to finish (or remove ${path} if that process is gone)`,
        { cause: err },
      );
    }
    try {
      writeSync(fd, JSON.stringify(mine));
    } catch (err) {
      // A full disk: an empty lock would block every later run.
      closeSync(fd);
      rmSync(path, { force: true });
      throw new Error(`${path}: cannot create the run lock: ${(err as Error).message.split(', ')[0]}`, { cause: err });
    }
    closeSync(fd);
    registerTemp(path, null);
    return {
      path,
      release(): void {
        const owner = readLock(path);
        if (owner !== null && owner.pid === mine.pid && owner.started === mine.started) rmSync(path, { force: true });
        releaseTemp(path);
      },
    };
  }
  throw new Error(`${path}: cannot take the run lock (it keeps changing)`);
}
