/** Paths and readers of the generated TorchScript fixtures (made by test/global-setup.ts). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { at } from '../../lib/util/checked.js';

/** Directory of the generated model fixtures. */
export const GENERATED = fileURLToPath(new URL('../fixtures/generated/', import.meta.url));

/** A fixture model file. */
export function fixture(name: string): string {
  return `${GENERATED}${name}`;
}

/** A tensor as saved by python/make_test_models.py. */
export interface SavedTensor {
  shape: number[];
  dtype: 'float32' | 'int64' | 'bool';
  data: (number | boolean)[] | null;
}

/** One reference case: inputs and PyTorch's outputs. */
export interface ReferenceCase {
  name: string;
  inputs: Record<string, SavedTensor>;
  outputs: Record<string, SavedTensor>;
}

/** The reference file of a fixture architecture. */
export function readReference(arch: string): { cases: ReferenceCase[]; pad_token: number; sos_token: number } {
  return JSON.parse(readFileSync(fixture(`${arch}.reference.json`), 'utf8'));
}

/** Typed array for a saved tensor: float32 → Float32Array, int64 → Int32Array, bool → Uint8Array. */
export function typed(t: SavedTensor | undefined): Float32Array | Int32Array | Uint8Array | null {
  if (!t || t.data === null) return null;
  if (t.dtype === 'float32') return Float32Array.from(t.data as number[]);
  if (t.dtype === 'int64') return Int32Array.from(t.data as number[]);
  return Uint8Array.from((t.data as boolean[]).map((b) => (b ? 1 : 0)));
}

/** Largest of |a − b| / max(1, |b|): absolute below 1, relative above (float32 rounding grows with magnitude). */
export function maxScaledDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(at(a, i) - at(b, i)) / Math.max(1, Math.abs(at(b, i))));
  return m;
}

/** Largest absolute difference between two equally long arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(at(a, i) - at(b, i)));
  return m;
}
