/**
 * The one way outputs are written: into a temporary file in the target's folder, renamed onto the target
 * when complete. On any error the temporary file is removed and one Error names the target and the cause
 * (`out.jsonl: cannot write: ENOSPC: no space left on device`); nothing appears under the target's name.
 * Temporary files still open when the process gets SIGINT or SIGTERM are removed before it exits.
 */
import { createWriteStream, existsSync, openSync, renameSync, rmSync, writeFileSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { basename, dirname, join, resolve } from 'node:path';

/** Temporary files in progress, removed on SIGINT/SIGTERM. */
const live = new Set<string>();
let handlersInstalled = false;

function removeLive(): void {
  for (const tmp of live) rmSync(tmp, { force: true });
  live.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  removeLive();
  process.removeListener('SIGINT', onSignal);
  process.removeListener('SIGTERM', onSignal);
  // Die of the same signal, as without the handler.
  process.kill(process.pid, signal);
}

function track(tmp: string): void {
  if (!handlersInstalled) {
    handlersInstalled = true;
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    process.once('exit', removeLive);
  }
  live.add(tmp);
}

function untrack(tmp: string): void {
  live.delete(tmp);
}

/** The temporary sibling of `path` (hidden, unique to this process and moment). */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.${Math.random().toString(36).slice(2, 8)}.tmp`);
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

/**
 * Refuses to overwrite without `force`, and refuses an output that is one of the inputs.
 * @param out - the output path
 * @param force - whether an existing output may be replaced (`--force`)
 * @param inputs - paths the command reads (an output equal to one would destroy it)
 * @throws Error naming the output
 */
export function checkOutputPath(out: string, force: boolean, inputs: readonly (string | undefined)[] = []): void {
  for (const input of inputs) {
    if (input !== undefined && resolve(input) === resolve(out)) throw new Error(`${out}: the output is also an input; choose another output path`);
  }
  if (!force && existsSync(out)) throw new Error(`${out}: exists; pass --force to overwrite`);
}

/**
 * Writes a whole file atomically.
 * @param path - the target
 * @param data - the content (text is written as UTF-8)
 * @throws Error naming the target when the write fails (missing folder, read-only file system, full disk)
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = tempPathFor(path);
  track(tmp);
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
    track(this.tmp);
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
    if (!this.stream.write(chunk)) await Promise.race([once(this.stream, 'drain'), once(this.stream, 'error')]).catch(() => undefined);
    if (this.failure) this.fail();
  }

  /** Finishes the file and renames it into place. */
  async commit(): Promise<void> {
    await this.flush();
    this.stream.end();
    await Promise.race([once(this.stream, 'finish'), once(this.stream, 'error')]).catch(() => undefined);
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
