/**
 * The vocabulary flags' one rule, for `decode` and `serve` (the engine flags are declared in
 * lib/options/engine.ts): `--use-vocab` needs `--vocab`, and `--vocab` is read only by `--use-vocab` or by an
 * option that reads the vocabulary's words (`--repair`, where the command has it); a `--vocab` nothing reads
 * is refused rather than silently ignored.
 */
import { flagName } from '../options/cli.js';
import type { OptionSpec } from '../options/schema.js';

/**
 * Checks the vocabulary flags.
 * @param o - the command's vocabulary flags
 * @param readers - the command's options that read the vocabulary's words (lib/options/rules.ts `VOCABULARY_WORD_READERS`)
 * @param given - the command's flags, by option name
 * @throws Error naming the flags
 */
export function checkVocabFlags(o: { vocab?: string; useVocab?: boolean }, readers: readonly OptionSpec[], given: Readonly<Record<string, unknown>>): void {
  if (o.useVocab && !o.vocab) throw new Error('--use-vocab needs --vocab <file>');
  if (o.vocab && !o.useVocab && !readers.some((r) => given[r.name] !== undefined)) {
    const or = readers.map((r) => ` or ${flagName(r)}`).join('');
    throw new Error(`--vocab ${o.vocab} is only read with --use-vocab (restrict the outputs to its words)${or}: add ${readers.length > 0 ? 'one' : 'it'}, or drop --vocab`);
  }
}
