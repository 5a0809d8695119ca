/** `neuroswipe predict`: runs a prediction config (seed `prediction_config` or neuroswipe `predict`). */
import { Option, type Command } from 'commander';
import { VOCABULARY_OPTIONS } from '../options/schema.js';
import { vocabularyOptionsOf } from '../options/vocabulary-options.js';
import { tuneHeapForThroughput } from '../runtime.js';
import { loadPredictionConfig } from '../config/load.js';
import { runPrediction } from '../predict/run.js';
import { parseShard } from '../predict/shard.js';
import { createReporter, formatSummary } from '../predict/progress.js';
import { collect } from './parse-number.js';
import { addEngineFlags, engineFromFlags } from '../options/cli.js';
import { LONG_SWIPE_POLICIES, parseLongSwipePolicy } from '../decode/decode-file.js';


interface PredictOptions {
  config: string;
  set: string[];
  shard?: string;
  registry?: string;
  quiet?: boolean;
  longSwipes: string;
}

/** Registers `predict`. */
export function register(program: Command): void {
  const cmd = program
    .command('predict')
    .description('decode a data split with every (grid, model, weights) of a config; one prediction file per predictor, recorded in the registry')
    .requiredOption('--config <file>', 'prediction config (seed prediction_config or neuroswipe predict format; see docs/CONFIG.md)')
    .option('--set <path=value>', 'override a config field, e.g. --set generator_call_kwargs.beamsize=4 (repeatable)', collect, [])
    .option('--shard <K/N>', 'decode only shard K of N of each grid\'s swipes (merge with `predictions merge`)')
    .option('--registry <file>', 'registry file (default: <out>/registry.sqlite, or registry.shard-K-of-N.sqlite)');
  addEngineFlags(cmd, 'predict', true);
  // The options of the vocabulary's use; a seed-format config keeps the seed's values.
  for (const o of VOCABULARY_OPTIONS) {
    const flag = new Option(o.flag, `${o.doc}; overrides the config's (a seed-format config keeps the seed's)`);
    cmd.addOption(o.value.kind === 'enum' ? flag.choices([...o.value.values]) : flag);
  }
  cmd
    .option('--long-swipes <policy>', `swipes with more points than a model's max_curve_len: ${LONG_SWIPE_POLICIES.join(' | ')} (skip decodes the others and reports the skipped lines)`, 'fail')
    .action(async (opts: PredictOptions) => {
      tuneHeapForThroughput();
      const longSwipes = parseLongSwipePolicy(opts.longSwipes);
      const plan = loadPredictionConfig(opts.config, opts.set, vocabularyOptionsOf(opts));
      // The engine flags given override the config's values.
      for (const [k, v] of Object.entries(engineFromFlags(opts as unknown as Record<string, unknown>, 'predict', () => undefined))) {
        if (v !== undefined) Object.assign(plan, { [k]: v });
      }
      const shard = opts.shard === undefined ? undefined : parseShard(opts.shard);
      const reporter = opts.quiet ? undefined : createReporter(process.stderr);
      const result = await runPrediction(plan, { shard, registryPath: opts.registry, reporter, longSwipes });
      if (opts.quiet) return;
      process.stdout.write(formatSummary(result.summaries));
      process.stdout.write(`registry: ${result.registryPath}\n`);
    });
}
