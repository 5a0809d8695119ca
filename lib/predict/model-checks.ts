/** What `predict` checks of a config entry's model before it decodes: architecture, classes, transform and grid. */
import type { PredictionPlan, PredictorEntry } from '../config/plan.js';
import type { ModelMetadata } from '../model/model-metadata.js';

/** The model of a config entry must be the architecture, class count and transform the config names. */
export function checkModel(plan: PredictionPlan, entry: PredictorEntry, m: ModelMetadata, modelFile: string): void {
  const where = `${plan.configPath}: ${entry.field}`;
  if (m.architecture !== entry.architecture) {
    throw new Error(`${where}: the config names architecture ${entry.architecture}, but ${modelFile} is a ${m.architecture} model`);
  }
  if (plan.nClasses !== null && plan.nClasses !== m.n_classes) {
    throw new Error(`${where}: n_classes is ${plan.nClasses} in the config but ${m.n_classes} in ${modelFile}`);
  }
  const t = plan.transform;
  const pairs: [string, unknown, unknown][] = [
    ['transform name', t.name, m.transform.name],
    ['include_coords', t.includeCoords, m.transform.include_coords],
    ['include_time', t.includeTime, m.transform.include_time],
    ['include_velocities', t.includeVelocities, m.transform.include_velocities],
    ['include_accelerations', t.includeAccelerations, m.transform.include_accelerations],
  ];
  for (const [name, want, have] of pairs) {
    if (want !== undefined && want !== have) {
      throw new Error(`${where}: ${name} is ${JSON.stringify(want)} in the config but ${JSON.stringify(have)} in ${modelFile} (the model was exported with it)`);
    }
  }
}

/**
 * A predictor's grid must be one the model was made for and must have swipes in the data file (a typo in a
 * config otherwise gives an empty prediction file).
 * @param counts - swipes per grid name in the data file
 * @throws Error naming the config, the entry's field and the grid
 */
export function checkPredictorGrid(plan: PredictionPlan, entry: PredictorEntry, m: ModelMetadata, modelFile: string, counts: ReadonlyMap<string, number>): void {
  const where = `${plan.configPath}: ${entry.field}`;
  if (!m.grid_names.includes(entry.grid)) {
    throw new Error(`${where}: grid ${JSON.stringify(entry.grid)} is not a grid of ${modelFile} (its neuroswipe.json grid_names: ${m.grid_names.join(', ')})`);
  }
  if (!counts.get(entry.grid)) {
    const seen = [...counts].map(([g, n]) => `${n} on ${g}`).join(', ') || 'no swipes';
    throw new Error(`${where}: no swipe of ${plan.dataPath} is on grid ${JSON.stringify(entry.grid)} (the file has ${seen})`);
  }
}

