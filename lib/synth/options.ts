/**
 * Validation of synthetic-generation settings. Messages name the option (`count`, `swipe.noiseScale`, …);
 * a wrong type is a `TypeError`, a value out of range a `RangeError`.
 */
import { DEFAULT_SWIPE_OPTIONS, type SwipeOptions } from './generator.js';
import { invalidOption } from '../invalid-option.js';

export { invalidOption };

function checkNumber(path: string, v: unknown, min: number, max: number, expected: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) throw invalidOption(path, expected, v);
  return v;
}

function checkRange(path: string, v: unknown, min: number): [number, number] {
  if (!Array.isArray(v) || v.length !== 2) throw invalidOption(path, 'a [min, max] pair', v);
  const lo = checkNumber(`${path}[0]`, v[0], min, Infinity, `a number ≥ ${min}`);
  const hi = checkNumber(`${path}[1]`, v[1], lo, Infinity, `a number ≥ ${path}[0] (${lo})`);
  return [lo, hi];
}

/**
 * Fills the defaults of {@link SwipeOptions} and checks every field.
 * @throws TypeError or RangeError naming `swipe.<field>`; unknown fields are errors too
 */
export function resolveSwipeOptions(partial: Partial<SwipeOptions> = {}): SwipeOptions {
  for (const key of Object.keys(partial)) {
    if (!(key in DEFAULT_SWIPE_OPTIONS)) throw new TypeError(`swipe.${key}: unknown option`);
  }
  const o = { ...DEFAULT_SWIPE_OPTIONS, ...partial };
  const minPoints = checkNumber('swipe.minPoints', o.minPoints, 2, Infinity, 'an integer ≥ 2');
  if (!Number.isInteger(minPoints)) throw invalidOption('swipe.minPoints', 'an integer ≥ 2', minPoints);
  const maxPoints = checkNumber('swipe.maxPoints', o.maxPoints, minPoints, Infinity, `an integer ≥ swipe.minPoints (${minPoints})`);
  if (!Number.isInteger(maxPoints)) throw invalidOption('swipe.maxPoints', 'an integer', maxPoints);
  return {
    noiseScale: checkNumber('swipe.noiseScale', o.noiseScale, 0, Infinity, 'a number ≥ 0'),
    outsideRate: checkNumber('swipe.outsideRate', o.outsideRate, 0, 1, 'a number in 0…1'),
    msPerLetter: checkRange('swipe.msPerLetter', o.msPerLetter, 1),
    startEndMs: checkRange('swipe.startEndMs', o.startEndMs, 0),
    sampleIntervalMs: checkRange('swipe.sampleIntervalMs', o.sampleIntervalMs, 1),
    minPoints,
    maxPoints,
    jitterPx: checkNumber('swipe.jitterPx', o.jitterPx, 0, Infinity, 'a number ≥ 0'),
  };
}

/** Checks the number of swipes to write. */
export function checkCount(count: unknown): number {
  if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 1) throw invalidOption('count', 'an integer ≥ 1', count);
  return count;
}

/** Checks the random seed. */
export function checkSeed(seed: unknown): number {
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) throw invalidOption('seed', 'a safe integer', seed);
  return seed;
}
