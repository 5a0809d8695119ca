/**
 * Input files as the readers open them: {@link checkInputFile} refuses a folder (naming it) before any
 * read, and {@link countLines} counts the lines of a regular file for a progress total. A pipe (FIFO,
 * `/dev/stdin`, a process substitution) can be read only once: it is not counted (the total is unknown,
 * 0), so that the one reading pass that decodes it gets every line.
 */
import { createReadStream, statSync, type Stats } from 'node:fs';

/**
 * Checks an input path before it is read.
 * @param path - the input
 * @param what - what it should be, for the message (`data file`)
 * @returns its stat (following links)
 * @throws Error naming the path when it is missing, a folder, or cannot be examined
 */
export function checkInputFile(path: string, what = 'input file'): Stats {
  let st: Stats;
  try {
    st = statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`${path}: ${what} not found`, { cause: err });
    throw new Error(`${path}: cannot read the ${what}: ${(err as Error).message.split(', ')[0]}`, { cause: err });
  }
  if (st.isDirectory()) throw new Error(`${path}: is a folder, expected a ${what}`);
  return st;
}

/** Whether `path` can be read twice (a regular file); false for a pipe, socket or device. */
export function isRereadable(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Number of lines of `path` that hold something (a final line without newline counts); 0 for an input
 * that can be read only once (see the module comment), whose total is unknown until it has been read.
 * @throws Error naming the path when it is a folder or cannot be read
 */
export async function countLines(path: string): Promise<number> {
  if (!checkInputFile(path, 'data file').isFile()) return 0;
  let n = 0;
  let lastWasNewline = true;
  try {
    for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
      for (let i = 0; i < chunk.length; i++) {
        if (chunk[i] === 10) {
          if (!lastWasNewline) n++;
          lastWasNewline = true;
        } else {
          lastWasNewline = false;
        }
      }
    }
  } catch (err) {
    throw new Error(`${path}: cannot read: ${(err as Error).message.split(', ')[0]}`, { cause: err });
  }
  return lastWasNewline ? n : n + 1;
}
