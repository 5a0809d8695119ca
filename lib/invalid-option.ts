/**
 * The one way neuroswipe phrases a bad option: the dotted option path, what was expected, what was given.
 * A wrong type gives a TypeError, a value out of range a RangeError.
 */
export function invalidOption(path: string, expected: string, actual: unknown): TypeError | RangeError {
  const shown = typeof actual === 'string' ? JSON.stringify(actual) : Array.isArray(actual) ? JSON.stringify(actual) : String(actual);
  const message = `${path}: expected ${expected}, got ${shown}`;
  return typeof actual === 'number' ? new RangeError(message) : new TypeError(message);
}
