/**
 * The `neuroswipe` command line. Each command lives in its own file under `lib/cli/` and exports a
 * `register(program)` function; this file only assembles them.
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { register as registerInfo } from './info.js';
import { register as registerDecode } from './decode.js';
import { register as registerSynth } from './synth.js';
import { register as registerSeparateGrid } from './separate-grid.js';
import { register as registerFeatures } from './features.js';
import { register as registerEvaluate } from './evaluate.js';
import { register as registerAggregate } from './aggregate.js';
import { register as registerSubmit } from './submit.js';
import { register as registerBaseline } from './baseline.js';
import { register as registerPredict } from './predict.js';
import { register as registerRegistry } from './registry.js';
import { register as registerPredictions } from './predictions.js';
import { register as registerReproduce } from './reproduce.js';
import { register as registerServe } from './serve.js';

/** The package's version, from its package.json (two folders above this file, in lib/ and in dist/). */
function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : 'unknown';
}

/** Builds the commander program with every command registered. */
export function buildProgram(): Command {
  const program = new Command();
  program
    .name('neuroswipe')
    .description('Gesture-keyboard (swipe) decoding with TorchScript transformer models')
    .version(packageVersion())
    .showHelpAfterError()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerInfo(program);
  registerDecode(program);
  registerSynth(program);
  registerSeparateGrid(program);
  registerFeatures(program);
  registerEvaluate(program);
  registerAggregate(program);
  registerSubmit(program);
  registerBaseline(program);
  registerPredict(program);
  registerRegistry(program);
  registerPredictions(program);
  registerReproduce(program);
  registerServe(program);
  return program;
}

/** Runs the CLI on `argv` (as in `process.argv`). Errors reject the returned promise. */
export async function main(argv: string[]): Promise<void> {
  await buildProgram().parseAsync(argv);
}
