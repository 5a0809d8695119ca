/** Parsing of numeric command-line values, with the flag named in the error. */
import { InvalidArgumentError } from 'commander';

/**
 * `text` as a number.
 * @param flag - the option, for the message (e.g. `--count`)
 * @param integer - require an integer
 * @throws Error `--flag: expected an integer, got "x"` for empty, non-finite or (with `integer`) fractional input
 */
export function parseNumber(flag: string, text: string, integer: boolean): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || (integer && !Number.isInteger(v))) {
    throw new Error(`${flag}: expected ${integer ? 'an integer' : 'a number'}, got ${JSON.stringify(text)}`);
  }
  return v;
}

/**
 * An optional integer option that must be ≥ 1.
 * @throws RangeError `--flag: expected an integer ≥ 1, got "x"`
 */
export function positiveInt(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${flag}: expected an integer ≥ 1, got ${JSON.stringify(text)}`);
  return n;
}

/** Commander collector for a repeatable option (`--set a=1 --set b=2`). */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/**
 * A commander argument parser for an integer option in `min`…`max`, so the option's value (and its
 * default, shown by `--help`) is a number. A bad value is commander's error naming the option:
 * `error: option '--threads <n>' argument '0' is invalid. expected an integer ≥ 1`.
 * @param min - smallest value accepted
 * @param max - largest value accepted (default: none)
 */
export function integerArg(min: number, max = Infinity): (text: string) => number {
  return (text) => {
    const v = Number(text);
    if (text.trim() === '' || !Number.isInteger(v) || v < min || v > max) {
      throw new InvalidArgumentError(max === Infinity ? `expected an integer ≥ ${min}` : `expected an integer in ${min}..${max}`);
    }
    return v;
  };
}

/**
 * A commander argument parser for a finite number option ≥ `min`.
 * @param min - smallest value accepted (default: any)
 */
export function numberArg(min = -Infinity): (text: string) => number {
  return (text) => {
    const v = Number(text);
    if (text.trim() === '' || !Number.isFinite(v) || v < min) {
      throw new InvalidArgumentError(min === -Infinity ? 'expected a number' : `expected a number ≥ ${min}`);
    }
    return v;
  };
}
