/**
 * The one way neuroswipe phrases a bad option: the dotted option path, what was expected, what was given.
 * A wrong type gives an {@link OptionTypeError}, a value out of range an {@link OptionRangeError}; both carry
 * the option's path and the problem apart from the message, so that callers name the option in their own
 * words (a config field, a request field) without reading the message.
 */

/** A bad option of the wrong type or kind (a TypeError naming the option). */
export class OptionTypeError extends TypeError {
  /** Dotted option path, e.g. `decoding.beamSize`. */
  readonly option: string;
  /** What is wrong, without the path (`expected …, got …`). */
  readonly problem: string;

  /**
   * @param option - dotted option path
   * @param problem - what is wrong with it
   */
  constructor(option: string, problem: string) {
    super(`${option}: ${problem}`);
    this.name = 'TypeError';
    this.option = option;
    this.problem = problem;
  }
}

/** A bad option value out of its range (a RangeError naming the option). */
export class OptionRangeError extends RangeError {
  /** Dotted option path, e.g. `decoding.beamSize`. */
  readonly option: string;
  /** What is wrong, without the path (`expected …, got …`). */
  readonly problem: string;

  /**
   * @param option - dotted option path
   * @param problem - what is wrong with it
   */
  constructor(option: string, problem: string) {
    super(`${option}: ${problem}`);
    this.name = 'RangeError';
    this.option = option;
    this.problem = problem;
  }
}

/** The option an error names, when it is an {@link OptionTypeError} or {@link OptionRangeError}; else null. */
export function optionOf(err: unknown): { option: string; problem: string } | null {
  return err instanceof OptionTypeError || err instanceof OptionRangeError ? { option: err.option, problem: err.problem } : null;
}

/** `path: expected <expected>, got <actual>`: a RangeError for a number, else a TypeError. */
export function invalidOption(path: string, expected: string, actual: unknown): OptionTypeError | OptionRangeError {
  const shown = typeof actual === 'string' ? JSON.stringify(actual) : Array.isArray(actual) ? JSON.stringify(actual) : String(actual);
  const problem = `expected ${expected}, got ${shown}`;
  return typeof actual === 'number' ? new OptionRangeError(path, problem) : new OptionTypeError(path, problem);
}
