/**
 * Validation of synthetic-generation settings. Messages name the option (`count`, `swipe.noiseScale`, …);
 * a wrong type is a `TypeError`, a value out of range a `RangeError`.
 */
import { DEFAULT_SWIPE_OPTIONS, type SwipeOptions } from './generator.js';
import { invalidOption } from '../invalid-option.js';

export { invalidOption };

/** Largest `swipe.noiseScale`: σ stays a few hundred pixels, far inside the int16 coordinate range. */
export const MAX_NOISE_SCALE = 100;
/** Largest `swipe.jitterPx`. */
export const MAX_JITTER_PX = 1000;

function checkNumber(path: string, v: unknown, min: number, max: number, expected: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) throw invalidOption(path, expected, v);
  return v;
}

function checkRange(path: string, v: unknown, min: number): [number, number] {
  if (!Array.isArray(v) || v.length !== 2) throw invalidOption(path, 'a [min, max] pair', v);
  const lo = checkNumber(`${path}[0]`, v[0], min, MAX_INT16, `a number ${min}…${MAX_INT16}`);
  const hi = checkNumber(`${path}[1]`, v[1], lo, MAX_INT16, `a number ${path}[0] (${lo})…${MAX_INT16}`);
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
  const minPoints = checkNumber('swipe.minPoints', o.minPoints, 2, MAX_INT16 + 1, `an integer 2…${MAX_INT16 + 1}`);
  if (!Number.isInteger(minPoints)) throw invalidOption('swipe.minPoints', 'an integer ≥ 2', minPoints);
  const maxPoints = checkNumber('swipe.maxPoints', o.maxPoints, minPoints, MAX_INT16 + 1, `an integer swipe.minPoints (${minPoints})…${MAX_INT16 + 1}`);
  if (!Number.isInteger(maxPoints)) throw invalidOption('swipe.maxPoints', 'an integer', maxPoints);
  return {
    noiseScale: checkNumber('swipe.noiseScale', o.noiseScale, 0, MAX_NOISE_SCALE, `a number 0…${MAX_NOISE_SCALE}`),
    outsideRate: checkNumber('swipe.outsideRate', o.outsideRate, 0, 1, 'a number in 0…1'),
    msPerLetter: checkRange('swipe.msPerLetter', o.msPerLetter, 1),
    startEndMs: checkRange('swipe.startEndMs', o.startEndMs, 0),
    sampleIntervalMs: checkRange('swipe.sampleIntervalMs', o.sampleIntervalMs, 1),
    minPoints,
    maxPoints,
    jitterPx: checkNumber('swipe.jitterPx', o.jitterPx, 0, MAX_JITTER_PX, `a number 0…${MAX_JITTER_PX}`),
  };
}

/** The most swipes one synthesis writes (about 3 GB of JSONL with separated grids). */
export const MAX_SYNTH_COUNT = 10_000_000;

/** The largest time (ms) and coordinate (px) a data file can hold: readers keep them as int16. */
export const MAX_INT16 = 32767;

/** Checks the number of swipes to write: an integer 1…{@link MAX_SYNTH_COUNT}. */
export function checkCount(count: unknown, name = 'count'): number {
  if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 1 || count > MAX_SYNTH_COUNT) {
    throw invalidOption(name, `an integer 1…${MAX_SYNTH_COUNT}`, count);
  }
  return count;
}

/** Letters the finger passes over for `word` (hyphens and apostrophes have no key and are not traced). */
function tracedLetters(word: string): number {
  let n = 0;
  for (const ch of word) if (ch !== '-' && ch !== "'") n++;
  return n;
}

/**
 * Checks, before anything is written, that the longest word's slowest swipe still ends within the int16
 * time range of the data format: `startEndMs[1] + letters · msPerLetter[1] ≤ 32767`.
 * @param words - the vocabulary words with their 1-based lines
 * @param file - the vocabulary file, for the message
 * @throws RangeError naming the file, line and word, with the most letters the settings allow
 */
export function checkWordDurations(words: readonly { word: string; line: number }[], options: SwipeOptions, file = '(vocabulary)'): void {
  const budget = MAX_INT16 - options.startEndMs[1];
  const maxLetters = Math.floor(budget / options.msPerLetter[1]);
  for (const w of words) {
    const letters = tracedLetters(w.word);
    if (letters > maxLetters) {
      throw new RangeError(
        `${file}:${w.line}: word ${JSON.stringify(w.word.length > 40 ? `${w.word.slice(0, 40)}…` : w.word)} has ${letters} letters; ` +
          `its swipe could last ${options.startEndMs[1] + letters * options.msPerLetter[1]} ms, beyond the ${MAX_INT16} ms a data file can hold ` +
          `(at most ${maxLetters} letters with swipe.msPerLetter[1] = ${options.msPerLetter[1]} and swipe.startEndMs[1] = ${options.startEndMs[1]})`,
      );
    }
  }
}

/** Checks the random seed. */
export function checkSeed(seed: unknown): number {
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) throw invalidOption('seed', 'a safe integer', seed);
  return seed;
}
