/** SHA-256 of files (weights, vocabularies, data files) for predictor identities. */
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';

const cache = new Map<string, { mtimeMs: number; size: number; hex: string }>();

/**
 * SHA-256 (hex) of a file's content, streamed. Cached per path for the process while size and mtime stay.
 * @throws Error naming the file when it cannot be read
 */
export async function sha256File(path: string): Promise<string> {
  let st;
  try {
    st = statSync(path);
  } catch (err) {
    throw new Error(`${path}: cannot read: ${(err as Error).message}`, { cause: err });
  }
  const hit = cache.get(path);
  if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.hex;
  const h = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  } catch (err) {
    throw new Error(`${path}: cannot read: ${(err as Error).message}`, { cause: err });
  }
  const hex = h.digest('hex');
  cache.set(path, { mtimeMs: st.mtimeMs, size: st.size, hex });
  return hex;
}

/** SHA-256 (hex) of a string (UTF-8). */
export function sha256Text(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
