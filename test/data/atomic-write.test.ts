import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AtomicTextWriter, checkOutputPath, writeFileAtomic } from '../../lib/io/atomic-write.js';
import { writePredictionFile } from '../../lib/predictions.js';

const dir = mkdtempSync(join(tmpdir(), 'neuroswipe-atomic-'));
const row = { index: 0, grid_name: 'default', candidates: [[0.5, 'дом']] as [number, string][] };

describe('the atomic writer', () => {
  it('writes whole files and leaves no temporary file', async () => {
    const a = join(dir, 'a.txt');
    writeFileAtomic(a, 'дом\n');
    expect(readFileSync(a, 'utf8')).toBe('дом\n');
    const b = join(dir, 'b.jsonl');
    await writePredictionFile(b, [row]);
    expect(JSON.parse(readFileSync(b, 'utf8'))).toEqual(row);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
  it('names the file and the cause when the folder is missing, leaving nothing behind', async () => {
    const missing = join(dir, 'no-such-folder', 'out.jsonl');
    expect(() => writeFileAtomic(missing, 'x')).toThrow(`${missing}: cannot write: ENOENT: no such file or directory`);
    await expect(writePredictionFile(missing, [row])).rejects.toThrow(`${missing}: cannot write: ENOENT: no such file or directory`);
    expect(existsSync(missing)).toBe(false);
  });
  it('removes its temporary file when the write fails or is aborted', async () => {
    const ro = join(dir, 'read-only');
    mkdirSync(ro);
    const w = new AtomicTextWriter(join(ro, 'x.txt'));
    await w.write('abc');
    w.abort();
    expect(readdirSync(ro)).toEqual([]);
    if (process.getuid?.() !== 0) {
      chmodSync(ro, 0o500);
      expect(() => writeFileAtomic(join(ro, 'y.txt'), 'x')).toThrow(/y\.txt: cannot write: EACCES/);
      chmodSync(ro, 0o700);
    }
    expect(readdirSync(ro)).toEqual([]);
  });
  it('one overwrite rule, and an output is never one of the inputs', () => {
    const f = join(dir, 'exists.txt');
    writeFileSync(f, 'old');
    expect(() => checkOutputPath(f, false)).toThrow(`${f}: exists; pass --force to overwrite`);
    expect(() => checkOutputPath(f, true)).not.toThrow();
    expect(() => checkOutputPath(f, true, ['other.jsonl', join(dir, '.', 'exists.txt')])).toThrow(`${f}: the output is also an input`);
  });
});
