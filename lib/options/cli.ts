/**
 * The command-line form of the option schemas: one flag per option with its help line and default, the
 * flags read back into `{ generator, ...options }` with each flag checked against the generators it applies
 * to, the engine flags of each command, and the cross-option rules in the flags' words.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { ENGINE_OPTIONS, parseEngineFlag, type EngineCommand, type EngineOptionSpec } from './engine.js';
import { DECODING_OPTIONS, type GeneratorName, type OptionSpec, type VocabularyOptions } from './schema.js';
import type { ContextTerm, RuleNaming, RuleTerm } from './rules.js';

/** The flag without its value placeholder (`--beam-size`). */
export function flagName(spec: Pick<OptionSpec, 'flag'>): string {
  return spec.flag.split(' ')[0] ?? spec.flag;
}

/** `--generator hybrid` for one generator, else `beam, beam-sync and hybrid`. */
function generatorList(gs: readonly GeneratorName[]): string {
  if (gs.length === 1) return `--generator ${gs[0] ?? ''}`;
  return `${gs.slice(0, -1).join(', ')} and ${gs[gs.length - 1] ?? ''}`;
}

/** The help line of a flag: the generators it applies to (unless all), then the option's doc. */
function help(spec: OptionSpec): string {
  const all = spec.generators.length === 5;
  const defaults = [...new Set(spec.generators.map((g) => spec.default?.(g)))];
  const shown = spec.default === undefined || spec.doc.includes('default') || defaults.length !== 1 ? '' : ` (default: ${String(defaults[0])})`;
  return `${all ? '' : `${spec.generators.join(', ')}: `}${spec.doc}${shown}`;
}

/**
 * Adds one flag per option to a command.
 * @param names - the options to add (default: every option of the schema)
 */
export function addOptionFlags(cmd: Command, names: readonly string[] = DECODING_OPTIONS.map((o) => o.name)): Command {
  for (const spec of DECODING_OPTIONS) {
    if (!names.includes(spec.name)) continue;
    const o = new Option(spec.flag, help(spec));
    if (spec.value.kind === 'enum') o.choices([...spec.value.values]);
    cmd.addOption(o);
  }
  return cmd;
}

/** What {@link optionsFromFlags} read. */
export interface FlagOptions {
  /** `{ generator, ...the generator's options given by flags }` (defaults are filled in later, by the decoder). */
  decoding: { generator: GeneratorName; [k: string]: unknown };
  /** The options of the vocabulary's use given by flags (`--vocab-scoring`). */
  vocabulary: VocabularyOptions;
}

/**
 * Reads the flags of the schema's options from commander's parsed options.
 * @param o - commander's options (values as typed: strings)
 * @param names - the options the command has flags for
 * @throws Error naming the flag for a malformed number, or a flag its generator does not take
 */
export function optionsFromFlags(o: Readonly<Record<string, unknown>>, generator: GeneratorName, names: readonly string[] = DECODING_OPTIONS.map((s) => s.name)): FlagOptions {
  const decoding: FlagOptions['decoding'] = { generator };
  const vocabulary: Record<string, unknown> = {};
  const out: FlagOptions = { decoding, vocabulary };
  for (const spec of DECODING_OPTIONS) {
    const given = o[spec.name];
    if (!names.includes(spec.name) || given === undefined) continue;
    const text = typeof given === 'string' ? given : JSON.stringify(given);
    const flag = flagName(spec);
    if (!spec.generators.includes(generator)) throw new Error(`${flag} applies to ${generatorList(spec.generators)}, not ${generator}`);
    const v = spec.value.kind === 'enum' ? text : Number(text);
    if (typeof v === 'number' && (text.trim() === '' || !Number.isFinite(v) || (spec.value.kind === 'int' && !Number.isInteger(v)))) {
      throw new Error(`${flag}: expected ${spec.value.kind === 'int' ? 'an integer' : 'a number'}, got ${JSON.stringify(text)}`);
    }
    if (spec.scope === 'decoding') decoding[spec.name] = v;
    else vocabulary[spec.name] = v;
  }
  return out;
}

const CLI_NAMES: Record<ContextTerm, string> = {
  generator: '--generator', useVocabulary: '--use-vocab', vocabulary: '--vocab <file>', prior: '--prior <file>', seedScoring: '--reference',
};

/** A term as a flag: an option by its declared flag. */
const cliName = (t: RuleTerm): string => (typeof t === 'string' ? CLI_NAMES[t] : flagName(t));

/** The cross-option rules in the flags' words: `--flag: problem`. */
export const CLI_NAMING: RuleNaming = {
  name: cliName,
  need: (t) => `it needs ${t === 'useVocabulary' ? '--use-vocab --vocab <file>' : cliName(t)}`,
  drop: (t) => `drop ${cliName(t)}`,
  fail: (t, text) => new Error(`${cliName(t)}: ${text}`),
};

/** A switch's value: `flagSets` when its flag is given, else undefined (commander keeps a `--no-x` flag as `x: false`). */
function switchValue(o: Readonly<Record<string, unknown>>, spec: EngineOptionSpec, flagSets: boolean): boolean | undefined {
  const flag = new Option(spec.flag);
  return o[flag.attributeName()] === !flag.negate ? flagSets : undefined;
}

/** An engine flag as commander takes it: checked against the option's values. */
function engineOption(spec: EngineOptionSpec, flag: string, help: string): Option {
  const o = new Option(flag, help).argParser((text: string) => {
    try {
      return parseEngineFlag(spec, text);
    } catch (err) {
      throw new InvalidArgumentError((err as Error).message);
    }
  });
  if (spec.value.kind === 'enum') o.choices([...spec.value.values]);
  return o;
}

/**
 * Adds the engine flags of a command, in their declared order; an option's earlier spelling is added hidden.
 * @param fromConfig - the command reads a config (predict): an option the config takes then has no default
 *   of its own, the help naming the config's field first
 */
export function addEngineFlags(cmd: Command, command: EngineCommand, fromConfig = false): Command {
  for (const spec of ENGINE_OPTIONS) {
    if (!spec.commands.includes(command)) continue;
    if (spec.value.kind === 'switch') {
      cmd.addOption(new Option(spec.flag, spec.doc));
      continue;
    }
    const configFirst = fromConfig && spec.config === true;
    const o = engineOption(spec, spec.flag, spec.doc);
    if (configFirst) o.default(undefined, `the config's ${spec.name}, else ${spec.defaultHelp}`);
    else if (spec.flagDefault !== undefined && spec.value.kind !== 'enum') o.default(spec.flagDefault, spec.defaultHelp);
    else if (spec.flagDefault !== undefined) o.default(spec.flagDefault);
    else o.default(undefined, spec.defaultHelp);
    cmd.addOption(o);
    if (spec.deprecated !== undefined) cmd.addOption(engineOption(spec, spec.deprecated.flag, `deprecated: ${spec.flag}`).hideHelp());
  }
  return cmd;
}

/**
 * The engine options a command's flags gave (`undefined` where neither the flag nor a default gave one); an
 * earlier spelling counts with a note that names the new flag.
 * @param note - where the deprecation message goes
 */
export function engineFromFlags(o: Readonly<Record<string, unknown>>, command: EngineCommand, note: (line: string) => void): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const spec of ENGINE_OPTIONS) {
    if (!spec.commands.includes(command)) continue;
    let v = spec.value.kind === 'switch' ? switchValue(o, spec, spec.value.flagSets) : o[spec.name];
    const old = spec.deprecated;
    if (old !== undefined && o[old.name] !== undefined) {
      note(`${flagName(old)} is deprecated: use ${flagName(spec)} (the same value)`);
      v ??= o[old.name];
    }
    out[spec.name] = v;
  }
  return out;
}
