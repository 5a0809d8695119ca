/**
 * The `neuroswipe` command line. Each command lives in its own file under `lib/cli/` and exports a
 * `register(program)` function; this file only assembles them.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, Help, type Option } from 'commander';
import { register as registerInfo } from './info.js';
import { register as registerDecode } from './decode.js';
import { register as registerSynth } from './synth.js';
import { register as registerSeparateGrid } from './separate-grid.js';
import { register as registerFeatures } from './features.js';
import { register as registerEvaluate } from './evaluate.js';
import { register as registerFitPrior } from './fit-prior.js';
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

/** The package's root folder (two folders above this file, in lib/ and in dist/). */
const PACKAGE_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** What `--quiet` does, the same on every command. */
export const QUIET_HELP = 'no progress and no summary (errors are still printed)';

/**
 * How `--help` describes an option: commander's text (choices, a default it knows the value of), then a
 * default only known by rule (`(default: 16 on the CPU, auto on CUDA)`), then `(required)`.
 */
function optionDescription(this: Help, option: Option): string {
  let text = Help.prototype.optionDescription.call(this, option);
  if (option.defaultValue === undefined && option.defaultValueDescription) text += ` (default: ${option.defaultValueDescription})`;
  if (option.mandatory) text += ' (required)';
  return text;
}

/** A path default as the help shows it: a file of the package by its path in the package (`the package's data/gridname_to_grid.json`). */
function shownPath(value: string): string {
  if (!isAbsolute(value)) return value;
  const rel = relative(PACKAGE_ROOT, value);
  return rel.startsWith('..') || isAbsolute(rel) ? value : `the package's ${rel.split(sep).join('/')}`;
}

/**
 * What every command has the same way: `--quiet`, and string defaults shown as they are typed (`auto`,
 * not `"auto"`; package files relative to the package).
 */
function finish(cmd: Command): void {
  for (const sub of cmd.commands) finish(sub);
  if (cmd.parent === null || cmd.commands.length > 0) return;
  if (!cmd.options.some((o) => o.long === '--quiet')) cmd.option('--quiet', QUIET_HELP);
  for (const o of cmd.options) {
    if (typeof o.defaultValue === 'string' && o.defaultValueDescription === undefined) o.defaultValueDescription = shownPath(o.defaultValue);
  }
}

/** Builds the commander program with every command registered. */
export function buildProgram(): Command {
  const program = new Command();
  program
    .name('neuroswipe')
    .description('Gesture-keyboard (swipe) decoding with TorchScript transformer models')
    .version(packageVersion(), '-V, --version', 'print the version of neuroswipe')
    .configureHelp({ optionDescription })
    .showHelpAfterError()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerInfo(program);
  registerDecode(program);
  registerSynth(program);
  registerSeparateGrid(program);
  registerFeatures(program);
  registerEvaluate(program);
  registerFitPrior(program);
  registerAggregate(program);
  registerSubmit(program);
  registerBaseline(program);
  registerPredict(program);
  registerRegistry(program);
  registerPredictions(program);
  registerReproduce(program);
  registerServe(program);
  finish(program);
  return program;
}

/** Runs the CLI on `argv` (as in `process.argv`). Errors reject the returned promise. */
export async function main(argv: string[]): Promise<void> {
  await buildProgram().parseAsync(argv);
}
