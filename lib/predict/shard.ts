/**
 * Sharding: a grid's swipes (in ascending line order) are cut into chunks of `chunkSize`; shard K of N
 * takes chunks K−1, K−1+N, K−1+2N, … Each chunk is decoded on its own, so a chunk's results do not
 * depend on which shard decodes it, and merged shard files equal an unsharded run byte for byte.
 */

/** Shard K of N, K in 1..N. */
export interface Shard {
  /** 1-based shard number. */
  index: number;
  /** Number of shards. */
  count: number;
}

/**
 * Parses `K/N` (1 ≤ K ≤ N).
 * @throws RangeError naming `--shard` and the value otherwise
 */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) throw new RangeError(`--shard: expected K/N with 1 ≤ K ≤ N (for example 2/3), got ${JSON.stringify(text)}`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index < 1 || index > count) throw new RangeError(`--shard: expected K/N with 1 ≤ K ≤ N, got ${JSON.stringify(text)}`);
  return { index, count };
}

/**
 * The chunks (as `[start, end)` positions in the subset) a shard decodes, in order.
 * @param total - swipes in the subset
 * @param chunkSize - swipes per chunk (≥ 1)
 * @param shard - the shard, or `undefined` for all chunks
 */
export function shardChunks(total: number, chunkSize: number, shard?: Shard): [number, number][] {
  const out: [number, number][] = [];
  const n = Math.ceil(total / chunkSize);
  for (let c = 0; c < n; c++) {
    if (shard && c % shard.count !== shard.index - 1) continue;
    out.push([c * chunkSize, Math.min(total, (c + 1) * chunkSize)]);
  }
  return out;
}

/** `name.jsonl` → `name.shard-K-of-N.jsonl`. */
export function shardFileName(finalName: string, shard: Shard): string {
  return finalName.replace(/\.jsonl$/, '') + `.shard-${shard.index}-of-${shard.count}.jsonl`;
}

/** Splits a shard file name into its final name and shard, or `undefined` when it is not one. */
export function parseShardFileName(name: string): { finalName: string; shard: Shard } | undefined {
  const m = /^(.+)\.shard-(\d+)-of-(\d+)\.jsonl$/.exec(name);
  if (!m) return undefined;
  const index = Number(m[2]);
  const count = Number(m[3]);
  if (index < 1 || index > count) return undefined;
  return { finalName: `${m[1]}.jsonl`, shard: { index, count } };
}
