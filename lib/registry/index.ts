/** The predictor registry (docs/SEED.md §7.4): SQLite table, lookups, and merging across machines. */
export { Registry, type OpenOptions } from './registry.js';
export { mergeRegistries, type MergeSummary } from './merge.js';
export { IDENTITY_COLUMNS, RESULT_COLUMNS, REGISTRY_VERSION, describePredictor, type PredictorIdentity, type PredictorResults, type RegistryRow } from './schema.js';
