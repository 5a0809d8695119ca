/** `neuroswipe submit`: the competition CSV from per-grid predictions, filled from the baseline. */
import type { Command } from 'commander';
import { readPredictionFile } from '../predictions.js';
import { fillFromBaseline, mergeByIndex, readBaselineCsv, SUBMISSION_WIDTH, writeSubmission } from '../submission.js';
import { readLabels } from '../data/labels.js';
import { checkOutputPaths } from '../io/atomic-write.js';

/** Registers `submit`. */
export function register(program: Command): void {
  program
    .command('submit')
    .description('merge per-grid predictions into test-file order, fill up to 4 words from the baseline, write the submission CSV')
    .requiredOption('--predictions <files...>', 'prediction files that together cover every line of the data file once')
    .requiredOption('--data <file>', 'the test data file (line order and grid names)')
    .option('--baseline <file>', 'baseline predictions used to fill rows: a prediction file (JSONL) or the seed\'s baseline CSV (.csv)')
    .requiredOption('--out <file>', 'the submission CSV')
    .option('--force', 'overwrite an existing output file')
    .action(async (opts: { predictions: string[]; data: string; baseline?: string; out: string; force?: boolean; quiet?: boolean }) => {
      const inputs = [...opts.predictions, opts.data, opts.baseline];
      checkOutputPaths([opts.out], opts.force === true, inputs);
      const { gridNames } = await readLabels(opts.data);
      const files = [];
      for (const p of opts.predictions) files.push({ path: p, file: await readPredictionFile(p) });
      let rows = mergeByIndex(files, gridNames);
      if (opts.baseline !== undefined) {
        const baseline = opts.baseline.toLowerCase().endsWith('.csv')
          ? readBaselineCsv(opts.baseline)
          : mergeByIndex([{ path: opts.baseline, file: await readPredictionFile(opts.baseline) }], gridNames, Infinity);
        if (baseline.length !== rows.length) throw new Error(`${opts.baseline}: has ${baseline.length} rows, ${opts.data} has ${rows.length} lines`);
        rows = fillFromBaseline(rows, baseline, SUBMISSION_WIDTH);
      }
      writeSubmission(opts.out, rows, opts.force === true, inputs);
      if (opts.quiet) return;
      const short = rows.filter((r) => r.length < SUBMISSION_WIDTH).length;
      process.stdout.write(`${opts.out}: ${rows.length} lines${short > 0 ? ` (${short} with fewer than ${SUBMISSION_WIDTH} words)` : ''}\n`);
    });
}
