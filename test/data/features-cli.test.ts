import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { register } from '../../lib/cli/features.js';
import { at } from '../../lib/util/checked.js';

const fixtures = fileURLToPath(new URL('../fixtures/data/', import.meta.url));

async function run(args: string[]): Promise<unknown[]> {
  const d = mkdtempSync(join(tmpdir(), 'ns-feat-'));
  const out = join(d, 'f.jsonl');
  const program = new Command().exitOverride();
  register(program);
  await program.parseAsync(['node', 'neuroswipe', 'features', ...args, '--out', out]);
  return readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
}

describe('neuroswipe features', () => {
  it('writes one line per swipe with index, grid name, traj rows and nearest tokens', async () => {
    const rows = (await run(['--data', join(fixtures, 'test.jsonl'), '--transform', 'traj_feats_and_nearest_key', '--include-velocities', '--include-accelerations'])) as {
      index: number; grid_name: string; traj: number[][]; keys: number[];
    }[];
    expect(rows.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(rows.map((r) => r.grid_name)).toEqual(['default', 'extra', 'default', 'default', 'extra', 'default']);
    expect(at(rows, 0).traj[0]).toHaveLength(6);
    expect(at(rows, 0).keys).toHaveLength(at(rows, 0).traj.length);
    // "привет": first point on п (16), last on т (19)
    expect(at(rows, 0).keys[0]).toBe(16);
    expect(at(rows, 0).keys.at(-1)).toBe(19);
    // line 5 repeats a timestamp: finite by default
    expect(at(rows, 5).traj.flat().every((v) => typeof v === 'number')).toBe(true);
  });

  it('prints float32 values that read back bit-exactly', async () => {
    const p = join(mkdtempSync(join(tmpdir(), 'ns-feat-')), 'ex.jsonl');
    writeFileSync(p, JSON.stringify({ curve: { x: [100, 150, 210, 260, 300, -4], y: [100, 120, 130, 150, 240, 250], t: [0, 10, 20, 35, 50, 60], grid_name: 'default' } }) + '\n');
    const row = at((await run(['--data', p, '--transform', 'traj_feats_and_distance_weights', '--include-velocities', '--include-accelerations'])) as { traj: number[][]; keys: number[][] }[], 0);
    expect(at(row.traj, 4).map(Math.fround)).toEqual([0.2777777910232544, 0.35982009768486023, -10.5600004196167, 4.0, -0.11999999731779099, -0.14666667580604553]);
    expect(at(row.keys, 0)).toHaveLength(37);
    expect(Math.abs(Math.fround(at(at(row.keys, 0), 23)) - 0.9551762342453003)).toBeLessThan(1e-6);
  });

  it('--seed-compatible prints the seed non-finite values as null; --limit stops early; key-only traj is empty', async () => {
    const seed = (await run(['--data', join(fixtures, 'test.jsonl'), '--transform', 'traj_feats_and_xy', '--include-velocities', '--seed-compatible'])) as { traj: (number | null)[][] }[];
    expect(at(seed, 5).traj.flat()).toContain(null);
    const limited = (await run(['--data', join(fixtures, 'inline.jsonl'), '--transform', 'nearest_key_only', '--limit', '2'])) as { traj: unknown[][] }[];
    expect(limited).toHaveLength(2);
    expect(at(limited, 0).traj.every((r) => r.length === 0)).toBe(true);
  });

  it('rejects bad options, naming the flag', async () => {
    await expect(run(['--data', join(fixtures, 'test.jsonl'), '--transform', 'traj_feats_and_distances'])).rejects.toThrow(/--transform/);
    await expect(run(['--data', join(fixtures, 'test.jsonl'), '--transform', 'nearest_key_only', '--limit', 'x'])).rejects.toThrow(/--limit/);
    await expect(run(['--data', join(fixtures, 'test.jsonl'), '--transform', 'traj_feats_and_xy', '--include-accelerations'])).rejects.toThrow(/--include-accelerations/);
  });
});
