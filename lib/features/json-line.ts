/**
 * Printing features as JSON lines with float32 round-trip precision.
 */
import type { SwipeFeatures } from './types.js';
import { at } from '../util/checked.js';

/**
 * Shortest decimal text that reads back (through float32 rounding) as the same float32 value:
 * `0.1` for `Math.fround(0.1)`, `5.5`, `-10.56`. Non-finite values (only possible with
 * `seedCompatible` features) print as `null`, since JSON has no NaN or Infinity.
 */
export function formatFloat32(v: number): string {
  if (!Number.isFinite(v)) return 'null';
  if (Number.isInteger(v) && Math.abs(v) < 1e21) return Object.is(v, -0) ? '0' : String(v);
  for (let p = 1; p < 9; p++) {
    const s = v.toPrecision(p);
    if (Math.fround(Number(s)) === v) return String(Number(s));
  }
  return String(Number(v.toPrecision(9)));
}

function rows(values: ArrayLike<number>, length: number, width: number): string {
  const out: string[] = [];
  for (let i = 0; i < length; i++) {
    const cells: string[] = [];
    for (let j = 0; j < width; j++) cells.push(formatFloat32(at(values, i * width + j)));
    out.push(`[${cells.join(',')}]`);
  }
  return `[${out.join(',')}]`;
}

/**
 * One JSON line (without newline): `{"index":i,"grid_name":"…","traj":[[f1…fF] per point],"keys":…}`,
 * `keys` being `[id per point]` for nearest-key tokens, else `[[v1…vK] per point]`.
 * `traj` holds empty arrays for key-only transforms.
 */
export function featuresJsonLine(index: number, gridName: string, f: SwipeFeatures): string {
  const keys = f.keyKind === 'nearest' ? `[${Array.from(f.keys).join(',')}]` : rows(f.keys, f.length, f.nKeyColumns);
  return `{"index":${index},"grid_name":${JSON.stringify(gridName)},"traj":${rows(f.traj, f.length, f.nTrajFeats)},"keys":${keys}}`;
}
