/**
 * The one way neuroswipe phrases a bad option: the dotted option path, what was expected, what was given.
 * A wrong type gives an {@link OptionTypeError}, a value out of range an {@link OptionRangeError}; both carry
 * the option's path and the problem apart from the message, so that callers name the option in their own
 * words (a config field, a request field) without reading the message.
 */

/** What an option error carries besides its message. */
export interface OptionFault {
  /** Dotted option path, e.g. `decoding.beamSize`. */
  readonly option: string;
  /** What is wrong, without the path (`expected …, got …`). */
  readonly problem: string;
}

/** The error class of `Base` (TypeError or RangeError) that carries an {@link OptionFault}. */
function optionErrorClass(Base: TypeErrorConstructor | RangeErrorConstructor, name: string) {
  // TypeError and RangeError have the same shape: one parent type serves both.
  const Parent: TypeErrorConstructor = Base;
  return class extends Parent implements OptionFault {
    readonly option: string;
    readonly problem: string;

    /**
     * @param option - dotted option path
     * @param problem - what is wrong with it
     */
    constructor(option: string, problem: string) {
      super(`${option}: ${problem}`);
      this.name = name;
      this.option = option;
      this.problem = problem;
    }
  };
}

/** A bad option of the wrong type or kind (a TypeError naming the option). */
export const OptionTypeError = optionErrorClass(TypeError, 'TypeError');
/** A bad option of the wrong type or kind (a TypeError naming the option). */
export type OptionTypeError = InstanceType<typeof OptionTypeError>;

/** A bad option value out of its range (a RangeError naming the option). */
export const OptionRangeError = optionErrorClass(RangeError, 'RangeError');
/** A bad option value out of its range (a RangeError naming the option). */
export type OptionRangeError = InstanceType<typeof OptionRangeError>;

/** The option an error names, when it is an {@link OptionTypeError} or {@link OptionRangeError}; else null. */
export function optionOf(err: unknown): { option: string; problem: string } | null {
  return err instanceof OptionTypeError || err instanceof OptionRangeError ? { option: err.option, problem: err.problem } : null;
}

/** `path: expected <expected>, got <actual>`: an {@link OptionRangeError} for a number, else an {@link OptionTypeError} . */
export function invalidOption(path: string, expected: string, actual: unknown): Error & OptionFault {
  const shown = typeof actual === 'string' ? JSON.stringify(actual) : Array.isArray(actual) ? JSON.stringify(actual) : String(actual);
  const problem = `expected ${expected}, got ${shown}`;
  return typeof actual === 'number' ? new OptionRangeError(path, problem) : new OptionTypeError(path, problem);
}
