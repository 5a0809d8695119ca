/** `neuroswipe baseline`: the official DTW baseline. */
import { availableParallelism } from 'node:os';
import { rmSync } from 'node:fs';
import { checkOutputPaths, writeFileAtomic } from '../io/atomic-write.js';
import type { Command } from 'commander';
import { loadGrids } from '../keyboard/grid.js';
import { writePredictionFile } from '../predictions.js';
import { formatBaselineCsv, runBaseline } from '../baseline/run.js';
import { readBaselineVocab } from '../baseline/vocab.js';

interface BaselineCliOptions {
  data: string;
  grids?: string;
  vocab: string;
  vocSize: string;
  out: string;
  csv?: string;
  threads: string;
  engine: string;
  force?: boolean;
}

/** Registers `baseline`. */
export function register(program: Command): void {
  program
    .command('baseline')
    .description('the official DTW baseline: for each swipe, the 4 vocabulary words (starting with the key under the first point) nearest by DTW')
    .requiredOption('--data <file>', 'swipes: competition JSONL with curve.grid, or separated-grid JSONL with curve.grid_name')
    .option('--grids <file>', 'gridname_to_grid.json for the separated-grid format (default: the bundled real grids)')
    .requiredOption('--vocab <file>', 'vocabulary (voc.txt)')
    .option('--voc-size <n>', 'use only the first N vocabulary words (-1: all)', '-1')
    .requiredOption('--out <file>', 'output prediction file (JSONL rows, score = DTW distance)')
    .option('--csv <file>', "also write the seed's baseline CSV")
    .option('--threads <n>', 'worker threads', String(availableParallelism()))
    .option('--engine <name>', 'native (pruned C++) | reference (straightforward TypeScript)', 'native')
    .option('--force', 'overwrite --out and --csv if they exist')
    .action(async (opts: BaselineCliOptions) => {
      const vocSize = Number(opts.vocSize);
      if (!Number.isInteger(vocSize) || vocSize < -1) throw new RangeError(`--voc-size: expected -1 or a non-negative integer, got ${JSON.stringify(opts.vocSize)}`);
      const threads = Number(opts.threads);
      if (!Number.isInteger(threads) || threads < 1 || threads > 1024) throw new RangeError(`--threads: expected an integer in 1..1024, got ${JSON.stringify(opts.threads)}`);
      if (opts.engine !== 'native' && opts.engine !== 'reference') throw new RangeError(`--engine: expected native or reference, got ${JSON.stringify(opts.engine)}`);
      checkOutputPaths([opts.out, opts.csv], opts.force === true, [opts.data, opts.vocab, opts.grids]);
      const vocab = readBaselineVocab(opts.vocab, vocSize);
      const grids = loadGrids(opts.grids);
      const rows = await runBaseline(opts.data, vocab, { grids, threads, engine: opts.engine });
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
      process.stdout.write(`${opts.out}: ${rows.length} rows (${vocab.words.length} vocabulary words)\n`);
    });
}
