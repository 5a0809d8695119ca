/** One predictor of a `predict` run: its model loaded and checked, its prediction file decoded (or found done) and recorded. */
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { PredictorEntry } from '../config/plan.js';
import { Decoder } from '../decode/decoder.js';
import { decodeFile, longSwipeError } from '../decode/decode-file.js';
import { Model } from '../model/model.js';
import { vocabularyOptionsOf } from '../options/vocabulary-options.js';
import { iteratePredictionFile, PredictionWriter, type PredictionRow, type PredictorMeta } from '../predictions.js';
import { sha256File } from './hash.js';
import { resolveModelFile } from './model-source.js';
import { identityFromMeta, identityKey, predictionFileName, predictorMeta } from './predictor.js';
import type { PredictorSummary } from './progress.js';
import { checkModel, checkPredictorGrid } from './model-checks.js';
import { register, vocabularyFor, type RunContext } from './run-context.js';
import { shardChunks, shardFileName } from './shard.js';
import { removeCompletion, staleReason, writeCompletion } from './completion.js';
import { DEFAULT_NATIVE_STEP, DEFAULT_SKIP_FORCED, DEFAULT_THREADS_PER_SEARCH, defaultBatchSize, defaultWorkers, toPredictionRow } from '../decode/defaults.js';

async function readMeta(path: string): Promise<PredictorMeta | undefined> {
  for await (const item of iteratePredictionFile(path)) return item.kind === 'meta' ? item.meta : undefined;
  return undefined;
}

/** Decodes one config entry into its prediction file, unless a complete file of the same predictor is there. */
export async function runOne(ctx: RunContext, entry: PredictorEntry): Promise<PredictorSummary> {
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
      ...vocabularyOptionsOf(plan),
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
        ...vocabularyOptionsOf(plan),
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
