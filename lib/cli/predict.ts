/** `neuroswipe predict`: runs a prediction config (seed `prediction_config` or neuroswipe `predict`). */
import { Option, type Command } from 'commander';
import { optionSpec, VOCAB_SCORINGS, type VocabScoring } from '../options/schema.js';
import { tuneHeapForThroughput } from '../runtime.js';
import { loadPredictionConfig } from '../config/load.js';
import { DEFAULT_CHUNK_SIZE } from '../decode/defaults.js';
import type { DeviceRequest } from '../model/model.js';
import { runPrediction } from '../predict/run.js';
import { parseShard } from '../predict/shard.js';
import { createReporter, formatSummary } from '../predict/progress.js';
import { collect, integerArg } from './parse-number.js';
import { batchSizeOption, deviceOption, threadsOption, workersOption } from './decoding-options.js';
import { LONG_SWIPE_POLICIES, parseLongSwipePolicy } from '../decode/decode-file.js';


interface PredictOptions {
  config: string;
  set: string[];
  device?: DeviceRequest;
  shard?: string;
  registry?: string;
  batchSize?: number | 'auto';
  workers?: number;
  chunkSize?: number;
  threads?: number;
  quiet?: boolean;
  longSwipes: string;
  vocabScoring?: VocabScoring;
}

const VOCAB_SCORING = optionSpec('vocabScoring');

/** Registers `predict`. */
export function register(program: Command): void {
  program
    .command('predict')
    .description('decode a data split with every (grid, model, weights) of a config; one prediction file per predictor, recorded in the registry')
    .requiredOption('--config <file>', 'prediction config (seed prediction_config or neuroswipe predict format; see docs/CONFIG.md)')
    .option('--set <path=value>', 'override a config field, e.g. --set generator_call_kwargs.beamsize=4 (repeatable)', collect, [])
    .addOption(deviceOption('device'))
    .option('--shard <K/N>', 'decode only shard K of N of each grid\'s swipes (merge with `predictions merge`)')
    .option('--registry <file>', 'registry file (default: <out>/registry.sqlite, or registry.shard-K-of-N.sqlite)')
    .addOption(batchSizeOption('batchSize'))
    .addOption(workersOption())
    .option('--chunk-size <n>', `swipes per chunk, the unit of sharding; must be the same for all shards (default: the config's chunkSize, else ${DEFAULT_CHUNK_SIZE})`, integerArg(1))
    .addOption(threadsOption('threads'))
    .addOption(new Option(VOCAB_SCORING.flag, `${VOCAB_SCORING.doc}; overrides the config's (a seed-format config scores as the seed)`).choices([...VOCAB_SCORINGS]))
    .option('--long-swipes <policy>', `swipes with more points than a model's max_curve_len: ${LONG_SWIPE_POLICIES.join(' | ')} (skip decodes the others and reports the skipped lines)`, 'fail')
    .action(async (opts: PredictOptions) => {
      tuneHeapForThroughput();
      const longSwipes = parseLongSwipePolicy(opts.longSwipes);
      const plan = loadPredictionConfig(opts.config, opts.set, opts.vocabScoring !== undefined ? { vocabScoring: opts.vocabScoring } : {});
      if (opts.device !== undefined) plan.device = opts.device;
      plan.batchSize = opts.batchSize ?? plan.batchSize;
      plan.workers = opts.workers ?? plan.workers;
      plan.chunkSize = opts.chunkSize ?? plan.chunkSize;
      plan.threads = opts.threads ?? plan.threads;
      const shard = opts.shard === undefined ? undefined : parseShard(opts.shard);
      const reporter = opts.quiet ? undefined : createReporter(process.stderr);
      const result = await runPrediction(plan, { shard, registryPath: opts.registry, reporter, longSwipes });
      if (opts.quiet) return;
      process.stdout.write(formatSummary(result.summaries));
      process.stdout.write(`registry: ${result.registryPath}\n`);
    });
}
