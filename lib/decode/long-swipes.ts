/**
 * Swipes with more points than the model's positional table (`max_curve_len`): fail on the first, naming
 * `file:line` and the field, or skip them and report how many and which lines.
 */
import { BadLineError } from '../io/bad-line.js';

/** What to do with a swipe longer than the model accepts. */
export type LongSwipePolicy = 'fail' | 'skip';

/** The policies, for option validation. */
export const LONG_SWIPE_POLICIES: readonly LongSwipePolicy[] = ['fail', 'skip'];

/**
 * Checks a policy name (`--long-swipes`).
 * @param value - the given value
 * @param flag - the option's name, for the message
 * @throws RangeError naming the option
 */
export function parseLongSwipePolicy(value: string, flag = '--long-swipes'): LongSwipePolicy {
  if (!(LONG_SWIPE_POLICIES as readonly string[]).includes(value)) throw new RangeError(`${flag}: expected ${LONG_SWIPE_POLICIES.join(' or ')}, got ${JSON.stringify(value)}`);
  return value as LongSwipePolicy;
}

/**
 * The error of a swipe that is too long: `file:line: curve.x: N points, but the model accepts at most M`.
 * @param file - the data file
 * @param index - the swipe's 0-based line index
 * @param points - its number of points
 * @param max - the model's `max_curve_len`
 */
export function longSwipeError(file: string, index: number, points: number, max: number): BadLineError {
  return new BadLineError(file, index, 'curve.x', `${points} points, but the model accepts at most ${max} (max_curve_len); pass --long-swipes skip to decode the other swipes`);
}

/** Skipped long swipes: their count and the first few lines. */
export class LongSwipeReport {
  /** Swipes skipped. */
  count = 0;
  /** 1-based line numbers of the first {@link keep} skipped swipes. */
  readonly lines: number[] = [];

  /**
   * @param file - the data file
   * @param max - the model's `max_curve_len`
   * @param keep - how many line numbers are kept (default 20)
   */
  constructor(
    readonly file: string,
    readonly max: number,
    readonly keep = 20,
  ) {}

  /** Records a skipped swipe by its 0-based line index. */
  add(index: number): void {
    this.count++;
    if (this.lines.length < this.keep) this.lines.push(index + 1);
  }

  /** One line for stderr and summaries; null when nothing was skipped. */
  summary(): string | null {
    if (this.count === 0) return null;
    const more = this.count > this.lines.length ? `, … (${this.count} in all)` : '';
    return `${this.file}: skipped ${this.count} swipe${this.count === 1 ? '' : 's'} longer than ${this.max} points (max_curve_len), line${this.count === 1 ? '' : 's'} ${this.lines.join(', ')}${more}`;
  }
}
