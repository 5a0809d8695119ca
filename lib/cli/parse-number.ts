/** Parsing of numeric command-line values, with the flag named in the error. */

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
