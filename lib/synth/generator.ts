/**
 * One synthetic swipe: a minimum-jerk curve through the word's key centres, each moved by touch noise,
 * sampled at integer millisecond times and rounded to integer pixels.
 *
 * Model (all draws from the seeded {@link Prng}, in a fixed order):
 * 1. Via-points: the key centres of the traced letters, consecutive repeats collapsed into one; each is
 *    moved by the dual-Gaussian touch noise σx² = 0.0075·Wx² + 1.68, σy² = 0.0108·Wy² + 1.33 (W = that
 *    key's width/height, docs/SEED.md §11), both σ multiplied by `noiseScale`. A word with a single distinct
 *    letter gets a short second via-point (σ = a quarter of the key size) so that the finger still moves.
 * 2. Outside points: with probability `outsideRate` one end (start or end, even odds) gets an extra
 *    via-point 4…30 px beyond the keyboard edge nearest to that end's key. Only these swipes keep points
 *    outside `[0, width) × [0, height)`: in all others points are clamped into the keyboard, so the share
 *    of swipes with outside points is `outsideRate`.
 * 3. Duration D (ms) = U(startEndMs) + letters · U(msPerLetter), one per-letter speed per swipe, letters =
 *    traced letters counting repeats.
 * 4. Sampling: interval U(sampleIntervalMs) per swipe; P = round(D / interval) + 1 points clamped to
 *    `[minPoints, maxPoints]` (long words are sampled more rarely); times evenly spread over [0, D] with a
 *    ±35 % jitter of one interval, rounded to integers and made strictly increasing, first 0, last D.
 * 5. Passage times proportional to segment length plus 30 px (instead of the seed's Nelder–Mead
 *    optimisation); the trajectory is sampled at the times, each coordinate gets N(0, jitterPx²) and is
 *    rounded.
 */
import { minJerk, proportionalKnots } from './min-jerk.js';
import type { LetterKey, LetterLayout } from './layout.js';
import type { Prng } from './prng.js';
import { at, at2 } from '../util/checked.js';

/** Generator settings; every field has a default in {@link DEFAULT_SWIPE_OPTIONS}. */
export interface SwipeOptions {
  /** Multiplier of the dual-Gaussian touch-noise σ. Default 1.5, range ≥ 0. */
  noiseScale: number;
  /** Share of swipes with points outside the keyboard. Default 0.03, range 0…1. */
  outsideRate: number;
  /** Per-letter time range [min, max] in ms. Default [30, 80]. */
  msPerLetter: [number, number];
  /** Extra time for starting and ending the swipe [min, max] in ms. Default [60, 200]. */
  startEndMs: [number, number];
  /** Sampling interval range [min, max] in ms. Default [5, 15]. */
  sampleIntervalMs: [number, number];
  /** Fewest points of a curve. Default 4 (the real data's minimum), range ≥ 2. */
  minPoints: number;
  /** Most points of a curve. Default 299 (the real data's maximum). */
  maxPoints: number;
  /** σ of the per-point position jitter in px. Default 1, range ≥ 0. */
  jitterPx: number;
}

/** The default generator settings (see {@link SwipeOptions}). */
export const DEFAULT_SWIPE_OPTIONS: Readonly<SwipeOptions> = Object.freeze({
  noiseScale: 1.5,
  outsideRate: 0.03,
  msPerLetter: [30, 80] as [number, number],
  startEndMs: [60, 200] as [number, number],
  sampleIntervalMs: [5, 15] as [number, number],
  minPoints: 4,
  maxPoints: 299,
  jitterPx: 1,
});

/** A generated curve: integer pixels and integer, strictly increasing milliseconds starting at 0. */
export interface SwipeCurve {
  x: number[];
  y: number[];
  t: number[];
}

/** Extra time-weight (px) added to every segment length when spreading passage times. */
const SEGMENT_FLOOR_PX = 30;

function touchSigma(key: LetterKey, scale: number): [number, number] {
  return [scale * Math.sqrt(0.0075 * key.w ** 2 + 1.68), scale * Math.sqrt(0.0108 * key.h ** 2 + 1.33)];
}

/** A via-point beyond the keyboard edge nearest to `key`. */
function outsidePoint(key: LetterKey, layout: LetterLayout, rng: Prng): number[] {
  const beyond = rng.uniform(4, 30);
  const along = rng.normal() * key.w * 0.25;
  const edges = [key.cx, layout.width - key.cx, key.cy, layout.height - key.cy];
  let e = 0;
  for (const [i, d] of edges.entries()) if (d < at(edges, e)) e = i;
  if (e === 0) return [-beyond, key.cy + along];
  if (e === 1) return [layout.width + beyond, key.cy + along];
  if (e === 2) return [key.cx + along, -beyond];
  return [key.cx + along, layout.height + beyond];
}

/** Integer sample times: P values, first 0, last D, strictly increasing. */
function sampleTimes(duration: number, points: number, rng: Prng): number[] {
  const step = duration / (points - 1);
  const t = new Array<number>(points);
  t[0] = 0;
  for (let i = 1; i < points - 1; i++) t[i] = Math.round(i * step + rng.uniform(-0.35, 0.35) * step);
  t[points - 1] = duration;
  for (let i = 1; i < points; i++) {
    const prev = at(t, i - 1);
    if (at(t, i) <= prev) t[i] = prev + 1;
  }
  for (let i = points - 2; i >= 0; i--) {
    const next = at(t, i + 1);
    if (at(t, i) >= next) t[i] = next - 1;
  }
  return t;
}

/**
 * Generates one swipe for the letters `trace` (every letter must have a key in `layout`).
 * @throws Error when `trace` is empty or has a letter without a key
 */
export function generateSwipe(trace: string, layout: LetterLayout, rng: Prng, options: SwipeOptions = DEFAULT_SWIPE_OPTIONS): SwipeCurve {
  const letters = Array.from(trace);
  if (letters.length === 0) throw new Error('generateSwipe: empty trace');
  const keys: LetterKey[] = [];
  for (const ch of letters) {
    const key = layout.keys.get(ch);
    if (key === undefined) throw new Error(`generateSwipe: letter ${JSON.stringify(ch)} has no key on grid ${JSON.stringify(layout.gridName)}`);
    if (keys.length === 0 || keys[keys.length - 1] !== key) keys.push(key);
  }
  const via: number[][] = keys.map((k) => {
    const [sx, sy] = touchSigma(k, options.noiseScale);
    return [k.cx + rng.normal() * sx, k.cy + rng.normal() * sy];
  });
  const first = at(keys, 0);
  if (via.length === 1) {
    const [vx, vy] = [at2(via, 0, 0), at2(via, 0, 1)];
    via.push([vx + rng.normal() * first.w * 0.25, vy + rng.normal() * first.h * 0.25]);
  }
  const outside = rng.chance(options.outsideRate);
  if (outside) {
    if (rng.chance(0.5)) via.unshift(outsidePoint(first, layout, rng));
    else via.push(outsidePoint(at(keys, keys.length - 1), layout, rng));
  }

  const perLetter = rng.uniform(options.msPerLetter[0], options.msPerLetter[1]);
  const duration = Math.max(options.minPoints - 1, Math.round(rng.uniform(options.startEndMs[0], options.startEndMs[1]) + letters.length * perLetter));
  const interval = rng.uniform(options.sampleIntervalMs[0], options.sampleIntervalMs[1]);
  const points = Math.min(Math.max(Math.round(duration / interval) + 1, options.minPoints), options.maxPoints, duration + 1);
  const t = sampleTimes(duration, points, rng);

  const knots = proportionalKnots(via, duration, SEGMENT_FLOOR_PX);
  const traj = minJerk(via, knots, t);
  const x = new Array<number>(points);
  const y = new Array<number>(points);
  for (const [i, p] of traj.entries()) {
    let px = Math.round(at(p, 0) + rng.normal() * options.jitterPx);
    let py = Math.round(at(p, 1) + rng.normal() * options.jitterPx);
    if (!outside) {
      px = Math.min(Math.max(px, 0), layout.width - 1);
      py = Math.min(Math.max(py, 0), layout.height - 1);
    }
    x[i] = px;
    y[i] = py;
  }
  if (outside) forceOutsideEnd(x, y, layout);
  return { x, y, t };
}

/** Makes sure a rounded outside end really lies outside (jitter could pull a 2 px overshoot back in). */
function forceOutsideEnd(x: number[], y: number[], layout: LetterLayout): void {
  const isOut = (i: number): boolean => {
    const [xi, yi] = [at(x, i), at(y, i)];
    return xi < 0 || yi < 0 || xi >= layout.width || yi >= layout.height;
  };
  if (isOut(0) || isOut(x.length - 1)) return;
  // The jitter moved the end back inside: push it one pixel past the nearest edge.
  for (const i of [0, x.length - 1]) {
    const [xi, yi] = [at(x, i), at(y, i)];
    const d = [xi, layout.width - 1 - xi, yi, layout.height - 1 - yi] as const;
    const m = Math.min(...d);
    if (m > 4) continue;
    if (m === d[0]) x[i] = -1;
    else if (m === d[1]) x[i] = layout.width;
    else if (m === d[2]) y[i] = -1;
    else y[i] = layout.height;
    return;
  }
}
