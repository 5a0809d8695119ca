/** Prediction configs: schema, seed-config compatibility, `--set` overrides (docs/CONFIG.md). */
export { loadPredictionConfig, pyJoin } from './load.js';
export { applyOverrides, parseOverride, type Override } from './overrides.js';
export { CONFIG_SCHEMA, validateConfigDocument } from './schema.js';
export { SEED_KWARG_NAMES, canonicalOptions, generatorOptionNames, seedKwargs, strictDecodingOptions, type OptionNaming } from './generator-options.js';
export type { PredictionPlan, PredictorEntry, TransformExpectation } from './plan.js';
