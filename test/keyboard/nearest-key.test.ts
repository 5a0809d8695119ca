import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { floatCenter, gridAlphabet, loadGrids, keyLabel, type Grid } from '../../lib/keyboard/grid.js';
import { NearestKeyLookup } from '../../lib/keyboard/nearest-key.js';
import { LATIN_ALPHABET, SEED_CYRILLIC_ALPHABET } from '../../lib/keyboard/alphabet.js';
import { at, own } from '../../lib/util/checked.js';

const grids = loadGrids();

// Spec §2.4 reference table: (x, y) → [default, extra].
const REFERENCE: [number, number, string, string][] = [
  [98, 50, 'ц', 'ц'],
  [97, 50, 'й', 'ц'],
  [294, 100, 'у', 'к'],
  [0, 0, 'й', 'й'],
  [50, 168, 'й', 'й'],
  [50, 169, 'ф', 'ф'],
  [5, 400, 'ф', 'я'],
  [1040, 250, 'э', 'ъ'],
  [1040, 100, 'х', 'х'],
  [540, 600, 'и', 'и'],
  [300, 550, 'ч', 'с'],
  [1079, 666, 'ю', 'ю'],
  [-5, 700, 'я', 'я'],
  [1100, -3, 'х', 'х'],
];

describe('NearestKeyLookup reference values (spec §2.4)', () => {
  for (const [x, y, d, e] of REFERENCE) {
    it(`(${x}, ${y}) → default ${d}, extra ${e}`, () => {
      expect(new NearestKeyLookup(own(grids, 'default')).nearestLabel(x, y)).toBe(d);
      expect(new NearestKeyLookup(own(grids, 'extra')).nearestLabel(x, y)).toBe(e);
    });
  }

  it('truncates non-integer coordinates toward zero like int()', () => {
    const l = new NearestKeyLookup(own(grids, 'default'));
    expect(l.nearestLabel(97.9, 50.5)).toBe('й');
    expect(l.nearestLabel(-0.5, 0)).toBe(l.nearestLabel(0, 0));
  });

  it('answers are stable when cached (second query equals first)', () => {
    const l = new NearestKeyLookup(own(grids, 'extra'));
    const first = REFERENCE.map(([x, y]) => l.nearestLabel(x, y));
    expect(REFERENCE.map(([x, y]) => l.nearestLabel(x, y))).toEqual(first);
  });
});

describe('allowed keys (spec §2.3)', () => {
  it('default allows 31 letters, extra 32, without the Cyrillic ё key', () => {
    expect(new NearestKeyLookup(own(grids, 'default')).labels).toHaveLength(31);
    const extra = new NearestKeyLookup(own(grids, 'extra'));
    expect(extra.labels).toHaveLength(32);
    expect(extra.labels).not.toContain('ё');
    expect(extra.labels).toContain('ъ');
  });

  it("the extra grid's ё area maps to the nearest allowed centre, never ё", () => {
    const ee = own(grids, 'extra').keys.find((k) => k.label === 'ё')!;
    const l = new NearestKeyLookup(own(grids, 'extra'));
    const { x, y, w, h } = ee.hitbox;
    const seen = new Set<string>();
    for (let px = x; px < x + w; px += 7) for (let py = y; py < y + h; py += 7) seen.add(l.nearestLabel(px, py));
    expect(seen.has('ё')).toBe(false);
    expect([...seen].every((s) => s === 'х' || s === 'ъ')).toBe(true);
  });

  it('null candidates allow every key (seed None), so action keys can be answers', () => {
    const l = new NearestKeyLookup(own(grids, 'default'), null);
    expect(l.nearestLabel(540, 600)).toBe('space');
  });
});

function allowedKeys(grid: Grid) {
  const allowed = new Set(gridAlphabet(grid));
  return grid.keys.filter((k) => allowed.has(keyLabel(k)));
}

function nearestCentreLabels(grid: Grid, x: number, y: number): { best: number; labels: string[] } {
  let best = Infinity;
  const dists = allowedKeys(grid).map((k) => {
    const c = floatCenter(k);
    const d = (x - c.x) ** 2 + (y - c.y) ** 2;
    if (d < best) best = d;
    return [keyLabel(k), d] as const;
  });
  return { best, labels: dists.filter(([, d]) => d === best).map(([l]) => l) };
}

describe.each(['default', 'extra', 'qwerty'])('properties on the bundled %s grid', (name) => {
  const grid = own(grids, name);
  const lookup = new NearestKeyLookup(grid);
  const keys = allowedKeys(grid);

  it('a point inside an allowed hitbox gets that key unless a later allowed key also covers it', () => {
    fc.assert(
      fc.property(fc.nat(keys.length - 1), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (i, fx, fy) => {
        const hb = at(keys, i).hitbox;
        const x = hb.x + Math.floor(fx * hb.w);
        const y = hb.y + Math.floor(fy * hb.h);
        fc.pre(x < grid.width && y < grid.height);
        const later = keys.slice(i + 1).filter((k) => x >= k.hitbox.x && x < k.hitbox.x + k.hitbox.w && y >= k.hitbox.y && y < k.hitbox.y + k.hitbox.h);
        const expected = later.length > 0 ? keyLabel(at(later, later.length - 1)) : keyLabel(at(keys, i));
        expect(lookup.nearestLabel(x, y)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('a point outside every allowed hitbox gets a key with the smallest centre distance, the earliest on ties', () => {
    fc.assert(
      fc.property(fc.integer({ min: -300, max: grid.width + 300 }), fc.integer({ min: -300, max: grid.height + 300 }), (x, y) => {
        const inside = x >= 0 && x < grid.width && y >= 0 && y < grid.height && keys.some((k) => x >= k.hitbox.x && x < k.hitbox.x + k.hitbox.w && y >= k.hitbox.y && y < k.hitbox.y + k.hitbox.h);
        fc.pre(!inside);
        const { labels } = nearestCentreLabels(grid, x, y);
        expect(lookup.nearestLabel(x, y)).toBe(labels[0]);
      }),
      { numRuns: 2000 },
    );
  });

  it('always answers an allowed letter', () => {
    const allowed = new Set(name === 'qwerty' ? LATIN_ALPHABET : SEED_CYRILLIC_ALPHABET);
    fc.assert(
      fc.property(fc.integer({ min: -32768, max: 32767 }), fc.integer({ min: -32768, max: 32767 }), (x, y) => {
        expect(allowed.has(lookup.nearestLabel(x, y))).toBe(true);
      }),
    );
  });
});

it('ties go to the earlier key in grid order', () => {
  const grid: Grid = {
    width: 20,
    height: 10,
    grid_name: 'tie',
    keys: [
      { label: 'б', hitbox: { x: 0, y: 0, w: 4, h: 4 } },
      { label: 'а', hitbox: { x: 16, y: 0, w: 4, h: 4 } },
    ],
  };
  // (10, 2) is equidistant from both centres (2, 2) and (18, 2) and inside no hitbox.
  expect(new NearestKeyLookup(grid).nearestLabel(10, 2)).toBe('б');
  expect(new NearestKeyLookup({ ...grid, keys: [...grid.keys].reverse() }).nearestLabel(10, 2)).toBe('а');
});

it('a grid without allowed keys is an error naming the grid, the letters it lacks and the keys it has', () => {
  const grid: Grid = { width: 10, height: 10, grid_name: 'digits', keys: [{ label: '1', hitbox: { x: 0, y: 0, w: 5, h: 5 } }] };
  expect(() => new NearestKeyLookup(grid)).toThrow(/^grid "digits" cannot be used: the model's key features need keys labelled with the letters of its alphabet \(а б в г д е ë ж .* я\), and none of its 1 labelled keys \(1\) is one of them/);
  const actions: Grid = { ...grid, grid_name: 'actions', keys: [{ action: 'space', hitbox: { x: 0, y: 0, w: 5, h: 5 } }] };
  expect(() => new NearestKeyLookup(actions)).toThrow(/grid "actions" cannot be used: .* it has no labelled key \(only actions: space\)/);
});

describe('the QWERTY grid', () => {
  const grid = own(grids, 'qwerty');

  it('has the 26 letters a–z, each once, in three rows, and the alphabet a–z', () => {
    const letters = grid.keys.flatMap((k) => (k.label !== undefined && /^[a-z]$/.test(k.label) ? [k.label] : []));
    expect([...letters].sort()).toEqual([...LATIN_ALPHABET]);
    expect(letters.join('')).toBe('qwertyuiopasdfghjklzxcvbnm');
    expect(gridAlphabet(grid)).toBe(LATIN_ALPHABET);
    expect(gridAlphabet(own(grids, 'default'))).toBe(SEED_CYRILLIC_ALPHABET);
    expect({ width: grid.width, height: grid.height }).toEqual({ width: own(grids, 'default').width, height: own(grids, 'default').height });
  });

  it('answers the letter under the finger at each key centre, and the nearest letter off the letter rows', () => {
    const lookup = new NearestKeyLookup(grid);
    for (const k of grid.keys) {
      if (k.label === undefined || !/^[a-z]$/.test(k.label)) continue;
      const c = floatCenter(k);
      expect(lookup.nearestLabel(c.x, c.y)).toBe(k.label);
    }
    // The space bar (below v) and the shift key (left of z) are not letters: the nearest letter centre wins.
    expect(lookup.nearestLabel(540, 560)).toBe('v');
    expect(lookup.nearestLabel(100, 420)).toBe('z');
  });
});
