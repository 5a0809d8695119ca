/** String order by Unicode code point, as Python compares `str` values. */

/** Maps a UTF-16 code unit so that unit order equals code-point order (surrogates sort above the BMP). */
function orderUnit(c: number): number {
  if (c >= 0xd800 && c <= 0xdfff) return c + 0x2000;
  if (c >= 0xe000) return c - 0x800;
  return c;
}

/**
 * Compares two strings by Unicode code point (Python's `str` order).
 * @returns negative, zero or positive
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca !== cb) return orderUnit(ca) - orderUnit(cb);
  }
  return a.length - b.length;
}
