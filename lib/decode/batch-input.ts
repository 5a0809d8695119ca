/**
 * The features of a batch of swipes, packed as the native search takes them: every swipe's trajectory rows
 * one after the other, its key columns likewise, and each swipe's length.
 */
import type { Swipe } from '../data/dataset.js';
import type { FeatureExtractor } from '../features/extractor.js';
import type { ModelMetadata } from '../model/model-metadata.js';
import { at } from '../util/checked.js';
import { ROWS_SLICE_MS } from './rows.js';

/** Packed features of a batch. */
export interface BatchInput {
  traj: Float32Array;
  trajShape: [number, number];
  /** Key ids (Int32Array, one column) or key columns (Float32Array). */
  keys: Int32Array | Float32Array;
  keysShape: number[];
  lengths: Int32Array;
}

/**
 * Extracts and packs the features of `swipes`. Quick extraction returns at once (the native call then starts
 * in the caller's turn); a long one goes on in slices with the event loop free in between (it would otherwise
 * hold the thread for tens of milliseconds at a stretch) and returns a promise.
 * @param modelPath - the model file, for messages
 * @throws RangeError naming the swipe when it is longer than the model's positional table; Error when the
 *   features do not have the model's trajectory columns
 */
export function packFeatures(swipes: readonly Swipe[], features: FeatureExtractor, m: ModelMetadata, modelPath: string): BatchInput | Promise<BatchInput> {
  const feats = new Array<ReturnType<FeatureExtractor['extract']>>(swipes.length);
  const extract = (from: number, sliceStart: number): number => {
    for (let i = from; i < swipes.length; i++) {
      const s = at(swipes, i);
      if (s.x.length > m.max_curve_len) {
        throw new RangeError(`swipe ${s.index}: ${s.x.length} points, but the model accepts at most ${m.max_curve_len} (max_curve_len)`);
      }
      feats[i] = features.extract(s);
      if (performance.now() - sliceStart > ROWS_SLICE_MS) return i + 1;
    }
    return swipes.length;
  };
  let next = extract(0, performance.now());
  if (next === swipes.length) return pack(feats, m, modelPath);
  return (async () => {
    while (next < swipes.length) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      next = extract(next, performance.now());
    }
    return pack(feats, m, modelPath);
  })();
}

function pack(feats: readonly ReturnType<FeatureExtractor['extract']>[], m: ModelMetadata, modelPath: string): BatchInput {
  const f = m.n_traj_feats;
  let total = 0;
  for (const x of feats) {
    if (x.nTrajFeats !== f) throw new Error(`${modelPath}: the features have ${x.nTrajFeats} trajectory columns, the model expects ${f}`);
    total += x.length;
  }
  const keyCols = feats[0]?.nKeyColumns ?? m.n_key_columns;
  const traj = new Float32Array(total * f);
  const keys = keyCols === 0 ? new Int32Array(total) : new Float32Array(total * keyCols);
  const lengths = new Int32Array(feats.length);
  let row = 0;
  feats.forEach((x, i) => {
    traj.set(x.traj, row * f);
    keys.set(x.keys, row * Math.max(keyCols, 1));
    lengths[i] = x.length;
    row += x.length;
  });
  return { traj, trajShape: [total, f], keys, keysShape: keyCols === 0 ? [total] : [total, keyCols], lengths };
}
