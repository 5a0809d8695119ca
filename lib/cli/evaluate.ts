/** `neuroswipe evaluate`: Swipe MRR and accuracy of prediction files, optionally added to a results table. */
import { basename } from 'node:path';
import type { Command } from 'commander';
import { type EvaluationResult, evaluatePredictionFile } from '../evaluate/evaluate.js';
import { appendResults } from '../evaluate/results-table.js';
import { checkOutputPath, checkOutputPaths, writeFileAtomic } from '../io/atomic-write.js';
import { readLabels } from '../data/dataset.js';
import { formatTextTable } from '../io/text-table.js';
import { readPredictionFile } from '../predictions.js';
import { fitPrior, readFrequencyFile, WordPrior } from '../decode/prior.js';

/**
 * A short display name of the predictor of an evaluation result: model weights file and generator when
 * the file has metadata, else the prediction file's name.
 * @param r - the evaluation result
 */
export function displayName(r: EvaluationResult): string {
  const m = r.meta;
  if (m === undefined) return basename(r.path);
  if (typeof m.model_weights === 'string') return `${basename(m.model_weights)}${typeof m.generator_name === 'string' ? ` (${m.generator_name})` : ''}`;
  if (typeof m.predictor_id === 'string') return m.predictor_id;
  return basename(r.path);
}

/**
 * Formats evaluation results as an aligned text table.
 * @param results - evaluation results
 */
export function formatTable(results: readonly EvaluationResult[]): string {
  const rows = [
    ['predictor', 'grid', 'swipes', 'Swipe MRR', 'accuracy'],
    ...results.map((r) => [displayName(r), r.grid, String(r.swipes), r.mrr.toFixed(7), r.accuracy.toFixed(7)]),
  ];
  return formatTextTable(rows, 2);
}

/** Registers `evaluate`. */
export function register(program: Command): void {
  program
    .command('evaluate')
    .description('Swipe MRR and accuracy of prediction files against the target words of a data file')
    .requiredOption('--predictions <files...>', 'prediction files (JSONL rows: index, grid_name, candidates)')
    .requiredOption('--data <file>', 'the data file the predictions were made on (targets from its "word" members)')
    .option('--ref <file>', 'reference file with one target word per data line (e.g. valid.ref)')
    .option('--results <file>', 'CSV results table to add the rows to (rows already present are not repeated)')
    .action(async (opts: { predictions: string[]; data: string; ref?: string; results?: string; quiet?: boolean }) => {
      // The results table is updated in place (rows are added), so it may exist; it may not be an input.
      if (opts.results !== undefined) checkOutputPath(opts.results, true, [...opts.predictions, opts.data, opts.ref]);
      const labels = await readLabels(opts.data, opts.ref);
      const results: EvaluationResult[] = [];
      for (const p of opts.predictions) results.push(await evaluatePredictionFile(p, labels));
      process.stdout.write(formatTable(results));
      if (opts.results !== undefined) {
        const added = appendResults(opts.results, results);
        if (!opts.quiet) process.stdout.write(`${opts.results}: ${added} row(s) added, ${results.length - added} already present\n`);
      }
    });
}

interface FitPriorOptions {
  predictions: string;
  data: string;
  ref?: string;
  prior: string;
  out?: string;
  force?: boolean;
  quiet?: boolean;
}

/**
 * Registers `fit-prior`: fits the word-frequency prior's λ and μ (`--prior-weight`, `--prior-length`) on
 * validation predictions, as `aggregate --fit-on` fits the aggregator's weights (lib/decode/prior.ts).
 */
export function registerFitPrior(program: Command): void {
  program
    .command('fit-prior')
    .description("fit the word-frequency prior's weight λ and length term μ on validation predictions (decoded without a prior)")
    .requiredOption('--predictions <file>', 'validation prediction file (rows with [score, word] candidates, e.g. from decode or predict)')
    .requiredOption('--data <file>', 'the data file the predictions were made on (targets from its "word" members)')
    .option('--ref <file>', 'reference file with one target word per data line (e.g. valid.ref)')
    .requiredOption('--prior <file>', 'word-frequency file, word<TAB>count per line')
    .option('--out <file>', 'also write the result as JSON (priorWeight, priorLength, MRR before and after)')
    .option('--force', 'overwrite --out if it exists')
    .action(async (opts: FitPriorOptions) => {
      checkOutputPaths([opts.out], opts.force === true, [opts.predictions, opts.data, opts.ref, opts.prior]);
      const prior = new WordPrior(readFrequencyFile(opts.prior));
      const labels = await readLabels(opts.data, opts.ref);
      const file = await readPredictionFile(opts.predictions);
      if (file.rows.length === 0) throw new Error(`${opts.predictions}: no prediction rows to fit on`);
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
