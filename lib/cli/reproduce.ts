/** `neuroswipe reproduce`: export → predict → aggregate → baseline → submit in one command (docs/REPRODUCE.md). */
import { Option, type Command } from 'commander';
import { tuneHeapForThroughput } from '../runtime.js';
import type { DeviceRequest } from '../model/model.js';
import { createReporter } from '../predict/progress.js';
import { reproduce } from '../reproduce/run.js';
import { formatReproduceSummary } from '../reproduce/summary.js';
import { collect, integerArg } from './parse-number.js';
import { addEngineFlags } from '../options/cli.js';
import { DEFAULT_THREADS_PER_SEARCH } from '../decode/defaults.js';

interface ReproduceCliOptions {
  config: string;
  weightsDir: string;
  dataDir: string;
  out: string;
  workDir?: string;
  set: string[];
  force?: boolean;
  device: DeviceRequest;
  threads?: number;
  batchSize?: number | 'auto';
  workers?: number;
  quiet?: boolean;
}


/** Registers `reproduce`. */
export function register(program: Command): void {
  const cmd = program
    .command('reproduce')
    .description('the Yandex Cup submission in one run: export seed weights, predict, aggregate per grid, fill from the DTW baseline, write the CSV')
    .requiredOption('--config <file>', 'reproduction config (seed prediction_config + aggregation_config), e.g. configs/yandex-cup.json')
    .requiredOption('--weights-dir <dir>', "folder holding the weights files at the config's relative paths")
    .requiredOption('--data-dir <dir>', 'folder holding test.jsonl (either format), voc.txt and optionally gridname_to_grid.json')
    .requiredOption('--out <file>', 'the submission CSV')
    .option('--work-dir <dir>', 'intermediate files; a rerun resumes from them (default: <out without extension>.work next to the output)')
    .option('--set <path=value>', 'override a config field, e.g. --set generator_call_kwargs.max_steps_n=20 (repeatable)', collect, [])
    .option('--force', 'overwrite an existing output CSV');
  addEngineFlags(cmd, 'reproduce')
    .addOption(
      new Option('--threads <n>', "libtorch intra-op threads per search, and the DTW baseline's threads")
        .argParser(integerArg(1, 1024))
        .default(undefined, `${DEFAULT_THREADS_PER_SEARCH} per search; the baseline: one per core`),
    )
    .action(async (opts: ReproduceCliOptions) => {
      tuneHeapForThroughput();
      const log = opts.quiet ? undefined : (line: string) => process.stderr.write(`${line}\n`);
      const summary = await reproduce({
        configPath: opts.config,
        weightsDir: opts.weightsDir,
        dataDir: opts.dataDir,
        out: opts.out,
        workDir: opts.workDir,
        sets: opts.set,
        force: opts.force === true,
        device: opts.device,
        threads: opts.threads,
        batchSize: opts.batchSize,
        workers: opts.workers,
        log,
        reporter: opts.quiet ? undefined : createReporter(process.stderr),
      });
      if (!opts.quiet) process.stdout.write(formatReproduceSummary(summary));
    });
}
