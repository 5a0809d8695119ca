/**
 * Errors for bad input lines, and a report that collects them when bad lines are skipped.
 */

/** An input line that cannot be used; the message names the file, the 1-based line number and the field. */
export class BadLineError extends Error {
  /** Input file. */
  readonly file: string;
  /** 0-based line index (the swipe's original index). */
  readonly index: number;
  /** Dotted field path inside the line (`curve.x[3]`), or `(line)` for the whole line. */
  readonly field: string;
  /** The problem, without the location. */
  readonly problem: string;

  /**
   * @param file - input file
   * @param index - 0-based line index
   * @param field - dotted field path
   * @param problem - what is wrong
   */
  constructor(file: string, index: number, field: string, problem: string) {
    super(`${file}:${index + 1}: ${field}: ${problem}`);
    this.name = 'BadLineError';
    this.file = file;
    this.index = index;
    this.field = field;
    this.problem = problem;
  }
}

/** Collects skipped bad lines: a count plus the first few messages. */
export class BadLineReport {
  /** Number of bad lines seen. */
  count = 0;
  /** Messages of the first {@link keep} bad lines. */
  readonly first: string[] = [];
  /** How many messages are kept (default 10). */
  readonly keep: number;

  /** @param keep - how many messages to keep */
  constructor(keep = 10) {
    this.keep = keep;
  }

  /** Records one bad line. Bound, so it can be passed directly as `onBadLine`. */
  readonly add = (err: BadLineError): void => {
    this.count++;
    if (this.first.length < this.keep) this.first.push(err.message);
  };

  /** Multi-line human-readable summary; empty string when nothing was skipped. */
  summary(): string {
    if (this.count === 0) return '';
    const more = this.count > this.first.length ? `\n  … and ${this.count - this.first.length} more` : '';
    return `skipped ${this.count} bad line${this.count === 1 ? '' : 's'}:\n  ${this.first.join('\n  ')}${more}`;
  }
}
