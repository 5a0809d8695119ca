/**
 * Public API of the neuroswipe package.
 */
// Synthetic swipes (lib/synth)
export { Prng } from './synth/prng.js';
export { minJerk, proportionalKnots } from './synth/min-jerk.js';
export { SYNTH_LETTERS, letterLayout, nearestLetter, type LetterKey, type LetterLayout } from './synth/layout.js';
export { LETTER_SUBSTITUTES, MISSING_LETTER_POLICIES, filterVocabForGrid, type MissingLetterPolicy, type SkippedWord, type TraceableWord, type VocabFilterResult, type VocabWord } from './synth/vocab-filter.js';
export { parseVocab, readVocab } from './synth/vocab.js';
export { WORD_SAMPLINGS, WordSampler, type WordSampling } from './synth/sampler.js';
export { DEFAULT_SWIPE_OPTIONS, generateSwipe, type SwipeCurve, type SwipeOptions } from './synth/generator.js';
export { formatSwipeLine, type GridStyle } from './synth/format.js';
export { resolveSwipeOptions } from './synth/options.js';
export { synthesizeSwipes, synthesizeToFile, type SynthFileRequest, type SynthSample, type SynthSummary } from './synth/synthesize.js';
// Data layer: datasets, keyboards, features, tokenizers, batches
export { SwipeReader, readSwipes, readLines, readRef, subsetByGrid, gridIndices, type Swipe, type ReadSwipesOptions } from './data/dataset.js';
export { BadLineError, BadLineReport } from './io/bad-line.js';
export { parseSwipeLine, type SwipeRecord } from './data/swipe-record.js';
export { InvalidSwipeError, checkSwipe, checkSwipes } from './data/swipe-input.js';
export { separateGridFile, separateGridLine, type SeparateGridOptions, type SeparateGridResult } from './data/separate-grid.js';
export { PyNumber, parsePyJson, dumpPyCompact, dumpPyIndented, pyFloatRepr, pyString, type PyValue } from './io/python-json.js';
export { AtomicTextWriter } from './io/atomic-write.js';
export { EXAMPLES_DIR } from './data/examples.js';
export { DEFAULT_GRIDS_PATH, loadGrids, validateGrid, keyLabel, type Grid, type GridKey, type GridMap, type Hitbox } from './keyboard/grid.js';
export { SEED_CYRILLIC_ALPHABET } from './keyboard/alphabet.js';
export { floatCenter, truncatedCenter, type Point } from './keyboard/centers.js';
export { NearestKeyLookup } from './keyboard/nearest-key.js';
export { DistancesLookup } from './keyboard/distances.js';
export { avgHalfKeyDiagonal } from './keyboard/half-diagonal.js';
export { CharTokenizer, KeyboardTokenizer, CHAR_SPECIAL_TOKENS, DISTANCE_COLUMNS } from './tokenizer.js';
export {
  TRANSFORM_NAMES, WEIGHTS_FUNCTION_NAMES, N_KEY_COLUMNS, normalizeTransformSpec, trajFeatureCount,
  type TransformName, type TransformSpec, type WeightsFunctionName, type WeightsFunctionSpec, type KeyKind, type SwipeFeatures,
} from './features/types.js';
export { FeatureExtractor } from './features/extractor.js';
export { GridFeatureContext } from './features/grid-context.js';
export { trajColumnCount, trajFeatures, type TrajOptions } from './features/traj.js';
export { SigmoidWeights, finishWeightsRow } from './features/weights-functions.js';
export { keyWeights } from './features/traj-feats-and-distance-weights.js';
export { keyDistances } from './features/traj-feats-and-distances.js';
export { formatFloat32, featuresJsonLine } from './features/json-line.js';
// Models, decoding, vocabulary (native addon)
export { Model, withJsStack, PRECISIONS, type DeviceRequest, type LoadOptions, type Precision, type Tensor } from './model/model.js';
export { ARCHITECTURES, parseModelMetadata, type Architecture, type KeyInput, type ModelMetadata, type ModelTransform } from './model/model-metadata.js';
export { runtimeInfo, setNumThreads, tuneHeapForThroughput, defaultThreadCount, type RuntimeInfo } from './runtime.js';
export { GENERATOR_NAMES, DECODING_DEFAULTS, resolveDecodingOptions, type GeneratorName, type GreedyOptions, type BeamOptions, type ExactOptions, type HybridOptions, type DecodingOptions, type DecodingInput, type DecodingLimits } from './decode/decoding.js';
export { Vocabulary, readVocabularyFile, splitLines, fitWordList, type FittedWords, type NativeVocabTrie } from './vocabulary.js';
export { compareCodePoints } from './util/code-points.js';
export { readWordList, parseWordList, blankLinesNote, type WordList } from './io/word-list.js';
export { Decoder, transformSpecOf, type DecoderOptions, type DecodedSwipe } from './decode/decoder.js';
export { emptyDecodeStats, addDecodeStats, smallerMargins, smallestMargin, type DecodeStats, type DecodeWork, type SearchMargins } from './decode/stats.js';
export { estimateFlops, type FlopShape } from './decode/flops.js';
export { decodeFile, type DecodeFileOptions, type DecodeFileSummary } from './decode/decode-file.js';
export { type DecodeCallOptions, type DecodeProgress } from './decode/decode-call.js';
export { defaultWorkers, DEFAULT_THREADS_PER_SEARCH } from './decode/defaults.js';
export {
  chooseAutoBatchSize, estimateSwipeMemory, batchSizeForMemory, AUTO_BATCH_CPU, AUTO_BATCH_MIN, AUTO_BATCH_MAX,
  AUTO_BATCH_MEMORY_FRACTION, type AutoBatchChoice, type SwipeMemoryEstimate, type SwipeMemoryInput,
} from './decode/auto-batch.js';
export { deviceMemory, type DeviceMemory } from './model/device-memory.js';
export { invalidOption } from './invalid-option.js';
// Prediction files, metrics, aggregation, submission, baseline, configs, registry
export * from './predictions.js';
export * from './evaluate/evaluate.js';
export * from './submission.js';
export * from './aggregate/appendage.js';
export * from './aggregate/weighted.js';
export * from './aggregate/fit.js';
export * from './aggregate/primitives.js';
export * from './baseline/run.js';
export * from './evaluate/metrics.js';
export * from './config/index.js';
export * from './predict/index.js';
export * from './registry/index.js';
export { startServer, DEMO_DIR, type ServeOptions, type RunningServer } from './serve/server.js';
// Types that public signatures refer to
export type { NativeTensor, NativeVersions, NativeDeviceMemory, NativeCudaRuntime } from './native.js';
export type { DataLabels } from './data/dataset.js';
export type { BaselineVocab } from './baseline/vocab.js';
export type { DynamicBatcher, BatchResult } from './serve/batcher.js';
export type { ServeMetrics } from './serve/metrics.js';
