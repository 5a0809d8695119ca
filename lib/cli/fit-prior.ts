/** `neuroswipe fit-prior`: the word-frequency prior's λ and μ fitted on validation predictions. */
import type { Command } from 'commander';
import { checkOutputPaths, writeFileAtomic } from '../io/atomic-write.js';
import { readLabels } from '../data/dataset.js';
import { readPredictionFile } from '../predictions.js';
import { fitPrior, readFrequencyTable, WordPrior } from '../decode/prior.js';
import { checkPredictionsMatchData } from '../evaluate/join.js';

interface FitPriorOptions {
  predictions: string;
  data: string;
  ref?: string;
  prior: string;
  out?: string;
  force?: boolean;
  subset?: boolean;
  quiet?: boolean;
}

/**
 * Registers `fit-prior`: fits the word-frequency prior's λ and μ (`--prior-weight`, `--prior-length`) on
 * validation predictions, as `aggregate --fit-on` fits the aggregator's weights (lib/decode/prior.ts).
 */
export function register(program: Command): void {
  program
    .command('fit-prior')
    .description("fit the word-frequency prior's weight λ and length term μ on validation predictions (decoded without a prior)")
    .requiredOption('--predictions <file>', 'validation prediction file (rows with [score, word] candidates, e.g. from decode or predict)')
    .requiredOption('--data <file>', 'the data file the predictions were made on (targets from its "word" members)')
    .option('--ref <file>', 'reference file with one target word per data line (e.g. valid.ref)')
    .requiredOption('--prior <file>', 'word-frequency file, word<TAB>count per line')
    .option('--out <file>', 'also write the result as JSON (priorWeight, priorLength, MRR before and after)')
    .option('--force', 'overwrite --out if it exists')
    .option('--subset', 'the predictions cover only part of the data lines of their grids (otherwise a size mismatch is an error)')
    .action(async (opts: FitPriorOptions) => {
      checkOutputPaths([opts.out], opts.force === true, [opts.predictions, opts.data, opts.ref, opts.prior]);
      const prior = new WordPrior(readFrequencyTable(opts.prior));
      const labels = await readLabels(opts.data, opts.ref);
      const file = await readPredictionFile(opts.predictions);
      if (file.rows.length === 0) throw new Error(`${opts.predictions}: no prediction rows to fit on`);
      await checkPredictionsMatchData(file, opts.predictions, labels, opts.data, { subset: opts.subset });
      const targets = file.rows.map((r) => {
        const w = r.index < labels.words.length ? labels.words[r.index] : undefined;
        if (w === undefined) throw new Error(`${opts.predictions}: index ${r.index}: ${opts.data} has no target word for it${opts.ref === undefined ? ' (give --ref)' : ''}`);
        return w;
      });
      const fit = fitPrior(file.rows.map((r) => r.candidates), targets, prior);
      const result = { priorWeight: fit.lambda, priorLength: fit.mu, swipes: targets.length, initialMrr: fit.initialMrr, mrr: fit.mrr, sweeps: fit.sweeps };
      if (opts.out !== undefined) writeFileAtomic(opts.out, `${JSON.stringify(result, null, 2)}\n`);
      process.stdout.write(`${JSON.stringify(result)}\n`);
      if (!opts.quiet) {
        process.stderr.write(`fitted --prior-weight ${fit.lambda} --prior-length ${fit.mu} on ${targets.length} swipes: Swipe MRR ${fit.initialMrr.toFixed(7)} (no prior) -> ${fit.mrr.toFixed(7)} in ${fit.sweeps} sweep(s)\n`);
      }
    });
}
