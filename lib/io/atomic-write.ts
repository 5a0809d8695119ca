/**
 * Output files written to a temporary sibling first and renamed into place when complete.
 */
import { createWriteStream, existsSync, renameSync, rmSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { basename, dirname, join } from 'node:path';

/** A text file being written; nothing appears at `path` until {@link commit}. */
export class AtomicTextWriter {
  /** Final path. */
  readonly path: string;
  private readonly tmp: string;
  private readonly stream: WriteStream;
  private buffer: string[] = [];
  private buffered = 0;
  private failure: Error | undefined;

  /** @param path - final path of the file */
  constructor(path: string) {
    this.path = path;
    this.tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
    this.stream = createWriteStream(this.tmp, { encoding: 'utf8' });
    this.stream.on('error', (err) => {
      this.failure = err;
    });
  }

  /** Appends text; resolves once the data is accepted (respects back-pressure). */
  async write(text: string): Promise<void> {
    this.buffer.push(text);
    this.buffered += text.length;
    if (this.buffered >= 1 << 20) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.failure) throw new Error(`${this.path}: cannot write: ${this.failure.message}`);
    if (this.buffer.length === 0) return;
    const chunk = this.buffer.join('');
    this.buffer = [];
    this.buffered = 0;
    if (!this.stream.write(chunk)) await Promise.race([once(this.stream, 'drain'), once(this.stream, 'error')]).catch(() => undefined);
    const failure = this.failure as Error | undefined;
    if (failure) throw new Error(`${this.path}: cannot write: ${failure.message}`);
  }

  /** Finishes the file and renames it into place. */
  async commit(): Promise<void> {
    await this.flush();
    this.stream.end();
    await Promise.race([once(this.stream, 'finish'), once(this.stream, 'error')]).catch(() => undefined);
    if (this.failure) {
      this.abort();
      throw new Error(`${this.path}: cannot write: ${this.failure.message}`);
    }
    renameSync(this.tmp, this.path);
  }

  /** Discards the temporary file. */
  abort(): void {
    this.stream.destroy();
    if (existsSync(this.tmp)) rmSync(this.tmp, { force: true });
  }
}
