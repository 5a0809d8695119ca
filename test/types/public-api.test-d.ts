import { describe, expectTypeOf, it } from 'vitest';
import type * as api from '../../lib/index.js';
import type { DecodingInput, RunningServer, ServeOptions } from '../../lib/index.js';

describe('public API', () => {
  it('exports exactly the curated values', () => {
    expectTypeOf<keyof typeof api>().toEqualTypeOf<
      'ARCHITECTURES' | 'BadLineError' | 'BadLineReport' | 'CharTokenizer' | 'DECODING_DEFAULTS' | 'DEFAULT_GRIDS_PATH' |
      'DEFAULT_SWIPE_OPTIONS' | 'DEFAULT_WEIGHT_GRID' | 'DEMO_DIR' | 'Decoder' | 'EXAMPLES' | 'EXAMPLES_DIR' |
      'FeatureExtractor' | 'GENERATOR_NAMES' | 'InvalidSwipeError' | 'LONG_SWIPE_POLICIES' | 'Model' | 'PRECISIONS' |
      'PREDICTION_FORMAT_VERSION' | 'PredictionWriter' | 'Registry' | 'SUBMISSION_WIDTH' | 'SwipeReader' |
      'TRANSFORM_NAMES' | 'Vocabulary' | 'WordPrior' | 'accuracy' | 'aggregateAppendage' | 'aggregateWeighted' |
      'buildBaselineVocab' | 'checkSwipe' | 'checkSwipes' | 'createReporter' | 'decodeFile' | 'defaultRegistryPath' |
      'deviceMemory' | 'evaluatePredictionFile' | 'evaluatePredictions' | 'evaluateRows' | 'fillFromBaseline' |
      'findShardSets' | 'fitPrior' | 'fitWeights' | 'formatSubmission' | 'iteratePredictionFile' | 'loadGrids' |
      'loadPredictionConfig' | 'mergeByIndex' | 'mergeRegistries' | 'mergeShardFiles' | 'parseShard' |
      'readBaselineCsv' | 'readBaselineVocab' | 'readFrequencyFile' | 'readFrequencyTable' | 'readLabels' | 'readPredictionFile' | 'readPriorOptions' | 'readRef' | 'readSwipes' |
      'readVocabularyFile' | 'resolveDecodingOptions' | 'runBaseline' | 'runPrediction' | 'runtimeInfo' |
      'setNumThreads' | 'startServer' | 'swipeMrr' | 'synthesizeToFile' | 'tuneHeapForThroughput' | 'validateGrid' | 'WEIGHTS_FUNCTION_NAMES' |
      'writePredictionFile' | 'writeSubmission'
    >();
  });
  it('keeps internals out', () => {
    // @ts-expect-error the native handle types are internal
    type Handle = api.NativeScriptModel;
    // @ts-expect-error the JS-stack wrapper of native promises is internal
    type Wrap = typeof api.withJsStack;
    // @ts-expect-error the feature transforms are reached through FeatureExtractor
    type Traj = typeof api.trajFeatures;
    const none: [Handle?, Wrap?, Traj?] = [];
    void none;
  });
  it('types every option and result a public signature takes or returns', () => {
    expectTypeOf<api.Model['metadata']>().toEqualTypeOf<api.ModelMetadata>();
    expectTypeOf<api.Decoder['autoBatch']>().toEqualTypeOf<api.AutoBatchChoice | null>();
    expectTypeOf<Awaited<ReturnType<api.Decoder['decode']>>['stats']>().toEqualTypeOf<api.DecodeStats>();
    expectTypeOf<Awaited<ReturnType<typeof api.decodeFile>>>().toEqualTypeOf<api.DecodeFileSummary>();
    expectTypeOf<Awaited<ReturnType<typeof api.startServer>>>().toEqualTypeOf<RunningServer>();
  });
});

describe('server decoding options', () => {
  it('are one generator and its own options', () => {
    expectTypeOf<NonNullable<ServeOptions['decoding']>>().toEqualTypeOf<DecodingInput>();
    // @ts-expect-error a misspelt generator does not compile
    const misspelt: ServeOptions['decoding'] = { generator: 'beem' };
    // @ts-expect-error greedy takes no normalization factor
    const greedy: ServeOptions['decoding'] = { generator: 'greedy', normalizationFactor: 1 };
    // @ts-expect-error unknown options do not compile
    const unknown: ServeOptions['decoding'] = { generator: 'beam', beamWidth: 4 };
    void [misspelt, greedy, unknown];
  });
});
