import { describe, expect, it } from 'vitest';
import { avgHalfKeyDiagonal, floatCenter, loadGrids, truncatedCenter } from '../../lib/keyboard/grid.js';
import { DistancesLookup } from '../../lib/keyboard/distances.js';
import { DISTANCE_COLUMNS } from '../../lib/tokenizer.js';
import { at, own } from '../../lib/util/checked.js';

const grids = loadGrids();

// Spec §2.5: truncated integer centres in column order 0…32.
const CENTRES: Record<string, string> = {
  default:
    'а(344,246) б(820,400) в(246,246) г(638,92) д(835,246) е(442,92) ë(-1,-1) ж(933,246) з(933,92) и(540,400) й(49,92) к(344,92) л(736,246) м(446,400) н(540,92) о(638,246) п(442,246) р(540,246) с(353,400) т(633,400) у(246,92) ф(49,246) х(1031,92) ц(147,92) ч(259,400) ш(736,92) щ(835,92) ъ(-1,-1) ы(147,246) ь(727,400) э(1031,246) ю(914,400) я(166,400)',
  extra:
    'а(315,246) б(765,400) в(225,246) г(585,92) д(765,246) е(405,92) ë(-1,-1) ж(855,246) з(855,92) и(495,400) й(45,92) к(315,92) л(675,246) м(405,400) н(495,92) о(585,246) п(405,246) р(495,246) с(315,400) т(585,400) у(225,92) ф(45,246) х(945,92) ц(135,92) ч(225,400) ш(675,92) щ(765,92) ъ(1035,246) ы(135,246) ь(675,400) э(945,246) ю(855,400) я(135,400)',
};

describe.each(['default', 'extra'])('DistancesLookup on %s', (name) => {
  const lookup = new DistancesLookup(own(grids, name), DISTANCE_COLUMNS);

  it('has the 37 seed columns with the spec truncated centres', () => {
    expect(lookup.nColumns).toBe(37);
    const got = DISTANCE_COLUMNS.slice(0, 33)
      .map((label, k) => `${label}(${lookup.centerX[k]},${lookup.centerY[k]})`)
      .join(' ');
    expect(got).toBe(CENTRES[name]);
    for (let k = 33; k < 37; k++) expect([lookup.centerX[k], lookup.centerY[k]]).toEqual([-1, -1]);
  });

  it('missing columns give -1 and present ones the double Euclidean distance to the truncated centre', () => {
    const d = lookup.distances(100, 100);
    for (let k = 0; k < 37; k++) {
      if (lookup.centerX[k] === -1) expect(d[k]).toBe(-1);
      else expect(d[k]).toBe(Math.sqrt((at(lookup.centerX, k) - 100) ** 2 + (at(lookup.centerY, k) - 100) ** 2));
    }
  });

  it('out-of-bounds points use the same formula', () => {
    const d = lookup.distances(-4, 250);
    expect(d[21]).toBe(Math.sqrt((at(lookup.centerX, 21) + 4) ** 2 + (at(lookup.centerY, 21) - 250) ** 2));
  });
});

describe('spec §3.8 distances row 0 (default, point (100, 100))', () => {
  it('matches the reference float32 values', () => {
    const d = Float32Array.from(new DistancesLookup(own(grids, 'default'), DISTANCE_COLUMNS).distances(100, 100));
    const col = (l: string) => d[DISTANCE_COLUMNS.indexOf(l)];
    expect(col('а')).toBe(284.3448486328125);
    expect(col('б')).toBe(780.0);
    expect(col('в')).toBe(206.4751739501953);
    expect(col('й')).toBe(51.62363815307617);
    expect(col('ц')).toBe(47.67599105834961);
    expect(col('\u00eb')).toBe(-1);
    expect(col('ъ')).toBe(-1);
  });
});

describe('key centres (spec §2.2)', () => {
  it('default й: float (49.5, 92) and truncated (49, 92)', () => {
    const k = at(own(grids, 'default').keys, 0);
    expect(floatCenter(k)).toEqual({ x: 49.5, y: 92 });
    expect(truncatedCenter(k)).toEqual({ x: 49, y: 92 });
  });
});

describe('average half key diagonal (spec §2.6)', () => {
  it('default 91.21268442851873, extra 89.43060994275656', () => {
    expect(avgHalfKeyDiagonal(own(grids, 'default'))).toBe(91.21268442851873);
    expect(avgHalfKeyDiagonal(own(grids, 'extra'))).toBe(89.43060994275656);
  });

  it('including the Cyrillic ё key would change the extra value (it is excluded)', () => {
    const withYo = avgHalfKeyDiagonal(own(grids, 'extra'), ['ё', ...DISTANCE_COLUMNS]);
    expect(withYo).not.toBe(89.43060994275656);
  });
});
