/** The prediction pipeline: `neuroswipe predict`, shards, and shard-file merging. */
export { runPrediction, defaultRegistryPath, type RunOptions, type RunResult } from './run.js';
export { parseShard, shardChunks, shardFileName, parseShardFileName, type Shard } from './shard.js';
export { mergeShardFiles, findShardSets, isComplete, type MergedPredictions, type ShardInfo, type ShardSet } from './merge.js';
export { predictorMeta, identityFromMeta, identityKey, predictionFileName, type MetaInputs } from './predictor.js';
export { isNeuroswipeModel, resolveModelFile, exportArguments, EXPORT_SCRIPT } from './model-source.js';
export { createReporter, formatSummary, SILENT, type PredictorSummary, type ProgressReporter } from './progress.js';
export { sha256File, sha256Text } from './hash.js';
