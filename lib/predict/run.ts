/**
 * `neuroswipe predict`: for each `(grid, model, weights)` entry of a config, decodes that grid's swipes of
 * the chosen split with the one decode-to-file loop (`decodeFile`: streaming, the library's decoding
 * defaults) and writes one prediction file per predictor (docs/SEED.md §7.1), skipping predictors
 * whose file is already there, and records every predictor in the registry.
 */
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { PredictionPlan, PredictorEntry } from '../config/plan.js';
import { readSwipes, type DataLabels } from '../data/dataset.js';
import { Decoder } from '../decode/decoder.js';
import { decodeFile, longSwipeError, type LongSwipePolicy } from '../decode/decode-file.js';
import { evaluateRows } from '../evaluate/evaluate.js';
import { loadGrids, type GridMap } from '../keyboard/grid.js';
import { Model } from '../model/model.js';
import type { ModelMetadata } from '../model/model-metadata.js';
import { iteratePredictionFile, PredictionWriter, type PredictionRow, type PredictorMeta, readPredictionFile } from '../predictions.js';
import { Registry } from '../registry/registry.js';
import type { PredictorIdentity, PredictorResults } from '../registry/schema.js';
import { setNumThreads } from '../runtime.js';
import { CharTokenizer } from '../tokenizer.js';
import { fitWordList, Vocabulary } from '../vocabulary.js';
import { readWordList, type WordList } from '../io/word-list.js';
import { sha256File } from './hash.js';
import { readFrequencyTable, WordPrior } from '../decode/prior.js';
import { resolveModelFile } from './model-source.js';
import { identityFromMeta, identityKey, predictionFileName, predictorMeta } from './predictor.js';
import { type PredictorSummary, type ProgressReporter, SILENT } from './progress.js';
import { type Shard, shardChunks, shardFileName } from './shard.js';
import { removeCompletion, staleReason, writeCompletion } from './completion.js';
import { acquireRunLock } from './run-lock.js';
import { DEFAULT_NATIVE_STEP, DEFAULT_SKIP_FORCED, DEFAULT_THREADS_PER_SEARCH, defaultBatchSize, defaultWorkers, toPredictionRow } from '../decode/defaults.js';
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

async function readMeta(path: string): Promise<PredictorMeta | undefined> {
  for await (const item of iteratePredictionFile(path)) return item.kind === 'meta' ? item.meta : undefined;
  return undefined;
}

/** What a first pass over the data file finds: every line checked, grids resolved, curves not kept. */
interface DataScan {
  /** Grid name and target word of each line. */
  labels: DataLabels;
  /** Swipes per grid name. */
  counts: Map<string, number>;
  /** `[line index, points]` of each swipe, per grid name. */
  points: Map<string, [number, number][]>;
}

async function scanData(path: string, grids: GridMap): Promise<DataScan> {
  const gridNames: string[] = [];
  const words: (string | undefined)[] = [];
  const counts = new Map<string, number>();
  const points = new Map<string, [number, number][]>();
  for await (const s of readSwipes(path, { grids })) {
    gridNames[s.index] = s.gridName;
    words[s.index] = s.word;
    counts.set(s.gridName, (counts.get(s.gridName) ?? 0) + 1);
    let list = points.get(s.gridName);
    if (list === undefined) points.set(s.gridName, (list = []));
    list.push([s.index, s.x.length]);
  }
  return { labels: { gridNames, words }, counts, points };
}

/** The model of a config entry must be the architecture, class count and transform the config names. */
function checkModel(plan: PredictionPlan, entry: PredictorEntry, m: ModelMetadata, modelFile: string): void {
  const where = `${plan.configPath}: ${entry.field}`;
  if (m.architecture !== entry.architecture) {
    throw new Error(`${where}: the config names architecture ${entry.architecture}, but ${modelFile} is a ${m.architecture} model`);
  }
  if (plan.nClasses !== null && plan.nClasses !== m.n_classes) {
    throw new Error(`${where}: n_classes is ${plan.nClasses} in the config but ${m.n_classes} in ${modelFile}`);
  }
  const t = plan.transform;
  const pairs: [string, unknown, unknown][] = [
    ['transform name', t.name, m.transform.name],
    ['include_coords', t.includeCoords, m.transform.include_coords],
    ['include_time', t.includeTime, m.transform.include_time],
    ['include_velocities', t.includeVelocities, m.transform.include_velocities],
    ['include_accelerations', t.includeAccelerations, m.transform.include_accelerations],
  ];
  for (const [name, want, have] of pairs) {
    if (want !== undefined && want !== have) {
      throw new Error(`${where}: ${name} is ${JSON.stringify(want)} in the config but ${JSON.stringify(have)} in ${modelFile} (the model was exported with it)`);
    }
  }
}

/**
 * A predictor's grid must be one the model was made for and must have swipes in the data file (a typo in a
 * config otherwise gives an empty prediction file).
 * @param counts - swipes per grid name in the data file
 * @throws Error naming the config, the entry's field and the grid
 */
function checkPredictorGrid(plan: PredictionPlan, entry: PredictorEntry, m: ModelMetadata, modelFile: string, counts: ReadonlyMap<string, number>): void {
  const where = `${plan.configPath}: ${entry.field}`;
  if (!m.grid_names.includes(entry.grid)) {
    throw new Error(`${where}: grid ${JSON.stringify(entry.grid)} is not a grid of ${modelFile} (its neuroswipe.json grid_names: ${m.grid_names.join(', ')})`);
  }
  if (!counts.get(entry.grid)) {
    const seen = [...counts].map(([g, n]) => `${n} on ${g}`).join(', ') || 'no swipes';
    throw new Error(`${where}: no swipe of ${plan.dataPath} is on grid ${JSON.stringify(entry.grid)} (the file has ${seen})`);
  }
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
  const repairs = 'repair' in plan.decoding && plan.decoding.repair !== undefined;
  const ctx: RunContext = {
    plan,
    shard,
    grids,
    labels: scan.labels,
    counts: scan.counts,
    points: scan.points,
    dataSha256: await sha256File(plan.dataPath),
    vocabWords: plan.useVocabulary && plan.vocabularyPath !== undefined ? readWordList(plan.vocabularyPath) : null,
    repairWords: repairs && plan.vocabularyPath !== undefined ? fitWordList(readWordList(plan.vocabularyPath), plan.decoding.maxSteps - 1).words : null,
    vocabSha256: plan.useVocabulary || repairs ? await sha256File(plan.vocabularyPath!) : null,
    prior: plan.priorPath !== undefined ? new WordPrior(readFrequencyTable(plan.priorPath)) : null,
    priorSha256: plan.priorPath !== undefined ? await sha256File(plan.priorPath) : null,
    vocabularies: new Map(),
    reporter,
    longSwipes: options.longSwipes ?? 'fail',
    registry: null as unknown as Registry,
  };
  const registryPath = options.registryPath ?? plan.registryPath ?? defaultRegistryPath(plan.outDir, shard);
  const lock = acquireRunLock(registryPath, (m) => reporter.note(m));
  const summaries: PredictorSummary[] = [];
  try {
    ctx.registry = Registry.open(registryPath);
    try {
      for (const entry of plan.predictors) summaries.push(await runOne(ctx, entry));
    } finally {
      ctx.registry.close();
    }
  } finally {
    lock.release();
  }
  return { summaries, registryPath: ctx.registry.path };
}

interface RunContext {
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
async function register(ctx: RunContext, identity: PredictorIdentity, entry: PredictorEntry, file: string, rows?: readonly PredictionRow[]): Promise<void> {
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

async function vocabularyFor(ctx: RunContext, m: ModelMetadata): Promise<Vocabulary | null> {
  if (ctx.vocabWords === null) return null;
  const key = JSON.stringify(m.char_tokens);
  let v = ctx.vocabularies.get(key);
  if (!v) {
    // Words the decoder cannot generate whole are left out (never cut into non-words).
    const fitted = fitWordList(ctx.vocabWords, ctx.plan.decoding.maxSteps - 1);
    v = await Vocabulary.build(fitted.words, CharTokenizer.fromTokens([...m.char_tokens]), ctx.plan.vocabularyPath, fitted.lines);
    ctx.vocabularies.set(key, v);
  }
  return v;
}

async function runOne(ctx: RunContext, entry: PredictorEntry): Promise<PredictorSummary> {
  const { plan, shard, reporter } = ctx;
  const t0 = performance.now();
  const label = `${basename(entry.weights)} [${entry.grid}, ${plan.decoding.generator}]`;
  const weightsSha256 = await sha256File(entry.weightsFile);
  const src = resolveModelFile(entry, weightsSha256, plan.vocabularyPath, plan.transform, join(plan.outDir, 'exported-models'));
  if (src.exported) reporter.note(`${entry.weights}: using the TorchScript export ${src.path}`);
  const model = await Model.load(src.path, { device: plan.device });
  try {
    checkModel(plan, entry, model.metadata, src.path);
    checkPredictorGrid(plan, entry, model.metadata, src.path, ctx.counts);
    const meta = predictorMeta({
      entry,
      model: model.metadata,
      decoding: plan.decoding,
      useVocabulary: plan.useVocabulary,
      ...(plan.vocabScoring !== undefined ? { vocabScoring: plan.vocabScoring } : {}),
      split: plan.split,
      weightsSha256,
      vocabularySha256: ctx.vocabSha256,
      priorSha256: ctx.priorSha256,
    });
    const identity = identityFromMeta(meta, entry.field);
    const finalName = predictionFileName(entry, identity, plan.split);
    const target = join(plan.outDir, shard ? shardFileName(finalName, shard) : finalName);
    const summary = (status: PredictorSummary['status'], swipes: number): PredictorSummary => ({
      predictor: `${entry.weightsName} (${plan.decoding.generator})`,
      grid: entry.grid,
      status,
      swipes,
      seconds: (performance.now() - t0) / 1000,
      path: target,
    });
    if (existsSync(target)) {
      const existing = await readMeta(target);
      if (existing === undefined || identityKey(identityFromMeta(existing, target)) !== identityKey(identity)) {
        throw new Error(`${target}: exists but was not written by this predictor (${entry.field}); move it away`);
      }
      const stale = await staleReason(target, ctx.dataSha256, identityKey(identity));
      if (stale === null) {
        await register(ctx, identity, entry, target);
        reporter.note(`${label}: already done (${target}), skipped`);
        return summary('skipped', 0);
      }
      reporter.note(`${label}: ${target} exists, but ${stale}; decoding again`);
      removeCompletion(target);
    }
    // Swipes longer than the model accepts: an error before anything is decoded, or left out of the
    // grid's swipes (and so of its chunks) with `longSwipes: 'skip'`.
    const maxPoints = model.metadata.max_curve_len;
    const points = ctx.points.get(entry.grid) ?? [];
    const long = points.filter(([, n]) => n > maxPoints);
    const firstLong = long[0];
    if (firstLong !== undefined && ctx.longSwipes !== 'skip') throw longSwipeError(plan.dataPath, firstLong[0], firstLong[1], maxPoints);
    const subsetSize = points.length - long.length;
    const total = shardChunks(subsetSize, plan.chunkSize, shard).reduce((n, [a, b]) => n + b - a, 0);
    let decoder: Decoder;
    try {
      decoder = await Decoder.create(model, {
        decoding: { ...plan.decoding },
        vocabulary: await vocabularyFor(ctx, model.metadata),
        ...(ctx.repairWords !== null ? { repairWords: ctx.repairWords } : {}),
        ...(ctx.prior !== null ? { prior: ctx.prior } : {}),
        ...(plan.vocabScoring !== undefined ? { vocabScoring: plan.vocabScoring } : {}),
        batchSize: plan.batchSize ?? defaultBatchSize(model.device),
        workers: plan.workers ?? defaultWorkers(model.device, plan.threads ?? DEFAULT_THREADS_PER_SEARCH),
        nativeStep: DEFAULT_NATIVE_STEP,
        skipForced: DEFAULT_SKIP_FORCED,
        grids: ctx.grids,
      });
    } catch (err) {
      throw new Error(`${plan.configPath}: ${entry.field}: ${(err as Error).message}`, { cause: err });
    }
    // The data file's hash, so that evaluate, fit-prior and aggregate --fit-on can tell predictions of
    // another data file (lib/evaluate/join.ts); written after the identity, which it is no part of.
    const fileMeta: PredictorMeta = shard
      ? { ...meta, data_sha256: ctx.dataSha256, shard: { index: shard.index, count: shard.count, chunk_size: plan.chunkSize, subset_size: subsetSize, data_sha256: ctx.dataSha256 } }
      : { ...meta, data_sha256: ctx.dataSha256 };
    const writer = new PredictionWriter(target, fileMeta);
    // Validation metrics need the rows; test predictions are only written.
    const rows: PredictionRow[] | undefined = plan.split === 'val' ? [] : undefined;
    let written = 0;
    let reported = 0;
    let kept = 0;
    reporter.begin(label, total);
    try {
      // Chunks of `chunkSize` swipes of the grid, each decoded on its own: a shard takes every
      // `count`-th chunk (lib/predict/shard.ts), so its chunks are the unsharded run's chunks.
      const done = await decodeFile(decoder, plan.dataPath, {
        grids: ctx.grids,
        gridNames: [entry.grid],
        chunkSize: plan.chunkSize,
        longSwipes: ctx.longSwipes,
        // Long swipes are passed on for decodeFile to skip; the others are numbered among themselves.
        select: (_position, swipe) => {
          if (swipe.x.length > maxPoints) return true;
          const k = kept++;
          return shard === undefined || Math.floor(k / plan.chunkSize) % shard.count === shard.index - 1;
        },
        onRows: async (decoded) => {
          for (const r of decoded) {
            const row = toPredictionRow(r);
            await writer.write(row);
            rows?.push(row);
            written++;
          }
        },
        onProgress: (n) => {
          reporter.advance(n - reported);
          reported = n;
        },
      });
      if (done.longSwipes.message !== null) reporter.note(`${label}: ${done.longSwipes.message}`);
    } catch (err) {
      await writer.abort();
      reporter.end(`${label}: failed`);
      throw err;
    }
    await writer.close();
    await writeCompletion(target, ctx.dataSha256, identityKey(identity), written);
    await register(ctx, identity, entry, target, rows);
    const s = summary('decoded', total);
    if (long.length > 0) s.longSwipesSkipped = long.length;
    reporter.end(`${label}: ${total} swipes in ${s.seconds.toFixed(1)} s → ${target}`);
    return s;
  } finally {
    model.dispose();
  }
}
