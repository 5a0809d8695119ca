/** Multiply-add FLOP estimates of the work the engine counted (see {@link DecodeWork}). */
import type { DecodeWork } from './stats.js';

/** Model sizes for {@link estimateFlops}. */
export interface FlopShape {
  dModel: number;
  encoderLayers: number;
  decoderLayers: number;
  feedForward: number;
  nClasses: number;
}

/**
 * Multiply-add FLOPs (2 per multiply-add) of the work counted by the engine, for a transformer of the
 * given sizes: per layer, projections 2·D² per vector (4 in self-attention, q + out in cross-attention,
 * 2 per projected memory position), feed-forward 2·2·D·F, and 2·2·D per attention score pair.
 * An estimate: embeddings, norms and softmax are left out; legacy encoders' narrower first layer is
 * counted at width D.
 */
export function estimateFlops(w: DecodeWork, m: FlopShape): number {
  const d = m.dModel;
  const enc = m.encoderLayers * (w.encodedPositions * (2 * 4 * d * d + 2 * 2 * d * m.feedForward) + w.encoderPairs * 2 * 2 * d);
  const dec = m.decoderLayers * (
    w.queryPositions * (2 * 6 * d * d + 2 * 2 * d * m.feedForward) +
    w.projectedMemory * 2 * 2 * d * d +
    (w.selfPairs + w.crossPairs) * 2 * 2 * d
  );
  return enc + dec + w.outputRows * 2 * d * m.nClasses;
}
