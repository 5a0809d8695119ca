import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { featuresJsonLine, formatFloat32 } from '../../lib/features/json-line.js';

describe('formatFloat32', () => {
  it('prints the shortest text that reads back as the same float32', () => {
    expect(formatFloat32(Math.fround(0.1))).toBe('0.1');
    expect(formatFloat32(Math.fround(-10.5600004196167))).toBe('-10.56');
    expect(formatFloat32(5.5)).toBe('5.5');
    expect(formatFloat32(0)).toBe('0');
    expect(formatFloat32(-0)).toBe('0');
    expect(formatFloat32(Math.fround(4.5772958401357755e-7))).toBe('4.5772958e-7');
    expect(formatFloat32(NaN)).toBe('null');
    expect(formatFloat32(-Infinity)).toBe('null');
  });

  it('round-trips every finite float32', () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true, noDefaultInfinity: true }), (v) => {
        const s = formatFloat32(v);
        expect(Math.fround(JSON.parse(s))).toBe(Object.is(v, -0) ? 0 : v);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('featuresJsonLine', () => {
  it('prints nearest tokens flat and weights as rows; traj rows empty for key-only features', () => {
    const line = featuresJsonLine(4, 'extra', { length: 2, nTrajFeats: 0, traj: new Float32Array(0), keyKind: 'nearest', nKeyColumns: 0, keys: Int32Array.from([23, 0]) });
    expect(JSON.parse(line)).toEqual({ index: 4, grid_name: 'extra', traj: [[], []], keys: [23, 0] });
    const w = featuresJsonLine(0, 'default', { length: 1, nTrajFeats: 2, traj: Float32Array.from([0.5, 0.25]), keyKind: 'xy', nKeyColumns: 2, keys: Float32Array.from([3, 4]) });
    expect(w).toBe('{"index":0,"grid_name":"default","traj":[[0.5,0.25]],"keys":[[3,4]]}');
  });
});
