/** `neuroswipe reproduce`: export → predict → aggregate → baseline → submit in one command (docs/REPRODUCE.md). */
import type { Command } from 'commander';
import { tuneHeapForThroughput } from '../runtime.js';
import type { DeviceRequest } from '../model/model.js';
import { createReporter } from '../predict/progress.js';
import { reproduce } from '../reproduce/run.js';
import { formatReproduceSummary } from '../reproduce/summary.js';
import { collect, positiveInt } from './parse-number.js';

interface ReproduceCliOptions {
  config: string;
  weightsDir: string;
  dataDir: string;
  out: string;
  workDir?: string;
  set: string[];
  force?: boolean;
  device?: string;
  threads?: string;
  batchSize?: string;
  quiet?: boolean;
}


/** Registers `reproduce`. */
export function register(program: Command): void {
  program
    .command('reproduce')
    .description('the Yandex Cup submission in one run: export seed weights, predict, aggregate per grid, fill from the DTW baseline, write the CSV')
    .requiredOption('--config <file>', 'reproduction config (seed prediction_config + aggregation_config), e.g. configs/yandex-cup.json')
    .requiredOption('--weights-dir <dir>', "folder holding the weights files at the config's relative paths")
    .requiredOption('--data-dir <dir>', 'folder holding test.jsonl (either format), voc.txt and optionally gridname_to_grid.json')
    .requiredOption('--out <file>', 'the submission CSV')
    .option('--work-dir <dir>', 'intermediate files; a rerun resumes from them (default: <out without extension>.work next to the output)')
    .option('--set <path=value>', 'override a config field, e.g. --set generator_call_kwargs.max_steps_n=20 (repeatable)', collect, [])
    .option('--force', 'overwrite an existing output CSV')
    .option('--device <device>', 'auto | cpu | cuda | cuda:N (default auto: CUDA when libtorch has it)')
    .option('--threads <n>', 'libtorch intra-op threads and DTW baseline threads')
    .option('--batch-size <n>', 'swipes decoded together (default 64)')
    .option('--quiet', 'no progress output')
    .action(async (opts: ReproduceCliOptions) => {
      tuneHeapForThroughput();
      if (opts.device !== undefined && !/^(auto|cpu|cuda|cuda:\d+)$/.test(opts.device)) {
        throw new TypeError(`--device: expected auto, cpu, cuda or cuda:N, got ${JSON.stringify(opts.device)}`);
      }
      const log = opts.quiet ? undefined : (line: string) => process.stderr.write(`${line}\n`);
      const summary = await reproduce({
        configPath: opts.config,
        weightsDir: opts.weightsDir,
        dataDir: opts.dataDir,
        out: opts.out,
        workDir: opts.workDir,
        sets: opts.set,
        force: opts.force === true,
        device: opts.device as DeviceRequest | undefined,
        threads: positiveInt('--threads', opts.threads),
        batchSize: positiveInt('--batch-size', opts.batchSize),
        log,
        reporter: opts.quiet ? undefined : createReporter(process.stderr),
      });
      process.stdout.write(formatReproduceSummary(summary));
    });
}
