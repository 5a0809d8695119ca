/**
 * `batchSize: 'auto'`: how many swipes to decode together, from the device's free memory and an estimate
 * of the memory one swipe in flight needs.
 */
import type { DecodingOptions } from './decoding.js';
import type { ModelMetadata } from '../model/model-metadata.js';
import { deviceMemory, type DeviceMemory } from '../model/device-memory.js';
import { CPU_BATCH_SIZE } from './defaults.js';

/** The batch size `'auto'` resolves to on the CPU (where more swipes per search only cost cache locality): the CPU default. */
export const AUTO_BATCH_CPU = CPU_BATCH_SIZE;
/** Fewest swipes `'auto'` picks on CUDA. */
export const AUTO_BATCH_MIN = 16;
/** Most swipes `'auto'` picks on CUDA. */
export const AUTO_BATCH_MAX = 4096;
/**
 * Share of the free device memory `'auto'` plans to fill. The rest covers what the estimate leaves out
 * (the caching allocator's rounding and fragmentation, cuBLAS work space, other processes); should the
 * estimate still be short, the decoder halves its batch on an out-of-memory error and goes on.
 */
export const AUTO_BATCH_MEMORY_FRACTION = 0.5;

/** Prefixes exact vocabulary scoring runs per round and swipe (native/search/search_strategy.h kExactRowsPerRound). */
export const EXACT_ROWS_PER_ROUND = 64;

/** What one swipe in flight costs, in bytes, by part; see {@link estimateSwipeMemory}. */
export interface SwipeMemoryEstimate {
  /** Encoder activations of the swipe while its batch is encoded. */
  encoder: number;
  /** Encoder output and its projected cross-attention keys/values, kept until the swipe takes a slot. */
  memory: number;
  /** The slot's per-swipe buffers while it is decoded. */
  slot: number;
  /** Self-attention key/value caches of the swipe's hypotheses. */
  caches: number;
  /** Sum of the parts. */
  total: number;
}

/** The decoding set-up {@link estimateSwipeMemory} sizes. */
export interface SwipeMemoryInput {
  metadata: ModelMetadata;
  decoding: DecodingOptions;
  /** Whether key/value-cached steps are used (else whole prefixes are re-run each round). */
  incremental: boolean;
  /** Bytes per element of the model's dtype: 4 for float32, 2 for float16/bfloat16. */
  bytesPerElement: number;
  /** Points of the longest swipe to plan for. Default the model's `max_curve_len`. */
  points?: number;
}

/**
 * Estimates the device memory one swipe in flight needs, in bytes. With S the swipe's points (the model's
 * `max_curve_len` unless `points` says otherwise), T = `max_token_len`, D = `d_model`, H = `n_heads`
 * (default 4), L = `n_decoder_layers` (default 4), K the beam size (1 for greedy) and W the rows a swipe
 * holds per step (K for beam-sync, {@link EXACT_ROWS_PER_ROUND} for exact and at least that for hybrid, else 1; those two count K = W), the counts of elements are:
 * - encoder: 3·H·S² (one layer's attention scores, their softmax and the masked copy are alive at once)
 *   + 10·S·D (per position: queries, keys, values, attention output, residual, norm and the
 *   feed-forward's two widths, which equal D in every seed architecture);
 * - memory: S·D for the encoder output, plus 2·L·S·D for `memory_kv`'s keys and values with caches;
 * - slot: with caches 2·W·2·L·S·D (the slot's cross-attention key/value rows and the copy a step may make
 *   of them); without, S·D for the slot's memory plus per row W·(2·S·D + H·T·S + 10·T·D) (the memory
 *   keys/values projected again each round, the cross-attention scores and the prefix activations);
 * - caches (with caches only): W·2·L·T·D for the slot's self-attention rows plus 2·K·2·L·T·D for the
 *   prefix caches of up to 2·K live hypotheses.
 * Each count is multiplied by `bytesPerElement`. Encoding a batch and decoding the slots overlap, so the
 * parts add up. Layers run one after another, so only one layer's encoder activations count.
 */
export function estimateSwipeMemory(input: SwipeMemoryInput): SwipeMemoryEstimate {
  const m = input.metadata;
  const s = input.points ?? m.max_curve_len;
  const t = m.max_token_len;
  const d = m.d_model;
  const h = m.n_heads ?? 4;
  const l = m.n_decoder_layers ?? 4;
  const dec = input.decoding;
  let k: number;
  let w: number;
  switch (dec.generator) {
    case 'greedy':
      k = w = 1;
      break;
    case 'beam':
      k = dec.beamSize;
      w = 1;
      break;
    case 'beam-sync':
      k = w = dec.beamSize;
      break;
    case 'exact':
      k = w = EXACT_ROWS_PER_ROUND;
      break;
    case 'hybrid':
      k = w = Math.max(EXACT_ROWS_PER_ROUND, dec.beamSize);
      break;
  }
  const kv = 2 * l * s * d;  // one row's cross-attention keys and values, all layers
  const selfRow = 2 * l * t * d;  // one row's self-attention keys and values at full length
  const encoder = 3 * h * s * s + 10 * s * d;
  const memory = s * d + (input.incremental ? kv : 0);
  const slot = input.incremental ? 2 * w * kv : s * d + w * (2 * s * d + h * t * s + 10 * t * d);
  const caches = input.incremental ? w * selfRow + 2 * k * selfRow : 0;
  const b = input.bytesPerElement;
  return { encoder: encoder * b, memory: memory * b, slot: slot * b, caches: caches * b, total: (encoder + memory + slot + caches) * b };
}

/**
 * The batch size for `free` bytes of device memory: floor(free × fraction / bytesPerSwipe), clamped to
 * {@link AUTO_BATCH_MIN}…{@link AUTO_BATCH_MAX}.
 * @throws RangeError when `bytesPerSwipe` is not positive or `fraction` is outside (0, 1]
 */
export function batchSizeForMemory(free: number, bytesPerSwipe: number, fraction = AUTO_BATCH_MEMORY_FRACTION): number {
  if (!(bytesPerSwipe > 0)) throw new RangeError(`batchSizeForMemory: bytesPerSwipe must be positive, got ${bytesPerSwipe}`);
  if (!(fraction > 0 && fraction <= 1)) throw new RangeError(`batchSizeForMemory: fraction must be in (0, 1], got ${fraction}`);
  const fit = Math.floor((Math.max(free, 0) * fraction) / bytesPerSwipe);
  return Math.min(AUTO_BATCH_MAX, Math.max(AUTO_BATCH_MIN, fit));
}

/** How `'auto'` chose a batch size. */
export interface AutoBatchChoice {
  /** The chosen batch size. */
  batchSize: number;
  /** The device asked. */
  device: string;
  /** Free/total device memory when chosen; null on the CPU or when unknown (then `AUTO_BATCH_CPU`). */
  memory: DeviceMemory | null;
  /** Estimated bytes per swipe in flight; null when the memory was not used. */
  bytesPerSwipe: number | null;
}

/**
 * Resolves `'auto'` for a model on `device`: on CUDA with known free memory,
 * {@link batchSizeForMemory} of {@link estimateSwipeMemory}; otherwise `AUTO_BATCH_CPU`.
 */
export function chooseAutoBatchSize(device: string, input: SwipeMemoryInput): AutoBatchChoice {
  const memory = device.startsWith('cuda') ? deviceMemory(device) : null;
  if (!memory) return { batchSize: AUTO_BATCH_CPU, device, memory: null, bytesPerSwipe: null };
  const bytesPerSwipe = estimateSwipeMemory(input).total;
  return { batchSize: batchSizeForMemory(memory.free, bytesPerSwipe), device, memory, bytesPerSwipe };
}
