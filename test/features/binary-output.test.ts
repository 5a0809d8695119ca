import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { register } from '../../lib/cli/features.js';
import { BinaryFeaturesWriter, FEATURES_BINARY_MAGIC, type FeaturesBinaryHeader } from '../../lib/features/binary-writer.js';
import { at } from '../../lib/util/checked.js';

const fixtures = fileURLToPath(new URL('../fixtures/data/', import.meta.url));
const NEAREST6 = ['--transform', 'traj_feats_and_nearest_key', '--include-velocities', '--include-accelerations'];

async function features(args: string[], out: string): Promise<void> {
  const program = new Command().exitOverride();
  register(program);
  await program.parseAsync(['node', 'neuroswipe', 'features', ...args, '--out', out]);
}

interface Parsed {
  header: FeaturesBinaryHeader;
  index: Int32Array;
  grid: Int32Array;
  length: Int32Array;
  traj: Float32Array;
  keys: Int32Array | Float32Array;
}

/** Reads a binary features file the way docs/FEATURES_BINARY.md describes it. */
function parse(path: string): Parsed {
  const buf = readFileSync(path);
  expect(buf.subarray(0, 8).toString('latin1')).toBe(FEATURES_BINARY_MAGIC);
  const headerLen = buf.readUInt32LE(8);
  const header = JSON.parse(buf.subarray(12, 12 + headerLen).toString('utf8')) as FeaturesBinaryHeader;
  const s = header.sections;
  expect(s.index).toBe(12 + headerLen);
  expect(buf.length).toBe(s.end);
  for (const off of [s.index, s.grid, s.length, s.traj, s.keys]) expect(off % 8).toBe(0);
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length);
  const n = header.n_swipes;
  const p = header.n_points;
  const keyCount = header.key_kind === 'nearest' ? p : p * header.n_key_columns;
  return {
    header,
    index: new Int32Array(ab, s.index, n),
    grid: new Int32Array(ab, s.grid, n),
    length: new Int32Array(ab, s.length, n),
    traj: new Float32Array(ab, s.traj, p * header.n_traj_feats),
    keys: header.key_kind === 'nearest' ? new Int32Array(ab, s.keys, keyCount) : new Float32Array(ab, s.keys, keyCount),
  };
}

describe('neuroswipe features --format binary', () => {
  it('holds exactly the values of the JSON output, swipe by swipe', async () => {
    const d = mkdtempSync(join(tmpdir(), 'ns-featbin-'));
    await features(['--data', join(fixtures, 'test.jsonl'), ...NEAREST6], join(d, 'f.jsonl'));
    await features(['--data', join(fixtures, 'test.jsonl'), ...NEAREST6, '--format', 'binary'], join(d, 'f.bin'));
    const rows = readFileSync(join(d, 'f.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)) as {
      index: number; grid_name: string; traj: number[][]; keys: number[];
    }[];
    const bin = parse(join(d, 'f.bin'));
    expect(bin.header).toMatchObject({ version: 1, n_swipes: 6, n_traj_feats: 6, key_kind: 'nearest', n_key_columns: 0, grid_names: ['default', 'extra'] });
    expect(bin.header.n_points).toBe(rows.reduce((a, r) => a + r.traj.length, 0));
    let offset = 0;
    rows.forEach((r, i) => {
      expect(bin.index[i]).toBe(r.index);
      expect(bin.header.grid_names[at(bin.grid, i)]).toBe(r.grid_name);
      expect(bin.length[i]).toBe(r.traj.length);
      expect(Array.from(bin.traj.subarray(offset * 6, (offset + r.traj.length) * 6))).toEqual(r.traj.flat().map(Math.fround));
      expect(Array.from(bin.keys.subarray(offset, offset + r.traj.length))).toEqual(r.keys);
      offset += r.traj.length;
    });
    // "привет": first point on п (16), last on т (19)
    expect(bin.keys[0]).toBe(16);
    expect(bin.keys[at(bin.length, 0) - 1]).toBe(19);
    expect(readdirSync(d).sort()).toEqual(['f.bin', 'f.jsonl']);
  });

  it('stores float32 key columns, and non-finite seed-compatible values as they are', async () => {
    const d = mkdtempSync(join(tmpdir(), 'ns-featbin-'));
    await features(['--data', join(fixtures, 'test.jsonl'), '--transform', 'traj_feats_and_distance_weights', '--include-velocities', '--seed-compatible', '--format', 'binary'], join(d, 'w.bin'));
    const bin = parse(join(d, 'w.bin'));
    expect(bin.header).toMatchObject({ n_traj_feats: 4, key_kind: 'weights', n_key_columns: 37 });
    expect(bin.keys).toBeInstanceOf(Float32Array);
    expect(bin.keys.length).toBe(bin.header.n_points * 37);
    // line 5 repeats a timestamp: the seed divides by zero there
    expect(Array.from(bin.traj).some((v) => !Number.isFinite(v))).toBe(true);
  });

  it('writes a valid empty file for --limit 0 and rejects an unknown format', async () => {
    const d = mkdtempSync(join(tmpdir(), 'ns-featbin-'));
    await features(['--data', join(fixtures, 'test.jsonl'), ...NEAREST6, '--format', 'binary', '--limit', '0'], join(d, 'e.bin'));
    expect(parse(join(d, 'e.bin')).header).toMatchObject({ n_swipes: 0, n_points: 0 });
    await expect(features(['--data', join(fixtures, 'test.jsonl'), ...NEAREST6, '--format', 'npy'], join(d, 'x.bin'))).rejects.toThrow(/--format/);
    expect(existsSync(join(d, 'x.bin'))).toBe(false);
  });

  it('refuses swipes whose layout differs from the first; abort leaves nothing behind', () => {
    const d = mkdtempSync(join(tmpdir(), 'ns-featbin-'));
    const w = new BinaryFeaturesWriter(join(d, 'm.bin'));
    w.write(0, 'default', { length: 1, nTrajFeats: 2, traj: Float32Array.of(0.5, 0.25), keyKind: 'nearest', nKeyColumns: 0, keys: Int32Array.of(3) });
    expect(() => w.write(1, 'default', { length: 1, nTrajFeats: 3, traj: Float32Array.of(1, 2, 3), keyKind: 'nearest', nKeyColumns: 0, keys: Int32Array.of(4) })).toThrow(/swipe 1: .*F=3/);
    w.abort();
    expect(readdirSync(d)).toEqual([]);
  });
});
