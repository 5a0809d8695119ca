/** `neuroswipe evaluate`: Swipe MRR and accuracy of prediction files, optionally added to a results table. */
import { basename } from 'node:path';
import type { Command } from 'commander';
import { type EvaluationResult, evaluatePredictionFile } from '../evaluate/evaluate.js';
import { appendResults } from '../evaluate/results-table.js';
import { checkOutputPath } from '../io/atomic-write.js';
import { readLabels } from '../data/labels.js';
import { formatTextTable } from '../io/text-table.js';

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
    .option('--subset', 'the predictions cover only part of the data lines of their grids (otherwise a size mismatch is an error)')
    .action(async (opts: { predictions: string[]; data: string; ref?: string; results?: string; subset?: boolean; quiet?: boolean }) => {
      // The results table is updated in place (rows are added), so it may exist; it may not be an input.
      if (opts.results !== undefined) checkOutputPath(opts.results, true, [...opts.predictions, opts.data, opts.ref]);
      const labels = await readLabels(opts.data, opts.ref);
      const results: EvaluationResult[] = [];
      for (const p of opts.predictions) results.push(await evaluatePredictionFile(p, labels, { path: opts.data, subset: opts.subset }));
      process.stdout.write(formatTable(results));
      if (opts.results !== undefined) {
        const added = appendResults(opts.results, results);
        if (!opts.quiet) process.stdout.write(`${opts.results}: ${added} row(s) added, ${results.length - added} already present\n`);
      }
    });
}
