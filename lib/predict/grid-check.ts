/** Checks of a predictor's grid against the data and the model, before anything is decoded. */
import type { PredictionPlan, PredictorEntry } from '../config/plan.js';
import type { Swipe } from '../data/dataset.js';
import type { ModelMetadata } from '../model/model-metadata.js';

/**
 * A predictor's grid must be one the model was made for and must have swipes in the data file (a typo in a
 * config otherwise gives an empty prediction file).
 * @throws Error naming the config, the entry's field and the grid
 */
export function checkPredictorGrid(plan: PredictionPlan, entry: PredictorEntry, m: ModelMetadata, modelFile: string, swipes: readonly Swipe[]): void {
  const where = `${plan.configPath}: ${entry.field}`;
  if (!m.grid_names.includes(entry.grid)) {
    throw new Error(`${where}: grid ${JSON.stringify(entry.grid)} is not a grid of ${modelFile} (its neuroswipe.json grid_names: ${m.grid_names.join(', ')})`);
  }
  if (!swipes.some((s) => s.gridName === entry.grid)) {
    const counts = new Map<string, number>();
    for (const s of swipes) counts.set(s.gridName, (counts.get(s.gridName) ?? 0) + 1);
    const seen = [...counts].map(([g, n]) => `${n} on ${g}`).join(', ') || 'no swipes';
    throw new Error(`${where}: no swipe of ${plan.dataPath} is on grid ${JSON.stringify(entry.grid)} (the file has ${seen})`);
  }
}
