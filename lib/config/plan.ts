/**
 * What a prediction config asks for, after validation and with paths resolved: the one shape both config
 * formats are turned into.
 */
import type { DecodingOptions } from '../decode/decoding.js';
import type { VocabularyOptions } from '../options/schema.js';
import type { DeviceRequest } from '../model/model.js';

/** One `(grid, model, weights)` entry. */
export interface PredictorEntry {
  /** Grid whose swipes this model decodes. */
  grid: string;
  /** Seed architecture name (`model_params[i][1]`); must match the model file's metadata. */
  architecture: string;
  /** The weights path as the config writes it (seed: `models_root` joined with `weights_file`). */
  weights: string;
  /** The weights path relative to the models root, as written (used for output file names). */
  weightsName: string;
  /** The weights file, resolved. */
  weightsFile: string;
  /** Config field of this entry, for messages (e.g. `prediction_config.model_params[2]`). */
  field: string;
}

/** Transform the config expects; absent members are taken from the model. */
export interface TransformExpectation {
  name?: string;
  includeCoords?: boolean;
  includeTime?: boolean;
  includeVelocities?: boolean;
  includeAccelerations?: boolean;
}

/**
 * A validated prediction config. With the vocabulary it carries the options of the vocabulary's use
 * ({@link VocabularyOptions}: its scoring, default lib/options/schema.ts; always the seed's in a seed-format
 * config); without it, none.
 */
export interface PredictionPlan extends VocabularyOptions {
  /** The config file. */
  configPath: string;
  /** Which format the file used. */
  format: 'seed' | 'native';
  /** Data split decoded. */
  split: 'val' | 'test';
  /** That split's data file, resolved. */
  dataPath: string;
  /** Grids file, resolved; `undefined` = the bundled grids. */
  gridsPath?: string;
  /** Vocabulary file, resolved (required when `useVocabulary`, and with `decoding.repair` as the words to repair to). */
  vocabularyPath?: string;
  /**
   * Word-frequency file of the prior (`decoding.priorWeight`), resolved; present exactly when the prior is
   * on (seed `prior_path`, neuroswipe `prior`).
   */
  priorPath?: string;
  /** Restrict outputs to the vocabulary (seed `use_vocab_for_generation`). */
  useVocabulary: boolean;
  /** The generator and its exact options. */
  decoding: DecodingOptions;
  /** What the config says about the transform (checked against each model). */
  transform: TransformExpectation;
  /** Expected `n_classes` of every model, or `null` for no check. */
  nClasses: number | null;
  /** Folder of the prediction files, resolved. */
  outDir: string;
  /** Registry file, resolved. */
  registryPath?: string;
  /** Models in config order. */
  predictors: PredictorEntry[];
  /** Device the models run on. */
  device: DeviceRequest;
  /** Swipes decoded together, or `'auto'`; default by device (lib/decode/defaults.ts). */
  batchSize?: number | 'auto';
  /** Searches run at once; default by device and threads (lib/decode/defaults.ts). */
  workers?: number;
  /** Swipes per work unit: each chunk is decoded on its own and is the unit of `--shard`. */
  chunkSize: number;
  /** libtorch intra-op threads, when set. */
  threads?: number;
}
