/** `neuroswipe aggregate`: appendage or weighted aggregation of several predictors' predictions. */
import { rmSync } from 'node:fs';
import type { Command } from 'commander';
import { integerArg } from './parse-number.js';
import { type Candidate, type PredictorMeta, readPredictionFile, writePredictionFile } from '../predictions.js';
import { aggregateAppendage, rankScores } from '../aggregate/appendage.js';
import { aggregateWeighted } from '../aggregate/weighted.js';
import { fitWeights } from '../aggregate/fit.js';
import { alignInputs } from '../aggregate/inputs.js';
import { readVocabSet } from '../aggregate/vocab.js';
import { readWeightState, type WeightState, weightsFromState, writeWeightState } from '../aggregate/state.js';
import { readLabels } from '../data/labels.js';
import { at } from '../util/checked.js';
import { checkOutputPaths } from '../io/atomic-write.js';
import { checkPredictionsMatchData } from '../evaluate/join.js';

interface AggregateOptions {
  method: string;
  inputs: string[];
  weights?: string;
  fitOn?: string[];
  data?: string;
  ref?: string;
  state?: string;
  saveState?: string;
  vocab: string;
  limit: number;
  out: string;
  force?: boolean;
  subset?: boolean;
  quiet?: boolean;
}

async function readAll(paths: readonly string[]) {
  const out = [];
  for (const p of paths) out.push({ path: p, file: await readPredictionFile(p) });
  return out;
}

function parseWeights(text: string, n: number): number[] {
  const w = text.split(',').map((s) => Number(s.trim()));
  if (w.some((x) => !Number.isFinite(x) || x <= 0) || text.trim() === '') throw new RangeError(`--weights: expected comma-separated positive numbers, got ${JSON.stringify(text)}`);
  if (w.length !== n) throw new RangeError(`--weights: ${w.length} weight(s) for ${n} input(s)`);
  return w;
}

async function fitOnValidation(opts: AggregateOptions, ids: string[], inputHasMeta: boolean[], vocab: Set<string>, limit: number): Promise<number[]> {
  const fitOn = opts.fitOn as string[];
  if (fitOn.length !== opts.inputs.length) throw new RangeError(`--fit-on: ${fitOn.length} file(s) for ${opts.inputs.length} input(s) (one validation file per input, same order)`);
  if (opts.data === undefined) throw new RangeError('--fit-on needs --data (the validation data file with target words, or with --ref)');
  const valFiles = await readAll(fitOn);
  const val = alignInputs(valFiles);
  val.ids.forEach((id, i) => {
    // Validation and test files of one predictor share its id when both carry metadata.
    if (at(valFiles, i).file.meta !== undefined && inputHasMeta[i] === true && id !== ids[i]) {
      throw new Error(`${fitOn[i]}: predictor ${id} differs from the predictor of ${opts.inputs[i]} (${ids[i]})`);
    }
  });
  const labels = await readLabels(opts.data, opts.ref);
  for (const { path, file } of valFiles) await checkPredictionsMatchData(file, path, labels, opts.data, { subset: opts.subset });
  const targets = val.indices.map((idx) => {
    const w = idx < labels.words.length ? labels.words[idx] : undefined;
    if (w === undefined) throw new Error(`${fitOn[0]}: index ${idx}: ${opts.data} has no target word for it`);
    return w;
  });
  const fit = fitWeights(val.preds, targets, vocab, { limit });
  if (!opts.quiet) process.stderr.write(`fitted weights ${fit.weights.join(',')} on ${targets.length} swipes: Swipe MRR ${fit.initialMrr.toFixed(7)} (all 1) -> ${fit.mrr.toFixed(7)} in ${fit.sweeps} sweep(s)\n`);
  return fit.weights;
}

/** Registers `aggregate`. */
export function register(program: Command): void {
  program
    .command('aggregate')
    .description('combine several predictors\' predictions of the same swipes (appendage or weighted)')
    .requiredOption('--method <method>', 'appendage | weighted')
    .requiredOption('--inputs <files...>', 'prediction files, one per predictor, best first (same rows in each)')
    .option('--weights <list>', 'weighted: comma-separated weights, one per input (larger demotes)')
    .option('--fit-on <files...>', 'weighted: validation prediction files, one per input in the same order, to fit the weights on')
    .option('--data <file>', 'with --fit-on: the validation data file')
    .option('--ref <file>', 'with --fit-on: reference file with the validation targets')
    .option('--subset', 'with --fit-on: the validation predictions cover only part of the data lines of their grids')
    .option('--state <file>', 'weighted: apply a saved state (predictor id -> weight)')
    .option('--save-state <file>', 'weighted: save the weights used as a state file')
    .requiredOption('--vocab <file>', 'vocabulary (out-of-vocabulary words are dropped)')
    .option('--limit <n>', 'words per row', integerArg(1), 4)
    .requiredOption('--out <file>', 'output prediction file')
    .option('--force', 'overwrite --out and --save-state if they exist')
    .action(async (opts: AggregateOptions) => {
      const limit = opts.limit;
      if (opts.method !== 'appendage' && opts.method !== 'weighted') throw new RangeError(`--method: expected appendage or weighted, got ${JSON.stringify(opts.method)}`);
      const sources = [opts.weights, opts.fitOn, opts.state].filter((x) => x !== undefined).length;
      if (opts.method === 'appendage' && (sources > 0 || opts.saveState !== undefined)) {
        throw new RangeError('--weights, --fit-on, --state and --save-state apply to --method weighted only');
      }
      if (opts.method === 'weighted' && sources !== 1) throw new RangeError('--method weighted needs exactly one of --weights, --fit-on, --state');
      checkOutputPaths([opts.out, opts.saveState], opts.force === true, [...opts.inputs, ...(opts.fitOn ?? []), opts.data, opts.ref, opts.state, opts.vocab]);
      const vocab = readVocabSet(opts.vocab);
      const inputFiles = await readAll(opts.inputs);
      const inputs = alignInputs(inputFiles);
      let candidates: Candidate[][];
      let state: WeightState | undefined;
      const meta: PredictorMeta = { model_name: `aggregate_${opts.method}`, aggregation: opts.method, inputs: inputs.ids, limit };
      if (opts.method === 'appendage') {
        candidates = rankScores(aggregateAppendage(inputs.preds, vocab, limit));
      } else {
        let weights: number[];
        if (opts.weights !== undefined) weights = parseWeights(opts.weights, inputs.ids.length);
        else if (opts.state !== undefined) weights = weightsFromState(readWeightState(opts.state), inputs.ids);
        else weights = await fitOnValidation(opts, inputs.ids, inputFiles.map((f) => f.file.meta !== undefined), vocab, limit);
        candidates = aggregateWeighted(inputs.preds, weights, vocab, limit);
        meta.weights = weights;
        if (opts.saveState !== undefined) {
          const s: WeightState = (state = {});
          inputs.ids.forEach((id, i) => {
            s[id] = at(weights, i);
          });
        }
      }
      meta.predictor_id = JSON.stringify({ aggregation: opts.method, inputs: inputs.ids, weights: meta.weights ?? null, limit });
      const grids = [...new Set(inputs.gridNames)];
      if (grids.length === 1) meta.grid_name = grids[0];
      await writePredictionFile(
        opts.out,
        inputs.indices.map((index, i) => ({ index, grid_name: at(inputs.gridNames, i), candidates: at(candidates, i) })),
        meta,
      );
      if (opts.saveState !== undefined && state !== undefined) {
        try {
          writeWeightState(opts.saveState, state);
        } catch (err) {
          // Both outputs or neither.
          rmSync(opts.out, { force: true });
          throw err;
        }
      }
      if (!opts.quiet) process.stdout.write(`${opts.out}: ${inputs.indices.length} rows (${opts.method} of ${inputs.ids.length} input(s))\n`);
    });
}
