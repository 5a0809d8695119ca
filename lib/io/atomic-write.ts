/**
 * The one way outputs are written: into a temporary file in the target's folder, renamed onto the target
 * when complete. On any error the temporary file is removed and one Error names the target and the cause
 * (`out.jsonl: cannot write: ENOSPC: no space left on device`); nothing appears under the target's name.
 * Temporary files still open when the process gets SIGINT or SIGTERM are removed before it exits, with one
 * line on stderr per output that was not written. The overwrite rule of every command is
 * {@link checkOutputPaths}.
 */
import { closeSync, createWriteStream, existsSync, openSync, readdirSync, renameSync, rmSync, statSync, writeFileSync, writeSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { basename, dirname, join, resolve } from 'node:path';

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

const track = registerTemp;
const untrack = releaseTemp;

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

/**
 * Waits for one of `events` on `emitter` (or its 'error'), then removes every listener it added: a long
 * output waits for 'drain' thousands of times, and listeners left behind would pile up.
 */
async function onceAny(emitter: NodeJS.EventEmitter, event: string): Promise<void> {
  const ac = new AbortController();
  try {
    await Promise.race([once(emitter, event, { signal: ac.signal }), once(emitter, 'error', { signal: ac.signal })]);
  } catch {
    // an error is recorded by the stream's own 'error' handler; an abort is ours
  } finally {
    ac.abort();
  }
}

/** The cause of a file-system error without the temporary file's name: `ENOENT: no such file or directory`. */
function causeOf(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (typeof e.code === 'string' && typeof e.message === 'string') return e.message.split(', ')[0] ?? e.message;
  return err instanceof Error ? err.message : String(err);
}

/** `path: cannot write: cause`, the one message of a failed write. */
export function writeError(path: string, err: unknown): Error {
  return new Error(`${path}: cannot write: ${causeOf(err)}`, { cause: err });
}

function sameFile(a: string, b: string): boolean {
  if (resolve(a) === resolve(b)) return true;
  try {
    // Hard links and symbolic links to one file: the same device and inode.
    const sa = statSync(a);
    const sb = statSync(b);
    return sa.dev === sb.dev && sa.ino === sb.ino;
  } catch {
    return false;
  }
}

/** The message of an output that exists, without `--force`. */
export function existsError(out: string): Error {
  return new Error(`${out}: already exists (use --force to overwrite)`);
}

/**
 * The one overwrite rule of every command, for one output: an existing output is replaced only with
 * `force`, a folder never, and an output is never one of the inputs (the same path, or a link to the same
 * file), which would destroy it.
 * @param out - the output path
 * @param force - whether an existing output may be replaced (`--force`)
 * @param inputs - paths the command reads (undefined: not given)
 * @throws Error naming the output
 */
export function checkOutputPath(out: string, force: boolean, inputs: readonly (string | undefined)[] = []): void {
  for (const input of inputs) {
    if (input !== undefined && sameFile(input, out)) throw new Error(`${out}: the output is also an input; choose another output path`);
  }
  if (!existsSync(out)) return;
  if (statSync(out).isDirectory()) throw new Error(`${out}: is a folder, expected a file name for the output`);
  if (!force) throw existsError(out);
}

/**
 * {@link checkOutputPath} for all outputs of one command, which must also differ from one another.
 * @param outputs - the command's output paths (undefined: not given)
 * @param force - whether existing outputs may be replaced (`--force`)
 * @param inputs - paths the command reads (undefined: not given)
 * @throws Error naming the first output that breaks the rule
 */
export function checkOutputPaths(outputs: readonly (string | undefined)[], force: boolean, inputs: readonly (string | undefined)[] = []): void {
  const given = outputs.filter((o): o is string => o !== undefined);
  given.forEach((out, i) => {
    for (const other of given.slice(0, i)) {
      if (sameFile(out, other)) throw new Error(`${out}: given for two outputs; choose a different path for each`);
    }
    checkOutputPath(out, force, inputs);
  });
}

/**
 * Writes a whole file atomically.
 * @param path - the target
 * @param data - the content (text is written as UTF-8)
 * @throws Error naming the target when the write fails (missing folder, read-only file system, full disk)
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = tempPathFor(path);
  track(tmp, path);
  try {
    writeFileSync(tmp, data, typeof data === 'string' ? 'utf8' : undefined);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw writeError(path, err);
  } finally {
    untrack(tmp);
  }
}

/** A text file being written; nothing appears at `path` until {@link commit}. */
export class AtomicTextWriter {
  /** Final path. */
  readonly path: string;
  private readonly tmp: string;
  private readonly stream: WriteStream;
  private buffer: string[] = [];
  private buffered = 0;
  private failure: Error | undefined;
  private finished = false;

  /** @param path - final path of the file */
  constructor(path: string) {
    this.path = path;
    this.tmp = tempPathFor(path);
    // Opened here, synchronously: the temporary file exists from now on, so abort() always finds and removes
    // it (a stream that opens its file later could create it after an early abort).
    let fd: number;
    try {
      fd = openSync(this.tmp, 'w');
    } catch (err) {
      throw writeError(this.path, err);
    }
    track(this.tmp, this.path);
    this.stream = createWriteStream(this.tmp, { fd, encoding: 'utf8' });
    this.stream.on('error', (err) => {
      this.failure ??= err;
    });
  }

  /** Appends text; resolves once the data is accepted (respects back-pressure). */
  async write(text: string): Promise<void> {
    this.buffer.push(text);
    this.buffered += text.length;
    if (this.buffered >= 1 << 20) await this.flush();
  }

  private fail(): never {
    const failure = this.failure;
    this.abort();
    throw writeError(this.path, failure);
  }

  private async flush(): Promise<void> {
    if (this.failure) this.fail();
    if (this.buffer.length === 0) return;
    const chunk = this.buffer.join('');
    this.buffer = [];
    this.buffered = 0;
    if (!this.stream.write(chunk)) await onceAny(this.stream, 'drain');
    if (this.failure) this.fail();
  }

  /** Finishes the file and renames it into place. */
  async commit(): Promise<void> {
    await this.flush();
    this.stream.end();
    await onceAny(this.stream, 'finish');
    if (this.failure) this.fail();
    try {
      renameSync(this.tmp, this.path);
    } catch (err) {
      this.failure = err as Error;
      this.fail();
    }
    this.finished = true;
    untrack(this.tmp);
  }

  /** Discards the temporary file. */
  abort(): void {
    if (this.finished) return;
    this.finished = true;
    this.stream.destroy();
    rmSync(this.tmp, { force: true });
    untrack(this.tmp);
  }
}

/**
 * A file written synchronously (binary or text); nothing appears at `path` until {@link commit}. Every
 * write error names the final path; after one the temporary file is already removed.
 */
export class AtomicFileWriter {
  /** Final path. */
  readonly path: string;
  private readonly tmp: string;
  private fd: number | undefined;
  private finished = false;
  /** Bytes written so far. */
  bytes = 0;

  /**
   * @param path - final path of the file
   * @throws Error naming `path` when the temporary file cannot be created (missing folder, read-only)
   */
  constructor(path: string) {
    this.path = path;
    this.tmp = tempPathFor(path);
    try {
      this.fd = openSync(this.tmp, 'w');
    } catch (err) {
      throw writeError(path, err);
    }
    track(this.tmp, path);
  }

  /** Appends bytes or UTF-8 text. */
  write(data: Uint8Array | string): void {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    if (this.finished || this.fd === undefined) throw new Error(`${this.path}: the writer is already closed`);
    try {
      let off = 0;
      while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off);
    } catch (err) {
      this.abort();
      throw writeError(this.path, err);
    }
    this.bytes += buf.length;
  }

  /** The open descriptor of the temporary file (for copies into it). */
  get descriptor(): number {
    if (this.finished || this.fd === undefined) throw new Error(`${this.path}: the writer is already closed`);
    return this.fd;
  }

  /** Closes the file and renames it into place. */
  commit(): void {
    if (this.finished) throw new Error(`${this.path}: the writer is already closed`);
    try {
      const fd = this.fd;
      this.fd = undefined;
      if (fd !== undefined) closeSync(fd);
      renameSync(this.tmp, this.path);
    } catch (err) {
      this.abort();
      throw writeError(this.path, err);
    }
    this.finished = true;
    untrack(this.tmp);
  }

  /** Discards the temporary file; the final path is left as it was. */
  abort(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd);
      } catch {
        // already failing: the file is removed below
      }
      this.fd = undefined;
    }
    rmSync(this.tmp, { force: true });
    untrack(this.tmp);
  }
}
