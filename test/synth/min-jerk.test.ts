import { describe, expect, it } from 'vitest';
import { minJerk, proportionalKnots } from '../../lib/synth/min-jerk.js';
import { at, at2 } from '../../lib/util/checked.js';

const sampleAt = (pos: number[][], knots: number[], t: number): number[] => at(minJerk(pos, knots, [t]), 0);

describe('minJerk', () => {
  it('is the single point-to-point quintic when the via-point lies on it (symmetric case)', () => {
    const pos = [[0], [1], [2]];
    const knots = [0, 1, 2];
    for (const t of [0, 0.3, 0.7, 1, 1.4, 2]) {
      const s = t / 2;
      expect(sampleAt(pos, knots, t)[0]).toBeCloseTo(2 * (10 * s ** 3 - 15 * s ** 4 + 6 * s ** 5), 12);
    }
  });

  it('passes through every via-point at its passage time and starts and ends at rest', () => {
    const pos = [[10, 20], [300, 80], [250, 400], [900, 250], [1000, 90]];
    const knots = proportionalKnots(pos, 700, 30);
    const samples = minJerk(pos, knots, knots);
    samples.forEach((p, i) => {
      expect(p[0]).toBeCloseTo(at(at(pos, i), 0), 8);
      expect(p[1]).toBeCloseTo(at(at(pos, i), 1), 8);
    });
    const h = 1e-3;
    const start = minJerk(pos, knots, [0, h]);
    expect(Math.abs(at2(start, 1, 0) - at2(start, 0, 0)) / h).toBeLessThan(1e-3);
    const end = minJerk(pos, knots, [700 - h, 700]);
    expect(Math.abs(at2(end, 1, 1) - at2(end, 0, 1)) / h).toBeLessThan(1e-3);
  });

  it('has continuous velocity, acceleration and jerk at interior via-points (the optimality conditions)', () => {
    const pos = [[0], [120], [40], [300], [310], [90]];
    const knots = [0, 90, 200, 260, 330, 500];
    const h = 0.02;
    for (let k = 1; k < pos.length - 1; k++) {
      const tk = at(knots, k);
      const L = minJerk(pos, knots, [tk - 3 * h, tk - 2 * h, tk - h, tk]).map((p) => at(p, 0));
      const R = minJerk(pos, knots, [tk, tk + h, tk + 2 * h, tk + 3 * h]).map((p) => at(p, 0));
      // One-sided differences (each side stays inside its own segment).
      const velL = (at(L, 3) - at(L, 2)) / h;
      const velR = (at(R, 1) - at(R, 0)) / h;
      const accL = (at(L, 3) - 2 * at(L, 2) + at(L, 1)) / h ** 2;
      const accR = (at(R, 2) - 2 * at(R, 1) + at(R, 0)) / h ** 2;
      const jerkL = (at(L, 3) - 3 * at(L, 2) + 3 * at(L, 1) - at(L, 0)) / h ** 3;
      const jerkR = (at(R, 3) - 3 * at(R, 2) + 3 * at(R, 1) - at(R, 0)) / h ** 3;
      expect(Math.abs(velL - velR)).toBeLessThan(0.01);
      expect(Math.abs(accL - accR)).toBeLessThan(0.01);
      expect(Math.abs(jerkL - jerkR)).toBeLessThan(0.01 * Math.max(1e-3, Math.abs(jerkL)) + 1e-4);
    }
  });

  it('rejects passage times that do not increase', () => {
    expect(() => minJerk([[0], [1], [2]], [0, 1, 1], [0])).toThrow(/knots/);
    expect(() => minJerk([[0]], [0], [0])).toThrow(/at least 2/);
  });
});

describe('proportionalKnots', () => {
  it('spreads the duration over segments in proportion to length plus the floor', () => {
    expect(proportionalKnots([[0, 0], [30, 40], [30, 40]], 100, 10)).toEqual([0, (100 * 60) / 70, 100]);
  });
});
