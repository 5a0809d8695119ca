/** Counts the non-empty lines of a file by streaming it (for progress totals). */
import { createReadStream } from 'node:fs';

/** Number of lines of `path` that hold something (a final line without newline counts). */
export async function countLines(path: string): Promise<number> {
  let n = 0;
  let lastWasNewline = true;
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
  return lastWasNewline ? n : n + 1;
}
