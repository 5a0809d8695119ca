/**
 * The one way outputs are written: into a temporary file in the target's folder, renamed onto the target
 * when complete. On any error the temporary file is removed and one Error names the target and the cause
 * (`out.jsonl: cannot write: ENOSPC: no space left on device`); nothing appears under the target's name.
 * Temporary files still open when the process gets SIGINT or SIGTERM are removed before it exits, with one
 * line on stderr per output that was not written. The overwrite rule of every command is
 * {@link checkOutputPaths}.
 */
import { closeSync, createWriteStream, existsSync, openSync, renameSync, rmSync, statSync, writeFileSync, writeSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { registerTemp as track, releaseTemp as untrack, tempPathFor } from './temp-files.js';

export { processAlive, reclaimStaleTemps, registerTemp, releaseTemp, tempPathFor } from './temp-files.js';

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
