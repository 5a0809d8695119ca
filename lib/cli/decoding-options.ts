/** The vocabulary flags' rule that `decode` and `serve` share (the engine flags are declared in lib/options/engine.ts). */
/**
 * The vocabulary flags' one rule, for `decode` and `serve`: `--use-vocab` needs `--vocab`, and `--vocab` is
 * read only by `--use-vocab` (or `--repair`, where the command has it); a `--vocab` nothing reads is refused
 * rather than silently ignored.
 * @param o - the command's flags (`repair` undefined where the command has no --repair)
 * @throws Error naming the flags
 */
export function checkVocabFlags(o: { vocab?: string; useVocab?: boolean; repair?: string }, hasRepair: boolean): void {
  if (o.useVocab && !o.vocab) throw new Error('--use-vocab needs --vocab <file>');
  if (o.vocab && !o.useVocab && o.repair === undefined) {
    throw new Error(`--vocab ${o.vocab} is only read with --use-vocab (restrict the outputs to its words)${hasRepair ? ' or --repair' : ''}: add ${hasRepair ? 'one' : 'it'}, or drop --vocab`);
  }
}
