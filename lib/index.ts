/**
 * Public API of the neuroswipe package: reading swipes and keyboards, loading models, decoding (one call
 * or a whole file), prediction files, evaluation, aggregation, submissions, prediction runs with their
 * registry, the HTTP server and synthetic swipes. Everything else under `lib/` is internal and may change.
 */
// Swipes and keyboards
export { SwipeReader, readSwipes, type ReadSwipesOptions, type Swipe } from './data/dataset.js';
export { readLabels, readRef, type DataLabels } from './data/labels.js';
export { BadLineError, BadLineReport } from './io/bad-line.js';
export { InvalidSwipeError, checkSwipe, checkSwipes } from './data/swipe-input.js';
export { EXAMPLES, EXAMPLES_DIR, type Example } from './data/examples.js';
export { DEFAULT_GRIDS_PATH, loadGrids, validateGrid, type Grid, type GridKey, type GridMap, type Hitbox } from './keyboard/grid.js';
// Features
export { FeatureExtractor } from './features/extractor.js';
export {
  TRANSFORM_NAMES, WEIGHTS_FUNCTION_NAMES,
  type KeyKind, type SwipeFeatures, type TransformName, type TransformSpec, type WeightsFunctionName, type WeightsFunctionSpec,
} from './features/types.js';
// Models and the native runtime
export { Model, PRECISIONS, type DeviceRequest, type LoadOptions, type Precision, type Tensor } from './model/model.js';
export { ARCHITECTURES, type Architecture, type KeyInput, type ModelMetadata, type ModelTransform } from './model/model-metadata.js';
export { deviceMemory, type DeviceMemory } from './model/device-memory.js';
export { runtimeInfo, setNumThreads, tuneHeapForThroughput, type RuntimeInfo } from './runtime.js';
export type { NativeCudaRuntime, NativeDeviceMemory, NativeTensor, NativeVersions, NativeVocabTrie } from './native.js';
// Decoding
export { CharTokenizer } from './tokenizer.js';
export { Vocabulary, readVocabularyFile } from './vocabulary.js';
export {
  DECODING_DEFAULTS, GENERATOR_NAMES, resolveDecodingOptions,
  type BeamOptions, type DecodingInput, type ExactOptions, type GeneratorOptions, type HybridOptions, type DecodingLimits, type DecodingOptions, type GeneratorName, type GreedyOptions,
  type PriorOptions, type VocabScoring,
} from './decode/decoding.js';
export { WordPrior, readFrequencyFile, readFrequencyTable, type FrequencyTable } from './decode/prior.js';
export { fitPrior, type PriorFit, type PriorGuard } from './decode/prior-fit.js';
export { readPriorOptions, type PriorWeights } from './options/prior-options.js';
export type { OptionsOf, PostprocessOptionsOf, Plain, VocabularyOptions } from './options/schema.js';
export { Decoder, type DecodeCallOptions, type DecodedSwipe, type DecodeProgress, type DecoderOptions, type ScoredStep } from './decode/decoder.js';
export type { DecodeStats, DecodeWork, SearchMargins } from './decode/stats.js';
export type { AutoBatchChoice } from './decode/auto-batch.js';
export { decodeFile, LONG_SWIPE_POLICIES, type DecodeFileOptions, type DecodeFileSummary, type LongSwipePolicy } from './decode/decode-file.js';
// Prediction files, evaluation, aggregation, submission, baseline
export {
  PREDICTION_FORMAT_VERSION, PredictionWriter, iteratePredictionFile, readPredictionFile, writePredictionFile,
  type Candidate, type PredictionFile, type PredictionItem, type PredictionRow, type PredictorMeta,
} from './predictions.js';
export { evaluatePredictionFile, evaluatePredictions, evaluateRows, type EvaluationResult } from './evaluate/evaluate.js';
export { accuracy, swipeMrr } from './evaluate/metrics.js';
export { aggregateAppendage } from './aggregate/appendage.js';
export { aggregateWeighted } from './aggregate/weighted.js';
export { DEFAULT_WEIGHT_GRID, fitWeights, type FitOptions, type FitResult } from './aggregate/fit.js';
export { SUBMISSION_WIDTH, fillFromBaseline, formatSubmission, mergeByIndex, readBaselineCsv, writeSubmission } from './submission.js';
export { runBaseline, type BaselineRunOptions } from './baseline/run.js';
export { buildBaselineVocab, readBaselineVocab, type BaselineVocab } from './baseline/vocab.js';
// Prediction configs, runs and the registry
export { loadPredictionConfig } from './config/load.js';
export type { PredictionPlan, PredictorEntry, TransformExpectation } from './config/plan.js';
export { defaultRegistryPath, runPrediction, type RunOptions, type RunResult } from './predict/run.js';
export { parseShard, type Shard } from './predict/shard.js';
export { findShardSets, mergeShardFiles, type MergedPredictions, type ShardInfo, type ShardSet } from './predict/merge.js';
export { createReporter, type PredictorSummary, type ProgressReporter } from './predict/progress.js';
export { Registry, type OpenOptions } from './registry/registry.js';
export { mergeRegistries, type MergeSummary } from './registry/merge.js';
export type { PredictorIdentity, PredictorResults, RegistryRow } from './registry/schema.js';
// Serving
export { DEMO_DIR, startServer, type RunningServer, type ServeOptions, type ServedModel, type ServedPrior } from './serve/server.js';
export type { BatchResult, DynamicBatcher } from './serve/batcher.js';
export type { ServeMetrics } from './serve/metrics.js';
// Synthetic swipes
export { synthesizeToFile, type SynthFileRequest, type SynthSummary } from './synth/synthesize.js';
export { DEFAULT_SWIPE_OPTIONS, type SwipeOptions } from './synth/generator.js';
export type { MissingLetterPolicy, SkippedWord } from './synth/vocab-filter.js';
export type { WordSampling } from './synth/sampler.js';
