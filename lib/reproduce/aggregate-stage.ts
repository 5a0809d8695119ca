/**
 * The aggregation stage of a reproduction: per grid, the models' test predictions (in config order,
 * best first) are combined by appendage with out-of-vocabulary hypotheses removed (docs/SEED.md §8.2, §8.4).
 */
import { join } from 'node:path';
import { aggregateAppendage, rankScores } from '../aggregate/appendage.js';
import { alignInputs } from '../aggregate/inputs.js';
import type { PredictionPlan } from '../config/plan.js';
import { type PredictionFile, readPredictionFile, writePredictionFile } from '../predictions.js';
import type { AggregationSettings } from './aggregation-config.js';
import { at } from '../util/checked.js';

/** One grid's aggregated predictions. */
export interface GridAggregate {
  /** The grid. */
  grid: string;
  /** Its models' prediction files, in aggregation order. */
  inputs: string[];
  /** The aggregated prediction file written. */
  path: string;
  /** Its content (scores are 0-based ranks). */
  file: PredictionFile;
}

/** Grid names in order of first appearance among the plan's models. */
export function gridsOf(plan: PredictionPlan): string[] {
  return [...new Set(plan.predictors.map((p) => p.grid))];
}

/**
 * Aggregates each grid's prediction files and writes `<workDir>/aggregate.<grid>.jsonl`.
 * @param plan - the prediction plan (its model order is the aggregation order)
 * @param predictionPaths - per plan entry, its prediction file
 * @param vocab - the vocabulary set (seed: the lines of voc.txt)
 * @param settings - the aggregation settings
 * @param workDir - where the aggregated files go
 * @throws Error when a grid's files do not hold the same swipes
 */
export async function aggregateByGrid(
  plan: PredictionPlan,
  predictionPaths: readonly string[],
  vocab: ReadonlySet<string>,
  settings: AggregationSettings,
  workDir: string,
): Promise<GridAggregate[]> {
  if (predictionPaths.length !== plan.predictors.length) {
    throw new Error(`${predictionPaths.length} prediction file(s) for ${plan.predictors.length} model(s)`);
  }
  const out: GridAggregate[] = [];
  for (const grid of gridsOf(plan)) {
    const inputs = predictionPaths.filter((_, i) => plan.predictors[i]?.grid === grid);
    const files = [];
    for (const p of inputs) files.push({ path: p, file: await readPredictionFile(p) });
    const aligned = alignInputs(files);
    const words = aggregateAppendage(aligned.preds, vocab, settings.limit);
    const candidates = rankScores(words);
    const file: PredictionFile = {
      meta: { model_name: 'aggregate_appendage', aggregation: 'appendage', out_of_vocabulary: 'remove', inputs: aligned.ids, limit: settings.limit, grid_name: grid },
      rows: aligned.indices.map((index, i) => ({ index, grid_name: at(aligned.gridNames, i), candidates: at(candidates, i) })),
    };
    const path = join(workDir, `aggregate.${grid}.jsonl`);
    await writePredictionFile(path, file.rows, file.meta);
    out.push({ grid, inputs, path, file });
  }
  return out;
}
