/**
 * The temporary files of atomic writes: their names (in the target's folder, with the writer's pid), the
 * ones in progress (removed on SIGINT, SIGTERM and at exit), and the reclaiming of those a dead process left.
 */
import { readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Temporary files in progress (temporary path → final path, or null for a file that is no output, e.g. a
 * run lock), removed on SIGINT/SIGTERM and at exit.
 */
const live = new Map<string, string | null>();
let handlersInstalled = false;

function removeLive(): void {
  for (const tmp of live.keys()) rmSync(tmp, { force: true });
  live.clear();
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', removeLive);
}

function removeHandlers(): void {
  if (!handlersInstalled) return;
  handlersInstalled = false;
  process.removeListener('SIGINT', onSignal);
  process.removeListener('SIGTERM', onSignal);
  process.removeListener('exit', removeLive);
}

function onSignal(signal: NodeJS.Signals): void {
  const targets = new Set([...live.values()].filter((t): t is string => t !== null));
  removeLive();
  removeHandlers();
  for (const t of targets) process.stderr.write(`${t}: not written: interrupted by ${signal}\n`);
  // Die of the same signal, as without the handler, unless the program handles the signal itself (a
  // server's graceful stop): then it decides.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

/**
 * Registers a temporary file of `target`: it is removed if the process gets SIGINT or SIGTERM or exits
 * before {@link releaseTemp}. The handlers are installed only while some temporary file is registered, so
 * a program's own signal handling is left alone otherwise.
 * @param tmp - the temporary file
 * @param target - the output it belongs to (named in the message on a signal); null for a file that is no
 *   output (a lock), removed without a message
 */
export function registerTemp(tmp: string, target: string | null): void {
  installHandlers();
  live.set(tmp, target);
}

/** Forgets a temporary file registered with {@link registerTemp} (renamed into place or removed). */
export function releaseTemp(tmp: string): void {
  live.delete(tmp);
  if (live.size === 0) removeHandlers();
}


/**
 * Whether a process of this id is running (on this machine). A process of another user counts as alive
 * (EPERM), so only a temporary file or lock of a process that is surely gone is reclaimed.
 */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const TEMP_NAME = /^\.(.+)\.(\d+)\.(\d+)\.[0-9a-z]+\.tmp$/;

/**
 * Removes the temporary siblings of `path` that a process killed without a chance to clean up (`kill -9`,
 * a power cut) left behind: those named by {@link tempPathFor} for this target whose process is gone.
 * Temporary files of running processes, and every other file, are left alone.
 * @returns the temporary files removed
 */
export function reclaimStaleTemps(path: string): string[] {
  const dir = dirname(path);
  const name = basename(path);
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const e of entries) {
    const m = TEMP_NAME.exec(e);
    if (m === null || m[1] !== name) continue;
    const pid = Number(m[2]);
    if (pid === process.pid ? live.has(join(dir, e)) : processAlive(pid)) continue;
    try {
      rmSync(join(dir, e), { force: true });
      removed.push(join(dir, e));
    } catch {
      // not ours to remove (permissions): left alone
    }
  }
  return removed;
}

/**
 * The temporary sibling of `path` (hidden, unique to this process and moment). Temporary files of `path`
 * left by a process that no longer runs are removed first ({@link reclaimStaleTemps}).
 */
export function tempPathFor(path: string): string {
  reclaimStaleTemps(path);
  return join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.${Math.random().toString(36).slice(2, 8)}.tmp`);
}

