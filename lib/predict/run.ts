/**
 * `neuroswipe predict`: for each `(grid, model, weights)` entry of a config, decodes that grid's swipes of
 * the chosen split with the one decode-to-file loop (`decodeFile`: streaming, the library's decoding
 * defaults) and writes one prediction file per predictor (docs/SEED.md §7.1), skipping predictors
 * whose file is already there, and records every predictor in the registry.
 */
import { join } from 'node:path';
import type { PredictionPlan } from '../config/plan.js';
import type { LongSwipePolicy } from '../decode/decode-file.js';
import { loadGrids } from '../keyboard/grid.js';
import { Registry } from '../registry/registry.js';
import { setNumThreads } from '../runtime.js';
import { longestWord } from '../decode/decoding.js';
import { needsVocabularyWords } from '../options/rules.js';
import { fitWordList } from '../vocabulary.js';
import { readWordList } from '../io/word-list.js';
import { sha256File } from './hash.js';
import { readFrequencyTable, WordPrior } from '../decode/prior.js';
import { type PredictorSummary, type ProgressReporter, SILENT } from './progress.js';
import type { Shard } from './shard.js';
import { scanData } from './data-scan.js';
import type { RunContext } from './run-context.js';
import { runOne } from './run-one.js';
import { acquireRunLock } from './run-lock.js';
import { DEFAULT_THREADS_PER_SEARCH } from '../decode/defaults.js';
import { checkInputFile } from '../io/count-lines.js';

/** Options of {@link runPrediction}. */
export interface RunOptions {
  /** Decode only this shard of each grid's swipes. */
  shard?: Shard;
  /** Registry file; default `<outDir>/registry.sqlite` (`registry.shard-K-of-N.sqlite` for a shard). */
  registryPath?: string;
  /** Progress output; default silent. */
  reporter?: ProgressReporter;
  /**
   * Swipes longer than a model's `max_curve_len`: `fail` (default) stops before decoding with an error
   * naming `file:line`; `skip` decodes the others and reports the skipped lines.
   */
  longSwipes?: LongSwipePolicy;
}

/** What a run did. */
export interface RunResult {
  /** One line per predictor, in config order. */
  summaries: PredictorSummary[];
  /** The registry written. */
  registryPath: string;
}

/** The default registry file of a run. */
export function defaultRegistryPath(outDir: string, shard?: Shard): string {
  return join(outDir, shard ? `registry.shard-${shard.index}-of-${shard.count}.sqlite` : 'registry.sqlite');
}

/**
 * Runs a validated config.
 * @param plan - from `loadPredictionConfig`
 * @param options - shard, registry and progress output
 * @throws Error naming the config field, file or swipe on any problem; files finished before it stay valid
 */
export async function runPrediction(plan: PredictionPlan, options: RunOptions = {}): Promise<RunResult> {
  const reporter = options.reporter ?? SILENT;
  const shard = options.shard;
  setNumThreads(plan.threads ?? DEFAULT_THREADS_PER_SEARCH);
  const grids = plan.gridsPath === undefined ? loadGrids() : loadGrids(plan.gridsPath);
  // predict reads the data file several times (a check of every line, its hash, each predictor's decode): a
  // pipe, which can be read once, is refused rather than left to hang on the second read.
  if (checkInputFile(plan.dataPath, 'data file').isFile() === false) {
    throw new Error(`${plan.dataPath}: not a regular file (a pipe or device): predict reads the data file more than once; save it to a file first`);
  }
  // Every line is checked before anything is decoded, so a bad line leaves no prediction file behind.
  const scan = await scanData(plan.dataPath, grids);
  const repairs = needsVocabularyWords(plan.decoding);
  const shared: Omit<RunContext, 'registry'> = {
    plan,
    shard,
    grids,
    labels: scan.labels,
    counts: scan.counts,
    points: scan.points,
    dataSha256: await sha256File(plan.dataPath),
    vocabWords: plan.useVocabulary && plan.vocabularyPath !== undefined ? readWordList(plan.vocabularyPath) : null,
    repairWords: repairs && plan.vocabularyPath !== undefined ? fitWordList(readWordList(plan.vocabularyPath), longestWord(plan.decoding)).words : null,
    vocabSha256: plan.useVocabulary || repairs ? await sha256File(plan.vocabularyPath!) : null,
    prior: plan.priorPath !== undefined ? new WordPrior(readFrequencyTable(plan.priorPath)) : null,
    priorSha256: plan.priorPath !== undefined ? await sha256File(plan.priorPath) : null,
    vocabularies: new Map(),
    reporter,
    longSwipes: options.longSwipes ?? 'fail',
  };
  const registryPath = options.registryPath ?? plan.registryPath ?? defaultRegistryPath(plan.outDir, shard);
  const lock = acquireRunLock(registryPath, (m) => reporter.note(m));
  const summaries: PredictorSummary[] = [];
  try {
    const registry = Registry.open(registryPath);
    try {
      const ctx: RunContext = { ...shared, registry };
      for (const entry of plan.predictors) summaries.push(await runOne(ctx, entry));
    } finally {
      registry.close();
    }
    return { summaries, registryPath: registry.path };
  } finally {
    lock.release();
  }
}

