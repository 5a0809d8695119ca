/**
 * The `neuroswipe` command line. Each command lives in its own file under `lib/cli/` and exports a
 * `register(program)` function; this file only assembles them.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, Help, type Option } from 'commander';
import { distance } from 'fastest-levenshtein';
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

/** The command as typed: `neuroswipe registry list`. */
function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c !== null; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** Every long option flag of a command and its ancestors (`--model`, `--quiet`, …). */
function knownFlags(cmd: Command): Set<string> {
  const flags = new Set<string>(['--help']);
  for (let c: Command | null = cmd; c !== null; c = c.parent) for (const o of c.options) if (o.long) flags.add(o.long);
  return flags;
}

/**
 * The argument that looks like a misspelling of `flag`: an unknown `--option` (or `--option=value`) within
 * two edits of it, or three for flags of eight characters or more.
 */
export function misspeltFlag(flag: string, args: readonly string[], known: ReadonlySet<string>): string | null {
  for (const arg of args) {
    if (!arg.startsWith('--')) continue;
    const name = arg.split('=')[0] ?? arg;
    if (known.has(name)) continue;
    if (distance(name, flag) <= (flag.length >= 8 ? 3 : 2)) return name;
  }
  return null;
}

/**
 * commander's command with one-line option errors: a required option that is missing names the command's
 * help, and one that was misspelt (`--modle`) is reported as the unknown option it is, with the flag meant.
 * Help is never printed after an error.
 */
class NeuroswipeCommand extends Command {
  override createCommand(name?: string): Command {
    return new NeuroswipeCommand(name);
  }

  /** Every error on one line: commander puts its "(Did you mean …?)" on a line of its own. */
  override error(message: string, errorOptions?: { code?: string; exitCode?: number }): never {
    return super.error(message.replace(/\n\(Did you mean /g, ' (Did you mean '), errorOptions);
  }

  /** Called by commander when a required option has no value (before it looks at unknown options). */
  missingMandatoryOptionValue(option: Option): never {
    const want = option.long ?? option.flags;
    const typo = misspeltFlag(want, this.args, knownFlags(this));
    if (typo !== null) {
      this.error(`error: unknown option '${typo}' (Did you mean ${want}?)`, { code: 'commander.unknownOption' });
    }
    this.error(`error: required option '${option.flags}' not specified (see ${commandPath(this)} --help)`, { code: 'commander.missingMandatoryOptionValue' });
  }
}

/** Builds the commander program with every command registered. */
export function buildProgram(): Command {
  const program = new NeuroswipeCommand();
  program
    .name('neuroswipe')
    .description('Gesture-keyboard (swipe) decoding with TorchScript transformer models')
    .version(packageVersion(), '-V, --version', 'print the version of neuroswipe')
    .configureHelp({ optionDescription })
    .showHelpAfterError(false)
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
