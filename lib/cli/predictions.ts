/** `neuroswipe predictions merge`: joins the shard files of `predict --shard` into the unsharded files. */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { readLabels } from '../data/labels.js';
import { evaluateRows } from '../evaluate/evaluate.js';
import { findShardSets, isComplete, mergeShardFiles, type MergedPredictions } from '../predict/merge.js';
import { identityFromMeta } from '../predict/predictor.js';
import { sha256File } from '../predict/hash.js';
import { Registry } from '../registry/registry.js';
import { checkOutputPaths } from '../io/atomic-write.js';
import type { PredictorResults } from '../registry/schema.js';

interface MergeOptions {
  out?: string;
  dir?: string;
  registry?: string;
  data?: string;
  force?: boolean;
  quiet?: boolean;
}

async function record(registry: Registry, merged: MergedPredictions, dataPath: string | undefined): Promise<void> {
  const identity = identityFromMeta(merged.meta, merged.path);
  const split = merged.meta.dataset_split;
  const stored = registry.storedPath(merged.path);
  const results: Partial<PredictorResults> = split === 'val' ? { valPredsPath: stored } : { testPredsPath: stored };
  if (split === 'val' && dataPath !== undefined && merged.rows.length > 0) {
    const sha = await sha256File(dataPath);
    if (sha !== merged.shard.data_sha256) throw new Error(`${dataPath}: not the data file the shards were decoded from (its SHA-256 differs)`);
    const labels = await readLabels(dataPath);
    if (merged.rows.every((r) => labels.words[r.index] !== undefined)) {
      const m = evaluateRows(merged.rows, labels, merged.path);
      results.valMrr = m.mrr;
      results.valAccuracy = m.accuracy;
    }
  }
  registry.upsert(identity, results);
}

/** Registers `predictions` and its subcommands. */
export function register(program: Command): void {
  const cmd = program.command('predictions').description('prediction files');
  cmd
    .command('merge')
    .description('merge the shard files of one predictor (--out FILE PARTS...) or of every complete shard set in a folder (--dir)')
    .argument('[parts...]', 'shard files *.shard-K-of-N.jsonl of one predictor')
    .option('--out <file>', 'merged file (with explicit parts)')
    .option('--dir <folder>', 'merge every complete shard set in this folder into <name>.jsonl beside it')
    .option('--registry <file>', 'record the merged files in this registry (path, and validation metrics with --data)')
    .option('--data <file>', 'the validation data file, for Swipe MRR and accuracy in the registry')
    .option('--force', 'replace merged files that already exist (without it: --out is an error, --dir skips them)')
    .action(async (parts: string[], opts: MergeOptions) => {
      if ((opts.dir === undefined) === (opts.out === undefined)) throw new Error('predictions merge: give either --out FILE with the shard files, or --dir FOLDER');
      if (opts.out !== undefined && parts.length === 0) throw new Error('predictions merge: --out needs the shard files to merge');
      if (opts.dir !== undefined && parts.length > 0) throw new Error('predictions merge: --dir takes no file arguments');
      if (opts.out !== undefined) checkOutputPaths([opts.out], opts.force === true, [...parts, opts.data, opts.registry]);
      const registry = opts.registry === undefined ? undefined : Registry.open(opts.registry);
      try {
        const jobs: { parts: string[]; out: string }[] = [];
        if (opts.out !== undefined) jobs.push({ parts, out: opts.out });
        else {
          for (const set of findShardSets(opts.dir!)) {
            if (!isComplete(set)) {
              const have = [...set.parts.keys()].sort((a, b) => a - b).join(', ');
              process.stderr.write(`${set.finalPath}: incomplete shard set (have ${have} of ${set.count}), skipped\n`);
            } else if (existsSync(set.finalPath) && opts.force !== true) {
              process.stderr.write(`${set.finalPath}: already exists, skipped (use --force to merge again)\n`);
            } else {
              jobs.push({ parts: [...set.parts.keys()].sort((a, b) => a - b).map((k) => set.parts.get(k)!), out: set.finalPath });
            }
          }
        }
        for (const job of jobs) {
          const merged = await mergeShardFiles(job.parts, job.out, { force: opts.force === true });
          if (registry) await record(registry, merged, opts.data);
          if (!opts.quiet) process.stdout.write(`${job.out}: ${merged.rows.length} rows from ${job.parts.length} shards\n`);
        }
      } finally {
        registry?.close();
      }
    });
}
