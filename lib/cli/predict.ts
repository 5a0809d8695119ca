/** `neuroswipe predict`: runs a prediction config (seed `prediction_config` or neuroswipe `predict`). */
import type { Command } from 'commander';
import { tuneHeapForThroughput } from '../runtime.js';
import { loadPredictionConfig } from '../config/load.js';
import type { DeviceRequest } from '../model/model.js';
import { runPrediction } from '../predict/run.js';
import { parseShard } from '../predict/shard.js';
import { createReporter, formatSummary } from '../predict/progress.js';
import { collect, positiveInt } from './parse-number.js';
import { LONG_SWIPE_POLICIES, parseLongSwipePolicy } from '../decode/long-swipes.js';


interface PredictOptions {
  config: string;
  set: string[];
  device?: string;
  shard?: string;
  registry?: string;
  batchSize?: string;
  chunkSize?: string;
  threads?: string;
  quiet?: boolean;
  longSwipes: string;
}

/** Registers `predict`. */
export function register(program: Command): void {
  program
    .command('predict')
    .description('decode a data split with every (grid, model, weights) of a config; one prediction file per predictor, recorded in the registry')
    .requiredOption('--config <file>', 'prediction config (seed prediction_config or neuroswipe predict format; see docs/CONFIG.md)')
    .option('--set <path=value>', 'override a config field, e.g. --set generator_call_kwargs.beamsize=4 (repeatable)', collect, [])
    .option('--device <device>', 'cpu | cuda | cuda:N | auto (default: the config\'s, else cpu)')
    .option('--shard <K/N>', 'decode only shard K of N of each grid\'s swipes (merge with `predictions merge`)')
    .option('--registry <file>', 'registry file (default: <out>/registry.sqlite, or registry.shard-K-of-N.sqlite)')
    .option('--batch-size <n>', 'swipes decoded together (default: the config\'s, else 64)')
    .option('--chunk-size <n>', 'swipes per chunk, the unit of sharding; must be the same for all shards (default: the config\'s, else 256)')
    .option('--threads <n>', 'libtorch intra-op threads')
    .option('--quiet', 'no progress output')
    .option('--long-swipes <policy>', `swipes with more points than a model's max_curve_len: ${LONG_SWIPE_POLICIES.join(' | ')} (skip decodes the others and reports the skipped lines)`, 'fail')
    .action(async (opts: PredictOptions) => {
      tuneHeapForThroughput();
      const longSwipes = parseLongSwipePolicy(opts.longSwipes);
      const plan = loadPredictionConfig(opts.config, opts.set);
      if (opts.device !== undefined) {
        if (!/^(auto|cpu|cuda|cuda:\d+)$/.test(opts.device)) throw new TypeError(`--device: expected auto, cpu, cuda or cuda:N, got ${JSON.stringify(opts.device)}`);
        plan.device = opts.device as DeviceRequest;
      }
      plan.batchSize = positiveInt('--batch-size', opts.batchSize) ?? plan.batchSize;
      plan.chunkSize = positiveInt('--chunk-size', opts.chunkSize) ?? plan.chunkSize;
      plan.threads = positiveInt('--threads', opts.threads) ?? plan.threads;
      const shard = opts.shard === undefined ? undefined : parseShard(opts.shard);
      const reporter = opts.quiet ? undefined : createReporter(process.stderr);
      const result = await runPrediction(plan, { shard, registryPath: opts.registry, reporter, longSwipes });
      process.stdout.write(formatSummary(result.summaries));
      process.stdout.write(`registry: ${result.registryPath}\n`);
    });
}
