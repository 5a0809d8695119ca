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
