/**
 * Packs per-swipe features into one padded, sequence-first batch (the layout the models take).
 */
import type { KeyKind, SwipeFeatures } from '../features/types.js';

/** A padded batch. Padding value is 0 everywhere, as the seed's collate function (`swipe_pad_idx` = 0). */
export interface PackedBatch {
  /** Number of swipes `B`. */
  batch: number;
  /** Longest swipe `S`. */
  maxLen: number;
  /** Trajectory features per point `F` (0 for key-only transforms). */
  nTrajFeats: number;
  /** Key columns `K` (0 for nearest-key tokens). */
  nKeyColumns: number;
  /** What `keys` holds. */
  keyKind: KeyKind;
  /** Trajectory features, sequence-first `[S][B][F]`. */
  traj: Float32Array;
  /** `nearest`: tokens `[S][B]`; otherwise `[S][B][K]` float32. */
  keys: Int32Array | Float32Array;
  /** Length of each swipe `[B]`. */
  lengths: Int32Array;
  /** Batch-first padding mask `[B][S]`: 1 where position `s >= lengths[b]`. */
  padMask: Uint8Array;
}

/**
 * Pads and packs a batch.
 * @throws RangeError when the batch is empty or the items disagree on key kind or column counts
 */
export function packBatch(items: SwipeFeatures[]): PackedBatch {
  if (items.length === 0) throw new RangeError('packBatch: items: expected at least one swipe');
  const first = items[0];
  const { nTrajFeats: f, nKeyColumns: k, keyKind } = first;
  let maxLen = 0;
  items.forEach((it, b) => {
    if (it.keyKind !== keyKind) throw new RangeError(`packBatch: items[${b}].keyKind: expected ${keyKind}, got ${it.keyKind}`);
    if (it.nTrajFeats !== f) throw new RangeError(`packBatch: items[${b}].nTrajFeats: expected ${f}, got ${it.nTrajFeats}`);
    if (it.nKeyColumns !== k) throw new RangeError(`packBatch: items[${b}].nKeyColumns: expected ${k}, got ${it.nKeyColumns}`);
    const kw = keyKind === 'nearest' ? 1 : k;
    if (it.traj.length !== it.length * f) throw new RangeError(`packBatch: items[${b}].traj: expected ${it.length * f} values, got ${it.traj.length}`);
    if (it.keys.length !== it.length * kw) throw new RangeError(`packBatch: items[${b}].keys: expected ${it.length * kw} values, got ${it.keys.length}`);
    if (it.length > maxLen) maxLen = it.length;
  });
  const bsz = items.length;
  const kw = keyKind === 'nearest' ? 1 : k;
  const traj = new Float32Array(maxLen * bsz * f);
  const keys = keyKind === 'nearest' ? new Int32Array(maxLen * bsz) : new Float32Array(maxLen * bsz * kw);
  const lengths = new Int32Array(bsz);
  const padMask = new Uint8Array(bsz * maxLen);
  items.forEach((it, b) => {
    lengths[b] = it.length;
    for (let s = 0; s < it.length; s++) {
      if (f > 0) traj.set(it.traj.subarray(s * f, (s + 1) * f), (s * bsz + b) * f);
      keys.set(it.keys.subarray(s * kw, (s + 1) * kw), (s * bsz + b) * kw);
    }
    padMask.fill(1, b * maxLen + it.length, (b + 1) * maxLen);
  });
  return { batch: bsz, maxLen, nTrajFeats: f, nKeyColumns: k, keyKind, traj, keys, lengths, padMask };
}
