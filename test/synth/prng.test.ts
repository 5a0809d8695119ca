import { describe, expect, it } from 'vitest';
import { Prng } from '../../lib/synth/prng.js';
import { WordSampler } from '../../lib/synth/sampler.js';
import { at } from '../../lib/util/checked.js';

function draw(seed: number, n: number): number[] {
  const r = new Prng(seed);
  return Array.from({ length: n }, () => r.nextUint32());
}

describe('Prng', () => {
  it('gives the same stream for the same seed and different streams for different seeds', () => {
    expect(draw(42, 100)).toEqual(draw(42, 100));
    expect(draw(42, 100)).not.toEqual(draw(43, 100));
    expect(draw(2 ** 40, 20)).not.toEqual(draw(0, 20));
    expect(draw(-1, 20)).not.toEqual(draw(1, 20));
  });

  it('produces uniform floats in [0, 1) and integers in range', () => {
    const r = new Prng(7);
    const fs = Array.from({ length: 20000 }, () => r.float());
    expect(Math.min(...fs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...fs)).toBeLessThan(1);
    expect(fs.reduce((a, b) => a + b, 0) / fs.length).toBeCloseTo(0.5, 1);
    const counts = new Array<number>(5).fill(0);
    for (let i = 0; i < 5000; i++) {
      const k = r.int(5);
      counts[k] = at(counts, k) + 1;
    }
    for (const c of counts) expect(c).toBeGreaterThan(850);
  });

  it('produces standard normal samples', () => {
    const r = new Prng(11);
    const n = 40000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const v = r.normal();
      s += v;
      s2 += v * v;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.03);
    expect(s2 / n).toBeGreaterThan(0.95);
    expect(s2 / n).toBeLessThan(1.05);
  });

  it('rejects a seed that is not a safe integer', () => {
    expect(() => new Prng(1.5)).toThrow(RangeError);
    expect(() => new Prng(1.5)).toThrow(/seed/);
  });
});

describe('WordSampler', () => {
  it('zipf favours early lines with weight 1/rank, uniform does not', () => {
    const r = new Prng(3);
    const zipf = new WordSampler(1000, 'zipf');
    const uni = new WordSampler(1000, 'uniform');
    let zFirst = 0;
    let uFirst = 0;
    for (let i = 0; i < 20000; i++) {
      if (zipf.next(r) === 0) zFirst++;
      if (uni.next(r) === 0) uFirst++;
    }
    // P(rank 1) = 1 / H(1000) ≈ 0.1336 for zipf, 0.001 for uniform.
    expect(zFirst / 20000).toBeGreaterThan(0.12);
    expect(zFirst / 20000).toBeLessThan(0.15);
    expect(uFirst).toBeLessThan(60);
  });
});
