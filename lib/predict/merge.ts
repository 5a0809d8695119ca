/**
 * Merging the shard files of one predictor (`*.shard-K-of-N.jsonl`) into the file an unsharded run would
 * have written: the same metadata line without `shard`, and the rows in ascending line order.
 */
import { readdirSync, rmSync } from 'node:fs';
import { checkOutputPath } from '../io/atomic-write.js';
import { removeCompletion, writeCompletion } from './completion.js';
import { identityFromMeta, identityKey } from './predictor.js';
import { join } from 'node:path';
import { type PredictionRow, type PredictorMeta, readPredictionFile, writePredictionFile } from '../predictions.js';
import { parseShardFileName } from './shard.js';

/** The `shard` member of a shard file's metadata. */
export interface ShardInfo {
  /** 1-based shard number. */
  index: number;
  /** Number of shards. */
  count: number;
  /** Swipes per chunk (the unit dealt round-robin to shards). */
  chunk_size: number;
  /** Swipes of the grid in the whole data file (all shards together). */
  subset_size: number;
  /** SHA-256 of the data file. */
  data_sha256: string;
}

function shardOf(meta: PredictorMeta | undefined, file: string): ShardInfo {
  const s = meta?.shard as Record<string, unknown> | undefined;
  if (meta === undefined) throw new Error(`${file}:1: no metadata line: not a shard file written by neuroswipe predict --shard`);
  if (typeof s !== 'object' || s === null) throw new Error(`${file}:1: predictor.shard: missing: not a shard file`);
  for (const k of ['index', 'count', 'chunk_size', 'subset_size']) {
    if (!Number.isInteger(s[k])) throw new Error(`${file}:1: predictor.shard.${k}: expected an integer, got ${JSON.stringify(s[k])}`);
  }
  if (typeof s.data_sha256 !== 'string') throw new Error(`${file}:1: predictor.shard.data_sha256: expected a string`);
  return s as unknown as ShardInfo;
}

/** The result of a merge. */
export interface MergedPredictions {
  /** The merged file. */
  path: string;
  /** Its metadata (without `shard`). */
  meta: PredictorMeta;
  /** Its rows, ascending by index. */
  rows: PredictionRow[];
  /** The shards' common `shard` member (its `index` is the first part's). */
  shard: ShardInfo;
}

/**
 * Merges all shard files of one predictor into `out` (temporary file + rename), then writes its
 * completion record (`<out>.done.json`, as `predict` does for a finished file), so that `predict` trusts
 * the merged file on a rerun exactly when it is complete and unchanged.
 * @param parts - the shard files, any order; together exactly shards 1…N of one run
 * @param out - the merged file; must not exist unless `options.force`, and must not be one of `parts`
 * @param options - `force`: replace an existing `out`
 * @throws Error naming the file and field when a part is not a shard file, parts disagree on the
 *   predictor, shard count, chunk size or data file, a shard is missing or repeated, a swipe appears twice,
 *   or the rows do not add up to the grid's swipe count
 */
export async function mergeShardFiles(parts: readonly string[], out: string, options: { force?: boolean } = {}): Promise<MergedPredictions> {
  if (parts.length === 0) throw new Error('predictions merge: no shard files given');
  checkOutputPath(out, options.force === true, parts);
  let base: { meta: string; shard: ShardInfo; file: string } | undefined;
  const seenShard = new Map<number, string>();
  const seenRow = new Map<number, string>();
  const rows: PredictionRow[] = [];
  let meta: PredictorMeta = {};
  for (const file of parts) {
    const f = await readPredictionFile(file);
    const shard = shardOf(f.meta, file);
    const rest: PredictorMeta = { ...f.meta };
    delete rest.shard;
    const restJson = JSON.stringify(rest);
    if (base === undefined) {
      base = { meta: restJson, shard, file };
      meta = rest;
    } else {
      if (restJson !== base.meta) throw new Error(`${file}:1: predictor: differs from ${base.file}'s; shards of different predictors cannot be merged`);
      for (const k of ['count', 'chunk_size', 'subset_size', 'data_sha256'] as const) {
        if (shard[k] !== base.shard[k]) {
          throw new Error(`${file}:1: predictor.shard.${k}: ${JSON.stringify(shard[k])}, but ${base.file} has ${JSON.stringify(base.shard[k])}`);
        }
      }
    }
    if (shard.index < 1 || shard.index > shard.count) throw new Error(`${file}:1: predictor.shard.index: ${shard.index} is not in 1..${shard.count}`);
    const dup = seenShard.get(shard.index);
    if (dup !== undefined) throw new Error(`${file}: shard ${shard.index}/${shard.count} given twice (also ${dup})`);
    seenShard.set(shard.index, file);
    for (const r of f.rows) {
      const prev = seenRow.get(r.index);
      if (prev !== undefined) throw new Error(`${file}: index ${r.index}: also in ${prev}`);
      seenRow.set(r.index, file);
      rows.push(r);
    }
  }
  const b = base!;
  const missing: number[] = [];
  for (let k = 1; k <= b.shard.count; k++) if (!seenShard.has(k)) missing.push(k);
  if (missing.length > 0) throw new Error(`predictions merge: shard(s) ${missing.map((k) => `${k}/${b.shard.count}`).join(', ')} missing (have ${parts.join(', ')})`);
  if (rows.length !== b.shard.subset_size) {
    throw new Error(`predictions merge: the shards hold ${rows.length} swipes but the grid has ${b.shard.subset_size} (from ${b.file})`);
  }
  rows.sort((x, y) => x.index - y.index);
  const identity = identityKey(identityFromMeta(meta, `${b.file}:1`));
  removeCompletion(out);
  await writePredictionFile(out, rows, meta);
  try {
    await writeCompletion(out, b.shard.data_sha256, identity, rows.length);
  } catch (err) {
    // A merged file without its record would be decoded again by predict: leave neither.
    rmSync(out, { force: true });
    throw err;
  }
  return { path: out, meta, rows, shard: b.shard };
}

/** The shard files of one predictor found in a folder. */
export interface ShardSet {
  /** The merged file's path. */
  finalPath: string;
  /** Number of shards. */
  count: number;
  /** Files present, by shard number. */
  parts: Map<number, string>;
}

/**
 * Groups the shard files of a folder by predictor and shard count.
 * @param dir - the folder
 */
export function findShardSets(dir: string): ShardSet[] {
  const sets = new Map<string, ShardSet>();
  for (const name of readdirSync(dir).sort()) {
    const p = parseShardFileName(name);
    if (!p) continue;
    const key = `${p.finalName}\0${p.shard.count}`;
    let s = sets.get(key);
    if (!s) sets.set(key, (s = { finalPath: join(dir, p.finalName), count: p.shard.count, parts: new Map() }));
    s.parts.set(p.shard.index, join(dir, name));
  }
  return [...sets.values()];
}

/** Whether a set has every shard 1…N. */
export function isComplete(set: ShardSet): boolean {
  for (let k = 1; k <= set.count; k++) if (!set.parts.has(k)) return false;
  return true;
}
