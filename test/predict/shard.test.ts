import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseShard, parseShardFileName, shardChunks, shardFileName } from '../../lib/predict/shard.js';

describe('shards', () => {
  it('parses K/N and rejects anything else naming --shard', () => {
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    expect(parseShard('1/1')).toEqual({ index: 1, count: 1 });
    for (const bad of ['0/3', '4/3', '2', '2/0', 'a/b', '-1/2', '1/2/3']) expect(() => parseShard(bad)).toThrow(/^--shard: expected K\/N/);
  });

  it('deals chunks round-robin: the shards are disjoint and together cover every swipe once, in order', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 1, max: 17 }), fc.integer({ min: 1, max: 6 }), (total, size, n) => {
        const all = shardChunks(total, size);
        const covered: number[] = [];
        for (let k = 1; k <= n; k++) {
          const mine = shardChunks(total, size, { index: k, count: n });
          for (const [a, b] of mine) {
            expect(all).toContainEqual([a, b]);
            expect(a % size).toBe(0);
            expect(((a / size) % n) + 1).toBe(k);
            for (let i = a; i < b; i++) covered.push(i);
          }
        }
        covered.sort((x, y) => x - y);
        expect(covered).toEqual(Array.from({ length: total }, (_, i) => i));
      }),
    );
  });

  it('names shard files and recognises the names', () => {
    const name = shardFileName('m1_bigger.pt.default.beam.0a1b2c3d.val.jsonl', { index: 2, count: 3 });
    expect(name).toBe('m1_bigger.pt.default.beam.0a1b2c3d.val.shard-2-of-3.jsonl');
    expect(parseShardFileName(name)).toEqual({ finalName: 'm1_bigger.pt.default.beam.0a1b2c3d.val.jsonl', shard: { index: 2, count: 3 } });
    expect(parseShardFileName('x.shard-4-of-3.jsonl')).toBeUndefined();
    expect(parseShardFileName('x.val.jsonl')).toBeUndefined();
  });
});
