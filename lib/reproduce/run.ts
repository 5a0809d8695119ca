/**
 * `neuroswipe reproduce`: the seed's final Yandex Cup submission procedure (docs/SEED.md §8.4) as one run —
 * data preparation → export of seed weights → prediction → per-grid appendage aggregation → DTW baseline
 * → submission CSV. Each stage is an existing module; this file only wires them together, keeps the
 * intermediate files in a work folder (so a rerun resumes) and reports progress.
 */
import { availableParallelism } from 'node:os';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { readVocabSet } from '../aggregate/vocab.js';
import { readLabels } from '../data/labels.js';
import { loadPredictionConfig } from '../config/load.js';
import type { PredictionPlan } from '../config/plan.js';
import { loadGrids } from '../keyboard/grid.js';
import type { DeviceRequest } from '../model/model.js';
import { runPrediction } from '../predict/run.js';
import { type ProgressReporter, SILENT } from '../predict/progress.js';
import { fillFromBaseline, mergeByIndex, writeSubmission } from '../submission.js';
import { checkOutputPath } from '../io/atomic-write.js';
import { aggregateByGrid, gridsOf } from './aggregate-stage.js';
import { readAggregationSettings } from './aggregation-config.js';
import { baselineStage } from './baseline-stage.js';
import { locateDataFiles, prepareTestData } from './data-dir.js';
import { exportModels } from './export-stage.js';
import { claimWorkDir, describeInputs } from './work-dir.js';
import { type ReproduceSummary, type StageName, type StageRecord, STAGES } from './summary.js';
import { at } from '../util/checked.js';
import { DEFAULT_DEVICE } from '../decode/defaults.js';

/** Options of {@link reproduce}. */
export interface ReproduceOptions {
  /** The config (seed format with `aggregation_config`), e.g. `configs/yandex-cup.json`. */
  configPath: string;
  /** Folder holding the weights files at the config's relative paths. */
  weightsDir: string;
  /** Folder holding `test.jsonl`, `voc.txt` and optionally `gridname_to_grid.json`. */
  dataDir: string;
  /** The submission CSV to write. */
  out: string;
  /** Folder of the intermediate files; default {@link defaultWorkDir} of `out`. */
  workDir?: string;
  /** `--set a.b=c` overrides of the config, applied before the paths given by the options above. */
  sets?: readonly string[];
  /** Overwrite an existing `out`. Default false. */
  force?: boolean;
  /** Device the models run on. Default `auto` (lib/decode/defaults.ts). */
  device?: DeviceRequest;
  /** libtorch intra-op threads and DTW baseline threads. Default: libtorch's choice; all cores for the baseline. */
  threads?: number;
  /** Swipes decoded together, or `'auto'`. Default: the prediction pipeline's. */
  batchSize?: number | 'auto';
  /** Searches run at once. Default: the prediction pipeline's. */
  workers?: number;
  /** Receives one line at the start and one at the end of each stage. */
  log?: (line: string) => void;
  /** Progress of the prediction stage. Default silent. */
  reporter?: ProgressReporter;
}

/** The default work folder: the output's name without its extension plus `.work`, next to it. */
export function defaultWorkDir(out: string): string {
  const abs = resolve(out);
  const ext = extname(abs);
  return join(dirname(abs), `${basename(abs, ext)}.work`);
}

function quoteSet(path: string, value: unknown): string {
  return `${path}=${JSON.stringify(value)}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * Runs the whole reproduction.
 * @returns what was written, with per-stage timings
 * @throws Error when `out` exists (without `force`), a data or weights file is missing, the config is
 *   invalid, or any stage fails (files finished before the failure stay and a rerun resumes from them)
 */
export async function reproduce(opts: ReproduceOptions): Promise<ReproduceSummary> {
  const log = opts.log ?? (() => {});
  const out = resolve(opts.out);
  checkOutputPath(out, opts.force === true, [opts.configPath]);
  const weightsDir = resolve(opts.weightsDir);
  if (!existsSync(weightsDir) || !statSync(weightsDir).isDirectory()) throw new Error(`${weightsDir}: --weights-dir: folder not found`);
  const files = locateDataFiles(opts.dataDir);
  const workDir = resolve(opts.workDir ?? defaultWorkDir(out));
  const predictionsDir = join(workDir, 'predictions');
  const userSets = opts.sets ?? [];
  const settings = readAggregationSettings(opts.configPath, userSets);
  mkdirSync(predictionsDir, { recursive: true });
  const plan: PredictionPlan = loadPredictionConfig(opts.configPath, [
    ...userSets,
    quoteSet('prediction_config.models_root', weightsDir),
    quoteSet('prediction_config.data_split', 'test'),
    quoteSet('prediction_config.data_split__to__path', { test: files.testPath }),
    quoteSet('prediction_config.voc_path', files.vocabularyPath),
    quoteSet('prediction_config.out_path', predictionsDir),
  ]);
  plan.device = opts.device ?? DEFAULT_DEVICE;
  if (opts.threads !== undefined) plan.threads = opts.threads;
  if (opts.batchSize !== undefined) plan.batchSize = opts.batchSize;
  if (opts.workers !== undefined) plan.workers = opts.workers;

  const stages: StageRecord[] = [];
  const stage = async <T>(name: StageName, intro: string, body: () => Promise<{ value: T; result: string }>): Promise<T> => {
    const k = STAGES.indexOf(name) + 1;
    log(`reproduce [${k}/${STAGES.length}] ${name}: ${intro}`);
    const t0 = performance.now();
    const { value, result } = await body();
    const seconds = (performance.now() - t0) / 1000;
    stages.push({ stage: name, seconds, result });
    log(`reproduce [${k}/${STAGES.length}] ${name}: ${result} (${seconds.toFixed(1)} s)`);
    return value;
  };

  const data = await stage('data', `reading ${files.testPath}`, async () => {
    const prepared = await prepareTestData(files, workDir);
    plan.dataPath = prepared.dataPath;
    plan.gridsPath = prepared.gridsPath;
    if (prepared.format === 'original' && files.gridsPath !== undefined) {
      log(`reproduce: ${files.gridsPath} is not used: the test file carries its own grids`);
    }
    await claimWorkDir(workDir, await describeInputs(prepared.dataPath, prepared.gridsPath));
    const { gridNames } = await readLabels(prepared.dataPath);
    const modelGrids = gridsOf(plan);
    const uncovered = [...new Set(gridNames)].filter((g) => !modelGrids.includes(g));
    if (uncovered.length > 0) throw new Error(`${files.testPath}: grid(s) ${uncovered.join(', ')} have no model in ${opts.configPath} (models cover ${modelGrids.join(', ')})`);
    const how = prepared.format === 'separated' ? 'separated-grid format' : `original format, ${prepared.converted ? 'converted' : 'conversion reused'}: ${prepared.dataPath}`;
    return { value: { prepared, gridNames }, result: `${plural(gridNames.length, 'line')} (${how})` };
  });

  await stage('export', `${plural(plan.predictors.length, 'model')}`, async () => {
    const outcomes = await exportModels(plan, (o, i, n) => {
      const what = o.status === 'torchscript' ? 'TorchScript, used as it is' : o.status === 'cached' ? `export reused: ${o.modelPath}` : `exported in ${o.seconds.toFixed(1)} s: ${o.modelPath}`;
      log(`reproduce   export ${i + 1}/${n}: ${o.weights}: ${what}`);
    });
    const count = (s: string) => outcomes.filter((o) => o.status === s).length;
    return { value: outcomes, result: `${plural(outcomes.length, 'model')}: ${count('exported')} exported, ${count('cached')} reused, ${count('torchscript')} already TorchScript` };
  });

  const predictionFiles = await stage('predict', `${plural(plan.predictors.length, 'predictor')}, ${plan.decoding.generator} ${JSON.stringify(plan.decoding)}`, async () => {
    const r = await runPrediction(plan, { reporter: opts.reporter ?? SILENT });
    const decoded = r.summaries.filter((s) => s.status === 'decoded').length;
    return { value: r.summaries.map((s) => s.path), result: `${plural(r.summaries.length, 'predictor')}: ${decoded} decoded, ${r.summaries.length - decoded} already done` };
  });

  const aggregates = await stage('aggregate', `appendage of each grid's models (limit ${settings.limit}, out-of-vocabulary words removed)`, async () => {
    const aggs = await aggregateByGrid(plan, predictionFiles, readVocabSet(files.vocabularyPath), settings, workDir);
    return { value: aggs, result: aggs.map((a) => `${a.grid}: ${plural(a.inputs.length, 'model')}, ${plural(a.file.rows.length, 'row')}`).join('; ') };
  });

  const baseline = await stage('baseline', settings.baselineFill ? 'official DTW baseline' : 'skipped (baseline_fill is false)', async () => {
    if (!settings.baselineFill) return { value: undefined, result: 'skipped' };
    const b = await baselineStage({
      dataPath: data.prepared.dataPath,
      testSha256: data.prepared.testSha256,
      vocabularyPath: files.vocabularyPath,
      vocSize: settings.baselineVocSize,
      grids: data.prepared.gridsPath === undefined ? loadGrids() : loadGrids(data.prepared.gridsPath),
      threads: opts.threads ?? availableParallelism(),
      workDir,
    });
    return { value: b, result: `${plural(b.rows.length, 'row')} ${b.cached ? 'reused' : 'computed'}: ${b.path}` };
  });

  return stage('submit', `writing ${out}`, async () => {
    const { gridNames } = data;
    const modelRows = mergeByIndex(aggregates.map((a) => ({ path: a.path, file: a.file })), gridNames, settings.limit);
    let rows = modelRows;
    if (baseline !== undefined) {
      const baselineRows = mergeByIndex([{ path: baseline.path, file: { rows: baseline.rows } }], gridNames, Infinity);
      rows = fillFromBaseline(modelRows, baselineRows, settings.limit);
    }
    mkdirSync(dirname(out), { recursive: true });
    writeSubmission(out, rows, opts.force === true, [opts.configPath, files.testPath, files.vocabularyPath]);
    const filled = rows.filter((r, i) => r.length > at(modelRows, i).length).length;
    const summary: ReproduceSummary = {
      out,
      workDir,
      rows: rows.length,
      filledFromBaseline: filled,
      limit: settings.limit,
      shortRows: rows.filter((r) => r.length < settings.limit).length,
      predictionFiles,
      aggregateFiles: aggregates.map((a) => a.path),
      baselineFile: baseline?.path,
      stages,
    };
    return { value: summary, result: `${plural(rows.length, 'line')} (${filled} filled from the baseline)` };
  });
}
