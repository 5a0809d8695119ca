/**
 * The predictor registry's table (docs/SEED.md §7.4): one row per predictor, identified by everything that
 * determines its output, with the paths of its validation and test predictions and its validation metrics.
 */

/** Everything that determines a predictor's output. Two predictors are one exactly when these are equal. */
export interface PredictorIdentity {
  /** Seed architecture name. */
  architecture: string;
  /** Weights path as the config writes it. */
  weightsPath: string;
  /** SHA-256 (hex) of the weights file's content. */
  weightsSha256: string;
  /** Generator name (`greedy`, `beam`, `beam-sync`). */
  generator: string;
  /**
   * The generator's options, every parameter written out, as canonical JSON (keys sorted); with the
   * word-frequency prior, also `priorSha256`, the frequency file's hash.
   */
  generatorOptions: string;
  /** Whether outputs are restricted to the vocabulary. */
  useVocab: boolean;
  /** SHA-256 of the vocabulary file when `useVocab` or with Levenshtein repair (its words), else `''`. */
  vocabSha256: string;
  /** Transform name and flags as canonical JSON (`{"include_accelerations":…,…,"name":…}`). */
  transform: string;
  /** Grid whose swipes the predictor decodes. */
  grid: string;
}

/** Results of a predictor; `null` = not known (yet). */
export interface PredictorResults {
  /** Validation predictions file, relative to the registry's folder. */
  valPredsPath: string | null;
  /** Test predictions file, relative to the registry's folder. */
  testPredsPath: string | null;
  /** Swipe MRR on the validation split. */
  valMrr: number | null;
  /** Top-1 accuracy on the validation split. */
  valAccuracy: number | null;
}

/** One registry row. */
export interface RegistryRow extends PredictorIdentity, PredictorResults {
  /** Row id (reassigned by `merge`; not part of the identity). */
  id: number;
}

/** Identity columns: [TS field, SQL column]. */
export const IDENTITY_COLUMNS: readonly (readonly [keyof PredictorIdentity, string])[] = [
  ['architecture', 'architecture'],
  ['weightsPath', 'weights_path'],
  ['weightsSha256', 'weights_sha256'],
  ['generator', 'generator'],
  ['generatorOptions', 'generator_options'],
  ['useVocab', 'use_vocab'],
  ['vocabSha256', 'vocab_sha256'],
  ['transform', 'transform'],
  ['grid', 'grid'],
];

/** Result columns, the ones `merge` reconciles: [TS field, SQL column]. */
export const RESULT_COLUMNS: readonly (readonly [keyof PredictorResults, string])[] = [
  ['valPredsPath', 'val_preds_path'],
  ['testPredsPath', 'test_preds_path'],
  ['valMrr', 'val_mrr'],
  ['valAccuracy', 'val_accuracy'],
];

/** Registry layout version (`PRAGMA user_version`). */
export const REGISTRY_VERSION = 1;

/** Creates the table (idempotent). */
export const CREATE_SQL = `
CREATE TABLE IF NOT EXISTS predictors (
  id INTEGER PRIMARY KEY,
  architecture TEXT NOT NULL,
  weights_path TEXT NOT NULL,
  weights_sha256 TEXT NOT NULL,
  generator TEXT NOT NULL,
  generator_options TEXT NOT NULL,
  use_vocab INTEGER NOT NULL CHECK (use_vocab IN (0, 1)),
  vocab_sha256 TEXT NOT NULL,
  transform TEXT NOT NULL,
  grid TEXT NOT NULL,
  val_preds_path TEXT,
  test_preds_path TEXT,
  val_mrr REAL,
  val_accuracy REAL,
  UNIQUE (architecture, weights_path, weights_sha256, generator, generator_options, use_vocab, vocab_sha256, transform, grid)
);`;

/** A short human name of a predictor for messages: `architecture weights (generator options, grid)`. */
export function describePredictor(p: PredictorIdentity): string {
  return `${p.architecture} ${p.weightsPath} (${p.generator} ${p.generatorOptions}${p.useVocab ? ', vocabulary' : ''}, grid ${p.grid})`;
}
