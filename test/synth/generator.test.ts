import { describe, expect, it } from 'vitest';
import { generateSwipe } from '../../lib/synth/generator.js';
import { Prng } from '../../lib/synth/prng.js';
import { resolveSwipeOptions } from '../../lib/synth/options.js';
import { synthesizeSwipes } from '../../lib/synth/synthesize.js';
import { isSubsequence, layoutOf, nearestSequence, outside, smallWords } from './helpers.js';
import { at } from '../../lib/util/checked.js';

const collapse = (s: string): string => s.replace(/(.)\1+/gu, '$1');

for (const gridName of ['default', 'extra', 'qwerty']) {
  describe(`synthetic swipes on the real ${gridName} grid`, () => {
    const layout = layoutOf(gridName);
    const words = smallWords(gridName);
    const samples = [...synthesizeSwipes(words, layout, 1500, 2024)];
    const wordOf = new Map(words.map((w) => [w.word, w.trace]));

    it('has integer points, times from 0 strictly increasing, and 4…299 points', () => {
      for (const { curve } of samples) {
        const n = curve.x.length;
        expect(curve.y.length).toBe(n);
        expect(curve.t.length).toBe(n);
        expect(n).toBeGreaterThanOrEqual(4);
        expect(n).toBeLessThanOrEqual(299);
        expect(curve.t[0]).toBe(0);
        for (let i = 0; i < n; i++) {
          if (!Number.isInteger(curve.x[i]) || !Number.isInteger(curve.y[i]) || !Number.isInteger(curve.t[i])) throw new Error(`non-integer point ${i}`);
          if (i > 0 && at(curve.t, i) <= at(curve.t, i - 1)) throw new Error(`t not increasing at ${i}: ${curve.t.join(',')}`);
        }
      }
    });

    it('starts and ends near the first and last letter keys', () => {
      for (const { word, curve } of samples) {
        const trace = wordOf.get(word)!;
        const first = layout.keys.get(at(trace, 0))!;
        const last = layout.keys.get(at(trace, trace.length - 1))!;
        const n = curve.x.length;
        const isOut = curve.x.some((x, i) => outside(layout, x, at(curve.y, i)));
        // Forced-outside swipes may run to the nearest keyboard edge: allow two key heights more there.
        const slack = isOut ? 3 * first.h : first.h;
        expect(Math.hypot(at(curve.x, 0) - first.cx, at(curve.y, 0) - first.cy)).toBeLessThan(slack);
        expect(Math.hypot(at(curve.x, n - 1) - last.cx, at(curve.y, n - 1) - last.cy)).toBeLessThan(isOut ? 3 * last.h : last.h);
      }
    });

    it('passes over the word letters in order for most swipes', () => {
      let ok = 0;
      for (const { word, curve } of samples) {
        if (isSubsequence(collapse(wordOf.get(word)!), nearestSequence(layout, curve.x, curve.y))) ok++;
      }
      expect(ok / samples.length).toBeGreaterThan(0.9);
    });

    it('puts points outside the keyboard in about outsideRate (3 %) of the swipes and nowhere else', () => {
      const out = samples.filter(({ curve }) => curve.x.some((x, i) => outside(layout, x, at(curve.y, i)))).length;
      // 1500 draws at p = 0.03: mean 45, sd ≈ 6.6.
      expect(out).toBeGreaterThanOrEqual(25);
      expect(out).toBeLessThanOrEqual(65);
    });
  });
}

describe('generateSwipe settings', () => {
  const layout = layoutOf('default');
  const words = smallWords('default');

  it('outsideRate 0 keeps every point on the keyboard and 1 puts an end outside in every swipe', () => {
    const none = [...synthesizeSwipes(words, layout, 300, 5, 'uniform', { outsideRate: 0 })];
    expect(none.every(({ curve }) => curve.x.every((x, i) => !outside(layout, x, at(curve.y, i))))).toBe(true);
    const all = [...synthesizeSwipes(words, layout, 300, 5, 'uniform', { outsideRate: 1 })];
    for (const { curve } of all) {
      const n = curve.x.length;
      expect(outside(layout, at(curve.x, 0), at(curve.y, 0)) || outside(layout, at(curve.x, n - 1), at(curve.y, n - 1))).toBe(true);
    }
  });

  it('keeps the longest competition word within 299 points by sampling more rarely', () => {
    const rng = new Prng(1);
    const trace = 'информационнотелекоммуникационной';
    for (let i = 0; i < 50; i++) {
      const c = generateSwipe(trace, layout, rng);
      expect(c.x.length).toBeLessThanOrEqual(299);
      expect(c.t[c.t.length - 1]).toBeGreaterThan(trace.length * 30);
    }
  });

  it('takes 30…80 ms per letter plus 60…200 ms', () => {
    const rng = new Prng(9);
    for (let i = 0; i < 200; i++) {
      const c = generateSwipe('привет', layout, rng);
      const d = c.t[c.t.length - 1];
      expect(d).toBeGreaterThanOrEqual(60 + 6 * 30 - 1);
      expect(d).toBeLessThanOrEqual(200 + 6 * 80 + 1);
    }
  });

  it('gives a moving curve for a word with one distinct letter', () => {
    const c = generateSwipe('аа', layout, new Prng(4));
    expect(c.x.length).toBeGreaterThanOrEqual(4);
    expect(new Set(c.x.map((x, i) => `${x},${c.y[i]}`)).size).toBeGreaterThan(1);
  });

  it('rejects letters without a key and bad settings, naming the option', () => {
    expect(() => generateSwipe('объем', layout, new Prng(1))).toThrow(/"ъ" has no key on grid "default"/);
    expect(() => resolveSwipeOptions({ noiseScale: -1 })).toThrow(RangeError);
    expect(() => resolveSwipeOptions({ noiseScale: -1 })).toThrow(/swipe\.noiseScale/);
    expect(() => resolveSwipeOptions({ outsideRate: 2 })).toThrow(/swipe\.outsideRate/);
    expect(() => resolveSwipeOptions({ msPerLetter: [80, 30] })).toThrow(/swipe\.msPerLetter\[1\]/);
    expect(() => resolveSwipeOptions({ maxPoints: 3 })).toThrow(/swipe\.maxPoints/);
    expect(() => resolveSwipeOptions({ bogus: 1 } as never)).toThrow(/swipe\.bogus: unknown option/);
  });
});
