/** `neuroswipe fit-prior`: the word-frequency prior's λ, μ and floor rank fitted on validation predictions. */
import type { Command } from 'commander';
import { checkOutputPaths, writeFileAtomic } from '../io/atomic-write.js';
import { readLabels } from '../data/labels.js';
import { readPredictionFile } from '../predictions.js';
import { fitPrior } from '../decode/prior-fit.js';
import { readFrequencyTable, WordPrior } from '../decode/prior.js';
import { priorOptions } from '../options/prior-options.js';
import { optionSpec } from '../options/schema.js';
import { checkPredictionsMatchData } from '../evaluate/join.js';

interface FitPriorOptions {
  predictions: string;
  data: string;
  ref?: string;
  prior: string;
  guardPredictions?: string;
  guardData?: string;
  guardRef?: string;
  out?: string;
  force?: boolean;
  subset?: boolean;
  quiet?: boolean;
}

/**
 * Registers `fit-prior`: fits the word-frequency prior's λ, μ and floor rank (the prior's decoding options,
 * lib/decode/prior.ts) on validation predictions by an exhaustive grid search
 * (lib/decode/prior.ts), optionally guarded by other predictions whose Swipe MRR it must not lower.
 */
export function register(program: Command): void {
  program
    .command('fit-prior')
    .description("fit the word-frequency prior's weight λ, length term μ and floor rank k on validation predictions (decoded without a prior)")
    .requiredOption('--predictions <file>', 'validation prediction file (rows with [score, word] candidates, e.g. from decode or predict)')
    .requiredOption('--data <file>', 'the data file the predictions were made on (targets from its "word" members)')
    .option('--ref <file>', 'reference file with one target word per data line (e.g. valid.ref)')
    .requiredOption('--prior <file>', 'word-frequency file, word<TAB>count per line')
    .option('--guard-predictions <file>', 'predictions of other validation swipes (e.g. words drawn uniformly) whose Swipe MRR the fitted prior must not lower')
    .option('--guard-data <file>', 'with --guard-predictions: the data file they were made on')
    .option('--guard-ref <file>', 'with --guard-predictions: reference file with one target word per --guard-data line')
    .option('--out <file>', 'also write the result as JSON (the fitted decoding options as named in configs and the library, MRR before and after; readPriorOptions reads it)')
    .option('--force', 'overwrite --out if it exists')
    .option('--subset', 'the predictions cover only part of the data lines of their grids (otherwise a size mismatch is an error)')
    .action(async (opts: FitPriorOptions) => {
      if ((opts.guardPredictions === undefined) !== (opts.guardData === undefined)) throw new Error('--guard-predictions and --guard-data go together');
      if (opts.guardRef !== undefined && opts.guardPredictions === undefined) throw new Error('--guard-ref applies with --guard-predictions and --guard-data');
      checkOutputPaths([opts.out], opts.force === true, [opts.predictions, opts.data, opts.ref, opts.prior, opts.guardPredictions, opts.guardData, opts.guardRef]);
      const prior = new WordPrior(readFrequencyTable(opts.prior));
      const rowsAndTargets = async (predictions: string, data: string, ref: string | undefined, refFlag: string): Promise<{ rows: [number, string][][]; targets: string[] }> => {
        const labels = await readLabels(data, ref);
        const file = await readPredictionFile(predictions);
        if (file.rows.length === 0) throw new Error(`${predictions}: no prediction rows to fit on`);
        await checkPredictionsMatchData(file, predictions, labels, data, { subset: opts.subset });
        const targets = file.rows.map((r) => {
          const w = r.index < labels.words.length ? labels.words[r.index] : undefined;
          if (w === undefined) throw new Error(`${predictions}: index ${r.index}: ${data} has no target word for it${ref === undefined ? ` (give ${refFlag})` : ''}`);
          return w;
        });
        return { rows: file.rows.map((r) => r.candidates), targets };
      };
      const main = await rowsAndTargets(opts.predictions, opts.data, opts.ref, '--ref');
      const guard = opts.guardPredictions !== undefined && opts.guardData !== undefined ? await rowsAndTargets(opts.guardPredictions, opts.guardData, opts.guardRef, '--guard-ref') : undefined;
      const targets = main.targets;
      const fit = fitPrior(main.rows, targets, prior, guard !== undefined ? { guard } : {});
      const options = priorOptions(fit.lambda, fit.mu, fit.floorRank);
      const result = {
        ...options, swipes: targets.length, initialMrr: fit.initialMrr, mrr: fit.mrr, points: fit.points,
        ...(fit.guard !== undefined && guard !== undefined ? { guard: { swipes: guard.targets.length, initialMrr: fit.guard.initialMrr, mrr: fit.guard.mrr } } : {}),
      };
      if (opts.out !== undefined) writeFileAtomic(opts.out, `${JSON.stringify(result, null, 2)}\n`);
      process.stdout.write(`${JSON.stringify(result)}\n`);
      if (!opts.quiet) {
        const kept = fit.guard !== undefined ? `; guard swipes ${fit.guard.initialMrr.toFixed(7)} -> ${fit.guard.mrr.toFixed(7)}` : '';
        const flags = Object.entries(options).map(([name, v]) => `${optionSpec(name).flag.split(' ')[0]} ${v}`).join(' ');
        process.stderr.write(`fitted ${flags} on ${targets.length} swipes: Swipe MRR ${fit.initialMrr.toFixed(7)} (no prior) -> ${fit.mrr.toFixed(7)} over ${fit.points} grid points${kept}\n`);
      }
    });
}
