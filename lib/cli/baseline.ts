/** `neuroswipe baseline`: the official DTW baseline. */
import { availableParallelism } from 'node:os';
import { existsSync, rmSync } from 'node:fs';
import { checkOutputPaths, writeFileAtomic } from '../io/atomic-write.js';
import { Option, type Command } from 'commander';
import { countLines } from '../io/count-lines.js';
import { createProgress } from '../util/progress.js';
import { integerArg } from './parse-number.js';
import { DEFAULT_GRIDS_PATH, loadGrids } from '../keyboard/grid.js';
import { writePredictionFile } from '../predictions.js';
import { formatBaselineCsv, runBaseline } from '../baseline/run.js';
import { readBaselineVocab } from '../baseline/vocab.js';

interface BaselineCliOptions {
  data: string;
  grids?: string;
  vocab: string;
  vocSize: number;
  out: string;
  csv?: string;
  threads?: number;
  engine: string;
  force?: boolean;
  quiet?: boolean;
}

/** Registers `baseline`. */
export function register(program: Command): void {
  program
    .command('baseline')
    .description('the official DTW baseline: for each swipe, the 4 vocabulary words (starting with the key under the first point) nearest by DTW')
    .requiredOption('--data <file>', 'swipes: competition JSONL with curve.grid, or separated-grid JSONL with curve.grid_name')
    .option('--grids <file>', 'gridname_to_grid.json for the separated-grid format', DEFAULT_GRIDS_PATH)
    .requiredOption('--vocab <file>', 'vocabulary (voc.txt)')
    .option('--voc-size <n>', 'use only the first N vocabulary words (-1: all)', integerArg(-1), -1)
    .requiredOption('--out <file>', 'output prediction file (JSONL rows, score = DTW distance)')
    .option('--csv <file>', "also write the seed's baseline CSV")
    .addOption(new Option('--threads <n>', 'worker threads').argParser(integerArg(1, 1024)).default(undefined, 'one per core'))
    .option('--engine <name>', 'native (pruned C++) | reference (straightforward TypeScript)', 'native')
    .option('--force', 'overwrite --out and --csv if they exist')
    .action(async (opts: BaselineCliOptions) => {
      const vocSize = opts.vocSize;
      const threads = opts.threads ?? Math.min(1024, availableParallelism());
      if (opts.engine !== 'native' && opts.engine !== 'reference') throw new RangeError(`--engine: expected native or reference, got ${JSON.stringify(opts.engine)}`);
      checkOutputPaths([opts.out, opts.csv], opts.force === true, [opts.data, opts.vocab, opts.grids]);
      const vocab = readBaselineVocab(opts.vocab, vocSize);
      const grids = loadGrids(opts.grids);
      const progress = createProgress({ label: 'baseline', unit: 'swipes', quiet: opts.quiet });
      const total = opts.quiet || !existsSync(opts.data) ? 0 : await countLines(opts.data);
      let rows;
      try {
        progress.start(total);
        rows = await runBaseline(opts.data, vocab, { grids, threads, engine: opts.engine, onProgress: (n) => progress.update(n) });
      } finally {
        progress.stop();
      }
      const meta = {
        predictor_id: `dtw_baseline(voc_size=${vocSize})`,
        model_name: 'dtw_baseline',
        generator_name: 'dtw_baseline',
        generator_call_kwargs: { voc_size: vocSize },
        use_vocab_for_generation: true,
      };
      await writePredictionFile(opts.out, rows, meta);
      if (opts.csv !== undefined) {
        try {
          writeFileAtomic(opts.csv, formatBaselineCsv(rows));
        } catch (err) {
          // Both outputs or neither.
          rmSync(opts.out, { force: true });
          throw err;
        }
      }
      if (!opts.quiet) process.stdout.write(`${opts.out}: ${rows.length} rows (${vocab.words.length} vocabulary words)\n`);
    });
}
