import { chmodSync, existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AtomicFileWriter, AtomicTextWriter, checkOutputPath, checkOutputPaths, writeFileAtomic } from '../../lib/io/atomic-write.js';
import { writePredictionFile } from '../../lib/predictions.js';
import { at } from '../../lib/util/checked.js';

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
    expect(() => checkOutputPath(f, false)).toThrow(`${f}: already exists (use --force to overwrite)`);
    expect(() => checkOutputPath(f, true)).not.toThrow();
    expect(() => checkOutputPath(f, true, ['other.jsonl', join(dir, '.', 'exists.txt')])).toThrow(`${f}: the output is also an input`);
    // through a symbolic or a hard link to the input
    const sym = join(dir, 'sym.txt');
    const hard = join(dir, 'hard.txt');
    symlinkSync(f, sym);
    linkSync(f, hard);
    expect(() => checkOutputPath(sym, true, [f])).toThrow(`${sym}: the output is also an input`);
    expect(() => checkOutputPath(f, true, [hard])).toThrow(`${f}: the output is also an input`);
    expect(() => checkOutputPath(dir, true)).toThrow(`${dir}: is a folder`);
    expect(() => checkOutputPath(join(dir, 'new.txt'), false, [f, undefined])).not.toThrow();
    expect(() => checkOutputPaths([join(dir, 'a1'), undefined, join(dir, '.', 'a1')], true)).toThrow(`${join(dir, '.', 'a1')}: given for two outputs`);
    expect(() => checkOutputPaths([join(dir, 'a1'), join(dir, 'a2')], false, [f])).not.toThrow();
  });
  it('handles SIGINT/SIGTERM only while a temporary file is open, leaving a program its own signal handling', async () => {
    const before = [process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')];
    const w = new AtomicTextWriter(join(dir, 'sig.txt'));
    expect(process.listenerCount('SIGINT')).toBe(at(before, 0) + 1);
    expect(process.listenerCount('SIGTERM')).toBe(at(before, 1) + 1);
    await w.write('x');
    await w.commit();
    expect([process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')]).toEqual(before);
  });
  it('writes binary files synchronously and names the target on a failure', () => {
    const p = join(dir, 'bin.dat');
    const w = new AtomicFileWriter(p);
    w.write(Uint8Array.of(1, 2, 3));
    w.write('дом');
    expect(existsSync(p)).toBe(false);
    w.commit();
    expect([...readFileSync(p)]).toEqual([1, 2, 3, ...Buffer.from('дом')]);
    expect(w.bytes).toBe(9);
    const a = new AtomicFileWriter(join(dir, 'dropped.dat'));
    a.write('x');
    a.abort();
    expect(existsSync(join(dir, 'dropped.dat'))).toBe(false);
    expect(() => a.write('y')).toThrow(/dropped\.dat: the writer is already closed/);
    expect(() => new AtomicFileWriter(join(dir, 'nope', 'x.dat'))).toThrow(`${join(dir, 'nope', 'x.dat')}: cannot write: ENOENT: no such file or directory`);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
