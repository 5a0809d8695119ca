/**
 * The export stage of a reproduction: every weights file that is a seed state dict (or Lightning
 * checkpoint) is exported to TorchScript before prediction, into the prediction pipeline's own export
 * cache, so `runPrediction` then finds each export and a rerun exports nothing.
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { PredictionPlan } from '../config/plan.js';
import { sha256File } from '../predict/hash.js';
import { isNeuroswipeModel, resolveModelFile } from '../predict/model-source.js';

/** What happened to one weights file. */
export interface ExportOutcome {
  /** The weights path relative to the models root, as the config writes it. */
  weights: string;
  /** `torchscript`: already a neuroswipe model; `cached`: exported by an earlier run; `exported`: now. */
  status: 'torchscript' | 'cached' | 'exported';
  /** The model file prediction uses. */
  modelPath: string;
  /** Seconds spent. */
  seconds: number;
}

/** The folder where `runPrediction` keeps its exports. */
export function exportDirOf(plan: PredictionPlan): string {
  return join(plan.outDir, 'exported-models');
}

/**
 * Exports the plan's seed weights files that have no export yet, with exactly the arguments the
 * prediction step would use.
 * @param plan - the prediction plan
 * @param onOutcome - called after each weights file, in config order
 * @throws Error with the export command when no Python with PyTorch is found or an export fails
 */
export async function exportModels(plan: PredictionPlan, onOutcome: (o: ExportOutcome, i: number, n: number) => void = () => {}): Promise<ExportOutcome[]> {
  const dir = exportDirOf(plan);
  const outcomes: ExportOutcome[] = [];
  for (const [i, entry] of plan.predictors.entries()) {
    const t0 = performance.now();
    let outcome: ExportOutcome;
    if (isNeuroswipeModel(entry.weightsFile)) {
      outcome = { weights: entry.weightsName, status: 'torchscript', modelPath: entry.weightsFile, seconds: 0 };
    } else {
      const before = new Set(existsSync(dir) ? readdirSync(dir) : []);
      const sha = await sha256File(entry.weightsFile);
      const src = resolveModelFile(entry, sha, plan.vocabularyPath, plan.transform, dir);
      const status = before.has(basename(src.path)) ? 'cached' : 'exported';
      outcome = { weights: entry.weightsName, status, modelPath: src.path, seconds: (performance.now() - t0) / 1000 };
    }
    outcomes.push(outcome);
    onOutcome(outcome, i, plan.predictors.length);
  }
  return outcomes;
}
