/**
 * `batchSize: 'auto'`: the per-swipe memory estimate on the bundled model's real metadata, the clamp, the
 * CPU resolution (16) and, on a CUDA machine, a real choice from free GPU memory that decodes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AUTO_BATCH_CPU, AUTO_BATCH_MAX, AUTO_BATCH_MIN, batchSizeForMemory, estimateSwipeMemory, type SwipeMemoryInput,
} from '../../lib/decode/auto-batch.js';
import { deviceMemory, limitDeviceMemory } from '../../lib/model/device-memory.js';
import { batchSummary, parseBatchSize } from '../../lib/cli/batch-summary.js';
import { Decoder } from '../../lib/decode/decoder.js';
import { resolveDecodingOptions } from '../../lib/decode/decoding.js';
import { Model } from '../../lib/model/model.js';
import type { ModelMetadata } from '../../lib/model/model-metadata.js';
import { runtimeInfo } from '../../lib/runtime.js';
import { Vocabulary, readVocabularyFile } from '../../lib/vocabulary.js';
import { EXAMPLE_MODEL, EXAMPLE_VOCAB, exampleSwipes } from '../helpers/examples.js';


let cpuModel: Model;
let meta: ModelMetadata;
const beam = resolveDecodingOptions({ generator: 'beam' });

function input(over: Partial<SwipeMemoryInput> = {}): SwipeMemoryInput {
  return { metadata: meta, decoding: beam, incremental: true, bytesPerElement: 4, ...over };
}

beforeAll(async () => {
  cpuModel = await Model.load(EXAMPLE_MODEL, { device: 'cpu' });
  meta = cpuModel.metadata;
});
afterAll(() => cpuModel.dispose());

describe('estimateSwipeMemory on examples/model.pt', () => {
  it('has the metadata the estimate reads', () => {
    // S = 299, T = 35, D = 128, H = 4, L = 4: the numbers the expectations below are worked out from.
    expect([meta.max_curve_len, meta.max_token_len, meta.d_model, meta.n_heads, meta.n_decoder_layers, meta.incremental]).toEqual([299, 35, 128, 4, 4, true]);
  });

  it('beam 6 with caches, float32: each part worked out by hand', () => {
    const e = estimateSwipeMemory(input());
    // encoder: 3·4·299² + 10·299·128 = 1,072,812 + 382,720 elements
    expect(e.encoder).toBe(1_455_532 * 4);
    // memory: 299·128 + 2·4·299·128 = 38,272 + 306,176
    expect(e.memory).toBe(344_448 * 4);
    // slot: 2·1·(2·4·299·128)
    expect(e.slot).toBe(612_352 * 4);
    // caches: 1·(2·4·35·128) + 2·6·(2·4·35·128) = 35,840 + 430,080
    expect(e.caches).toBe(465_920 * 4);
    expect(e.total).toBe(11_513_008);
    expect(e.total).toBe(e.encoder + e.memory + e.slot + e.caches);
  });

  it('grows with the beam width, halves in 16-bit precision, follows S² for shorter swipes', () => {
    const base = estimateSwipeMemory(input()).total;
    const sync = estimateSwipeMemory(input({ decoding: resolveDecodingOptions({ generator: 'beam-sync' }) }));
    // beam-sync holds 6 rows per swipe: 6× the slot and the row caches
    expect(sync.slot).toBe(6 * 612_352 * 4);
    expect(sync.caches).toBe((6 * 35_840 + 12 * 35_840) * 4);
    const greedy = estimateSwipeMemory(input({ decoding: resolveDecodingOptions({ generator: 'greedy' }) }));
    expect(greedy.caches).toBe((35_840 + 2 * 35_840) * 4);
    expect(greedy.total).toBeLessThan(base);
    expect(estimateSwipeMemory(input({ bytesPerElement: 2 })).total).toBe(base / 2);
    const short = estimateSwipeMemory(input({ points: 100 }));
    expect(short.encoder).toBe((3 * 4 * 100 * 100 + 10 * 100 * 128) * 4);
    expect(short.total).toBeLessThan(base / 2);
  });

  it('without caches: memory slot plus per-round projections and cross-attention scores', () => {
    const e = estimateSwipeMemory(input({ incremental: false }));
    expect(e.memory).toBe(38_272 * 4);
    // 299·128 + (2·299·128 + 4·35·299 + 10·35·128)
    expect(e.slot).toBe((38_272 + 76_544 + 41_860 + 44_800) * 4);
    expect(e.caches).toBe(0);
  });
});

describe('batchSizeForMemory', () => {
  it('fills the fraction of free memory, clamped to 16…4096', () => {
    const perSwipe = 11_513_008;
    // 80 GB free, half of it: floor(40e9 / 11,513,008) = 3474
    expect(batchSizeForMemory(80e9, perSwipe)).toBe(3474);
    expect(batchSizeForMemory(8e9, perSwipe)).toBe(347);
    expect(batchSizeForMemory(8e9, perSwipe, 1)).toBe(694);
    expect(batchSizeForMemory(0, perSwipe)).toBe(AUTO_BATCH_MIN);
    expect(batchSizeForMemory(1e15, perSwipe)).toBe(AUTO_BATCH_MAX);
  });

  it('rejects a non-positive size per swipe and a fraction outside (0, 1]', () => {
    expect(() => batchSizeForMemory(1e9, 0)).toThrow(/bytesPerSwipe/);
    expect(() => batchSizeForMemory(1e9, 1e6, 1.5)).toThrow(/fraction/);
  });
});

describe("batchSize: 'auto' on the CPU", () => {
  it('resolves to 16 and decodes', async () => {
    expect(deviceMemory('cpu')).toBeNull();
    expect(limitDeviceMemory('cpu', 0.5)).toBe(false);
    expect(() => limitDeviceMemory('cpu', 0)).toThrow(/fraction must be in \(0, 1\], got 0/);
    const decoder = await Decoder.create(cpuModel, { batchSize: 'auto' });
    expect(decoder.batchSize).toBe(AUTO_BATCH_CPU);
    expect(decoder.batchSize).toBe(16);
    expect(decoder.autoBatch).toEqual({ batchSize: 16, device: 'cpu', memory: null, bytesPerSwipe: null });
    const { rows, stats } = await decoder.decode(await exampleSwipes(3));
    expect(rows.every((r) => r.candidates.length > 0)).toBe(true);
    expect(stats.oomSplits).toBe(0);
    expect(stats.finalBatchSize).toBe(16);
  });

  it('a number stays as given; other values are rejected naming batchSize', async () => {
    const decoder = await Decoder.create(cpuModel, { batchSize: 40 });
    expect([decoder.batchSize, decoder.currentBatchSize, decoder.autoBatch]).toEqual([40, 40, null]);
    await expect(Decoder.create(cpuModel, { batchSize: 'big' as never })).rejects.toThrow(/batchSize: expected an integer ≥ 1 or 'auto', got "big"/);
    await expect(Decoder.create(cpuModel, { batchSize: 0 })).rejects.toThrow(/batchSize/);
  });
});

describe('the decode command’s batch summary and --batch-size', () => {
  it('names the size, how auto chose it and a split', () => {
    const none = { oomSplits: 0, finalBatchSize: 512 };
    expect(batchSummary(512, null, none)).toBe('batch 512');
    expect(batchSummary(16, { batchSize: 16, device: 'cpu', memory: null, bytesPerSwipe: null }, { oomSplits: 0, finalBatchSize: 16 })).toBe('batch 16 (auto)');
    const auto = { batchSize: 3474, device: 'cuda:0', memory: { free: 80e9, total: 85e9 }, bytesPerSwipe: 11_513_008 };
    expect(batchSummary(3474, auto, { oomSplits: 2, finalBatchSize: 868 })).toBe(
      'batch 3474 (auto: 74.5 of 79.2 GiB free, ~11.0 MiB per swipe); out of memory: the batch was split 2 times, down to 868 (in-flight swipes decoded again, same results)',
    );
    expect(batchSummary(64, null, { oomSplits: 1, finalBatchSize: 32 })).toMatch(/split once, down to 32/);
  });

  it("parses 'auto' and integers ≥ 1 only", () => {
    expect(parseBatchSize('auto')).toBe('auto');
    expect(parseBatchSize('256')).toBe(256);
    for (const bad of ['0', '1.5', '', 'big']) expect(() => parseBatchSize(bad)).toThrow(/--batch-size: expected an integer ≥ 1 or 'auto'/);
  });
});

describe.skipIf(!runtimeInfo().cudaAvailable)("batchSize: 'auto' on CUDA", () => {
  it('picks at least 16 from free GPU memory and decodes real swipes', async () => {
    const gpu = await Model.load(EXAMPLE_MODEL, { device: 'cuda' });
    try {
      const mem = deviceMemory(gpu.device);
      expect(mem).not.toBeNull();
      expect(mem!.free).toBeGreaterThan(0);
      expect(mem!.total).toBeGreaterThanOrEqual(mem!.free);
      const list = readVocabularyFile(EXAMPLE_VOCAB);
      const vocabulary = await Vocabulary.build(list, (await Decoder.create(gpu)).tokenizer, EXAMPLE_VOCAB);
      const decoder = await Decoder.create(gpu, { batchSize: 'auto', vocabulary });
      const auto = decoder.autoBatch!;
      process.stderr.write(`auto batch on ${gpu.device}: ${decoder.batchSize} (free ${auto.memory?.free} of ${auto.memory?.total} bytes, ${auto.bytesPerSwipe} bytes per swipe)\n`);
      expect(decoder.batchSize).toBeGreaterThanOrEqual(AUTO_BATCH_MIN);
      expect(decoder.batchSize).toBeLessThanOrEqual(AUTO_BATCH_MAX);
      expect(auto.memory).not.toBeNull();
      expect(auto.bytesPerSwipe).toBe(estimateSwipeMemory(input()).total);
      const swipes = await exampleSwipes(24);
      const { rows, stats } = await decoder.decode(swipes);
      const words = new Set(list);
      expect(rows.length).toBe(swipes.length);
      for (const r of rows) {
        expect(r.candidates.length).toBeGreaterThan(0);
        for (const [, w] of r.candidates) expect(words.has(w), w).toBe(true);
      }
      expect(stats.oomSplits).toBe(0);
      expect(stats.finalBatchSize).toBe(decoder.batchSize);
    } finally {
      gpu.dispose();
    }
  });
});
if (!runtimeInfo().cudaAvailable) {
  describe("batchSize: 'auto' on CUDA", () => {
    it.skip('skipped: this libtorch sees no CUDA GPU', () => {});
  });
}
