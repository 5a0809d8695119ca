/**
 * `neuroswipe features`: computes one transform's features for each swipe of a file and writes them
 * as JSON lines or in the compact binary format of docs/FEATURES_BINARY.md.
 */
import type { Command } from 'commander';
import { parseNumber } from './parse-number.js';
import { AtomicTextWriter, checkOutputPaths } from '../io/atomic-write.js';
import { BadLineReport } from '../io/bad-line.js';
import { SwipeReader } from '../data/dataset.js';
import { BinaryFeaturesWriter } from '../features/binary-writer.js';
import { FeatureExtractor } from '../features/extractor.js';
import { featuresJsonLine } from '../features/json-line.js';
import { TRANSFORM_NAMES, WEIGHTS_FUNCTION_NAMES, type TransformName, type WeightsFunctionName } from '../features/types.js';
import { loadGrids } from '../keyboard/grid.js';

interface FeaturesCliOptions {
  data: string;
  grids?: string;
  transform: string;
  includeTime?: boolean;
  includeVelocities?: boolean;
  includeAccelerations?: boolean;
  weightsFunction: string;
  weightsBias?: string;
  weightsScale?: string;
  seedCompatible?: boolean;
  limit?: string;
  skipBadLines?: boolean;
  format: string;
  out: string;
  force?: boolean;
}


/** Registers the `features` command. */
export function register(program: Command): void {
  program
    .command('features')
    .description('compute a feature transform for each swipe and write one JSON line per swipe')
    .requiredOption('--data <file>', 'competition JSONL (inline curve.grid or curve.grid_name)')
    .option('--grids <file>', 'gridname_to_grid.json (default: the bundled real grids)')
    .requiredOption('--transform <name>', `one of ${TRANSFORM_NAMES.join(', ')}`)
    .option('--include-time', 'raw time (ms) as a trajectory column')
    .option('--include-velocities', 'vx, vy columns')
    .option('--include-accelerations', 'ax, ay columns (needs --include-velocities)')
    .option('--weights-function <name>', `weight function of traj_feats_and_distance_weights: ${WEIGHTS_FUNCTION_NAMES.join(', ')}`, 'weights_function_v1')
    .option('--weights-bias <x>', 'sigmoid bias of the weight function (default 4)')
    .option('--weights-scale <x>', 'sigmoid scale of the weight function (default 1.8)')
    .option('--seed-compatible', 'divide by zero time differences as the seed does (non-finite values print as null)')
    .option('--limit <n>', 'stop after this many swipes')
    .option('--skip-bad-lines', 'skip bad lines and report them instead of failing')
    .option('--format <kind>', 'json: one JSON line per swipe; binary: header, per-swipe lengths, float32 traj and int32/float32 keys (docs/FEATURES_BINARY.md)', 'json')
    .requiredOption('--out <file>', 'output file: JSONL {"index","grid_name","traj","keys"} per swipe, or the binary file')
    .option('--force', 'overwrite --out if it exists')
    .action(async (opts: FeaturesCliOptions) => {
      if (!TRANSFORM_NAMES.includes(opts.transform as TransformName)) {
        throw new Error(`--transform: expected one of ${TRANSFORM_NAMES.join(', ')}, got ${JSON.stringify(opts.transform)}`);
      }
      if (!WEIGHTS_FUNCTION_NAMES.includes(opts.weightsFunction as WeightsFunctionName)) {
        throw new Error(`--weights-function: expected one of ${WEIGHTS_FUNCTION_NAMES.join(', ')}, got ${JSON.stringify(opts.weightsFunction)}`);
      }
      if (opts.format !== 'json' && opts.format !== 'binary') throw new Error(`--format: expected json or binary, got ${JSON.stringify(opts.format)}`);
      if (opts.includeAccelerations && !opts.includeVelocities) throw new Error('--include-accelerations: requires --include-velocities');
      checkOutputPaths([opts.out], opts.force === true, [opts.data, opts.grids]);
      const limit = opts.limit === undefined ? Infinity : parseNumber('--limit', opts.limit, true);
      if (limit < 0) throw new Error(`--limit: expected an integer ≥ 0, got ${opts.limit}`);
      const report = new BadLineReport();
      const reader = new SwipeReader(opts.data, {
        grids: opts.grids === undefined ? loadGrids() : loadGrids(opts.grids),
        skipBadLines: opts.skipBadLines === true,
        onBadLine: report.add,
      });
      const fx = new FeatureExtractor(reader.grids, {
        name: opts.transform as TransformName,
        includeTime: opts.includeTime === true,
        includeVelocities: opts.includeVelocities === true,
        includeAccelerations: opts.includeAccelerations === true,
        seedCompatible: opts.seedCompatible === true,
        weightsFunction: {
          name: opts.weightsFunction as WeightsFunctionName,
          ...(opts.weightsBias === undefined ? {} : { bias: parseNumber('--weights-bias', opts.weightsBias, false) }),
          ...(opts.weightsScale === undefined ? {} : { scale: parseNumber('--weights-scale', opts.weightsScale, false) }),
        },
      });
      const out = opts.format === 'binary' ? new BinaryFeaturesWriter(opts.out) : new AtomicTextWriter(opts.out);
      let n = 0;
      try {
        if (limit > 0) {
          for await (const swipe of reader) {
            if (out instanceof BinaryFeaturesWriter) out.write(swipe.index, swipe.gridName, fx.extract(swipe));
            else await out.write(featuresJsonLine(swipe.index, swipe.gridName, fx.extract(swipe)) + '\n');
            if (++n >= limit) break;
          }
        }
        await out.commit();
      } catch (err) {
        out.abort();
        throw err;
      }
      if (report.count > 0) process.stderr.write(report.summary() + '\n');
      process.stderr.write(`wrote features of ${n} swipes to ${opts.out}\n`);
    });
}
