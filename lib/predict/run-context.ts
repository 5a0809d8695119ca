/**
 * What the predictors of one `predict` run share (the data file's scan and hashes, the vocabulary's words,
 * the prior, the open registry), the vocabulary built once per tokenizer, and the registry record of a
 * finished prediction file.
 */
import type { PredictionPlan, PredictorEntry } from '../config/plan.js';
import { longestWord } from '../decode/decoding.js';
import type { DataLabels } from '../data/labels.js';
import type { LongSwipePolicy } from '../decode/decode-file.js';
import { evaluateRows } from '../evaluate/evaluate.js';
import type { GridMap } from '../keyboard/grid.js';
import type { ModelMetadata } from '../model/model-metadata.js';
import { type PredictionRow, readPredictionFile } from '../predictions.js';
import { type Registry } from '../registry/registry.js';
import type { PredictorIdentity, PredictorResults } from '../registry/schema.js';
import { CharTokenizer } from '../tokenizer.js';
import { fitWordList, Vocabulary } from '../vocabulary.js';
import type { WordList } from '../io/word-list.js';
import { type WordPrior } from '../decode/prior.js';
import type { ProgressReporter } from './progress.js';
import type { Shard } from './shard.js';

export interface RunContext {
  plan: PredictionPlan;
  shard?: Shard;
  grids: GridMap;
  labels: DataLabels;
  counts: ReadonlyMap<string, number>;
  points: ReadonlyMap<string, readonly [number, number][]>;
  dataSha256: string;
  vocabWords: WordList | null;
  /** The words of Levenshtein repair (the vocabulary file's, those the decoder can generate), or null. */
  repairWords: string[] | null;
  vocabSha256: string | null;
  /** The word-frequency prior, or null. */
  prior: WordPrior | null;
  priorSha256: string | null;
  vocabularies: Map<string, Vocabulary>;
  reporter: ProgressReporter;
  longSwipes: LongSwipePolicy;
  registry: Registry;
}

/** Validation metrics of a grid's rows, when every swipe of the grid has a target word. */
function metricsOf(ctx: RunContext, grid: string, rows: readonly PredictionRow[], file: string): Partial<Pick<PredictorResults, 'valMrr' | 'valAccuracy'>> {
  if (ctx.plan.split !== 'val' || rows.length === 0) return {};
  const { gridNames, words } = ctx.labels;
  if (gridNames.some((g, i) => g === grid && words[i] === undefined)) return {};
  const m = evaluateRows(rows, ctx.labels, file);
  return { valMrr: m.mrr, valAccuracy: m.accuracy };
}

/** Records a finished (unsharded) prediction file in the registry, with metrics when they are missing. */
export async function register(ctx: RunContext, identity: PredictorIdentity, entry: PredictorEntry, file: string, rows?: readonly PredictionRow[]): Promise<void> {
  if (ctx.shard) {
    ctx.registry.upsert(identity);
    return;
  }
  const stored = ctx.registry.storedPath(file);
  const results: Partial<PredictorResults> = ctx.plan.split === 'val' ? { valPredsPath: stored } : { testPredsPath: stored };
  const row = ctx.registry.find(identity);
  if (ctx.plan.split === 'val' && (rows !== undefined || row === undefined || row.valMrr === null)) {
    Object.assign(results, metricsOf(ctx, entry.grid, rows ?? (await readPredictionFile(file)).rows, file));
  }
  ctx.registry.upsert(identity, results);
}

export async function vocabularyFor(ctx: RunContext, m: ModelMetadata): Promise<Vocabulary | null> {
  if (ctx.vocabWords === null) return null;
  const key = JSON.stringify(m.char_tokens);
  let v = ctx.vocabularies.get(key);
  if (!v) {
    // Words the decoder cannot generate whole are left out (never cut into non-words).
    const fitted = fitWordList(ctx.vocabWords, longestWord(ctx.plan.decoding));
    v = await Vocabulary.build(fitted.words, CharTokenizer.fromTokens([...m.char_tokens]), ctx.plan.vocabularyPath, fitted.lines);
    ctx.vocabularies.set(key, v);
  }
  return v;
}
