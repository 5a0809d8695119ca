/**
 * Checked element access: the element at an index that the surrounding code guarantees to exist, with a
 * RangeError (not a silent `undefined`) when that guarantee is broken.
 */

/**
 * `a[i]`.
 * @throws RangeError when `i` is not an index of `a`
 */
export function at<T>(a: ArrayLike<T>, i: number): T {
  const v = a[i];
  if (v === undefined && !(i >= 0 && i < a.length)) throw new RangeError(`index ${i} outside 0..${a.length - 1}`);
  return v as T;
}

/**
 * `a[i][j]`.
 * @throws RangeError when either index is out of range
 */
export function at2<T>(a: ArrayLike<ArrayLike<T>>, i: number, j: number): T {
  return at(at(a, i), j);
}

/**
 * `a[i] += x`.
 * @throws RangeError when `i` is not an index of `a`
 */
export function addAt(a: { [i: number]: number; readonly length: number }, i: number, x: number): void {
  a[i] = at(a, i) + x;
}

/**
 * `record[key]` for a key that the surrounding code guarantees to be an own property of `record`.
 * @throws RangeError naming the key when it is not
 */
export function own<T>(record: Readonly<Record<string, T>>, key: string): T {
  if (!Object.prototype.hasOwnProperty.call(record, key)) throw new RangeError(`no ${JSON.stringify(key)} in ${Object.keys(record).length ? Object.keys(record).join(', ') : 'an empty record'}`);
  return record[key] as T;
}

/** A short description of a value for an argument error: `null`, `undefined`, `number 3`, `string "x"`, `object`. */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return `${typeof v} ${String(v)}`;
  if (Array.isArray(v)) return `an array of ${v.length}`;
  return typeof v === 'object' ? `${v.constructor?.name ?? 'object'}` : typeof v;
}
