import { describe, expect, it, afterAll } from 'vitest';
import { Worker } from 'node:worker_threads';
import { Model } from '../../lib/model/model.js';
import { runtimeInfo, setNumThreads } from '../../lib/runtime.js';
import { fixture, maxAbsDiff, maxScaledDiff, readReference, typed } from '../helpers/fixtures.js';
import { at, own } from '../../lib/util/checked.js';

const ARCHS = ['m1_bigger', 'v3_weighted_and_traj_transformer_bigger', 'v3_nearest_only_transformer_bigger'];
const loaded: Model[] = [];
async function load(name: string, device: 'cpu' | 'auto' | 'cuda' = 'cpu'): Promise<Model> {
  const m = await Model.load(fixture(name), { device });
  loaded.push(m);
  return m;
}
afterAll(() => loaded.forEach((m) => m.dispose()));

describe('ScriptModel numerics equal PyTorch', () => {
  for (const arch of ARCHS) {
    const ref = readReference(arch);
    for (const c of ref.cases) {
      it(`${arch} ${c.name}: encode, decode and decodeLast within 1e-6 (relative above 1)`, async () => {
        const model = await load(`${arch}.pt`);
        expect(model.metadata.architecture).toBe(arch);
        const i = c.inputs;
        const traj = typed(i.traj) as Float32Array;
        const keys = typed(i.keys) as Int32Array | Float32Array;
        const mask = typed(i.src_pad_mask) as Uint8Array | null;
        const mem = await model.encode(traj, own(i, 'traj').shape as [number, number, number], keys, own(i, 'keys').shape, mask);
        expect(mem.shape).toEqual(own(c.outputs, 'memory').shape);
        expect(maxScaledDiff(mem.data, own(c.outputs, 'memory').data as number[])).toBeLessThanOrEqual(1e-6);
        const tokens = typed(i.tokens) as Int32Array;
        const memRef = Float32Array.from(own(c.outputs, 'memory').data as number[]);
        const logits = await model.decode(tokens, own(i, 'tokens').shape as [number, number], memRef, own(c.outputs, 'memory').shape as [number, number, number], mask);
        expect(logits.shape).toEqual(own(c.outputs, 'logits').shape);
        expect(maxScaledDiff(logits.data, own(c.outputs, 'logits').data as number[])).toBeLessThanOrEqual(1e-6);
        const last = await model.decodeLast(tokens, own(i, 'tokens').shape as [number, number], typed(i.lengths) as Int32Array, memRef, own(c.outputs, 'memory').shape as [number, number, number], mask);
        expect(last.shape).toEqual(own(c.outputs, 'decode_last').shape);
        expect(maxScaledDiff(last.data, own(c.outputs, 'decode_last').data as number[])).toBeLessThanOrEqual(1e-6);
      });
    }
  }
});

describe('bad model files are clear errors', () => {
  const cases: [string, RegExp][] = [
    ['does-not-exist.pt', /cannot open model file/],
    ['corrupt.pt', /not a loadable TorchScript model/],
    ['no_encode.pt', /no 'encode' method/],
    ['bad_arity.pt', /method 'encode' takes \d argument\(s\), the contract says 3/],
    ['no_metadata.pt', /no neuroswipe\.json metadata/],
    ['bad_metadata.pt', /neuroswipe\.json is not valid JSON/],
    ['metadata_missing_field.pt', /missing field n_classes/],
  ];
  for (const [file, re] of cases) {
    it(file, async () => {
      await expect(Model.load(fixture(file), { device: 'cpu' })).rejects.toThrow(re);
    });
  }
  it('names the file in the message', async () => {
    await expect(Model.load(fixture('corrupt.pt'), { device: 'cpu' })).rejects.toThrow(/corrupt\.pt/);
  });
  it('keeps the caller’s JS stack', async () => {
    const err = await Model.load(fixture('corrupt.pt'), { device: 'cpu' }).catch((e: Error) => e);
    expect((err as Error).stack).toContain('script-model.test.ts');
  });
  it('an unknown device is rejected', async () => {
    await expect(Model.load(fixture('m1_bigger.pt'), { device: 'tpu' as never })).rejects.toThrow(/invalid device 'tpu'/);
  });
  it.skipIf(runtimeInfo().cudaAvailable)('cuda without a GPU is rejected', async () => {
    await expect(Model.load(fixture('m1_bigger.pt'), { device: 'cuda' })).rejects.toThrow(/no CUDA GPU/);
  });
});

describe('bad tensors are clear errors, never a crash', () => {
  it('wrong element count', async () => {
    const m = await load('m1_bigger.pt');
    await expect(m.encode(new Float32Array(5), [2, 1, 6], new Int32Array(2), [2, 1])).rejects.toThrow(/traj: has 5 elements but the shape \[2x1x6\] needs 12/);
  });
  it('wrong dtype', async () => {
    const m = await load('m1_bigger.pt');
    await expect(m.encode(new Float64Array(12) as never, [2, 1, 6], new Int32Array(2), [2, 1])).rejects.toThrow(/traj: unsupported typed array/);
    await expect(m.decode(new Float32Array(2) as never, [2, 1], new Float32Array(256), [2, 1, 128])).rejects.toThrow(/tokens: expected an Int32Array/);
  });
  it('wrong rank and mismatched batch', async () => {
    const m = await load('m1_bigger.pt');
    await expect(m.encode(new Float32Array(12), [2, 6] as never, new Int32Array(2), [2, 1])).rejects.toThrow(/trajShape: expected 3 dimensions/);
    await expect(m.decode(new Int32Array(2), [2, 1], new Float32Array(512), [2, 2, 128])).rejects.toThrow(/batch differs/);
  });
  it('a shape the model rejects (wrong feature count) is a JS error from libtorch', async () => {
    const m = await load('m1_bigger.pt');
    await expect(m.encode(new Float32Array(2 * 5), [2, 1, 5], new Int32Array(2), [2, 1])).rejects.toThrow(/encode failed/);
  });
  it('token ids out of the embedding range', async () => {
    const m = await load('m1_bigger.pt');
    await expect(m.decode(Int32Array.from([36, 999]), [2, 1], new Float32Array(2 * 128), [2, 1, 128])).rejects.toThrow(/decode failed/);
  });
  it('decodeLast lengths out of range', async () => {
    const m = await load('m1_bigger.pt');
    await expect(m.decodeLast(Int32Array.from([36, 1]), [2, 1], Int32Array.from([3]), new Float32Array(2 * 128), [2, 1, 128])).rejects.toThrow(/lengths: each must be in 1\.\.T/);
  });
  it('a disposed model throws', async () => {
    const m = await Model.load(fixture('m1_bigger.pt'), { device: 'cpu' });
    m.dispose();
    await expect(m.encode(new Float32Array(12), [2, 1, 6], new Int32Array(2), [2, 1])).rejects.toThrow(/disposed/);
  });
});

describe('concurrency', () => {
  it('the event loop keeps running during a long call', async () => {
    setNumThreads(1);
    const m = await load('m1_bigger.pt');
    const S = 299, B = 48, T = 35;
    const mem = new Float32Array(S * B * 128).fill(0.1);
    const tokens = new Int32Array(T * B).fill(5);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const t0 = Date.now();
    await m.decode(tokens, [T, B], mem, [S, B, 128]);
    const elapsed = Date.now() - t0;
    clearInterval(timer);
    expect(elapsed).toBeGreaterThan(50);
    // A blocked loop would give 0 or 1 tick; a free one about elapsed / 5.
    expect(ticks).toBeGreaterThan(Math.floor(elapsed / 5 / 4));
  });
  it('several models run at once and give the same results as one at a time', async () => {
    const a = await load('m1_bigger.pt');
    const b = await load('v3_nearest_only_transformer_bigger.pt');
    const traj = new Float32Array(10 * 2 * 6).map((_, i) => Math.sin(i));
    const keys = new Int32Array(20).map((_, i) => i % 30);
    const sa = await a.encode(traj, [10, 2, 6], keys, [10, 2]);
    const sb = await b.encode(new Float32Array(0), [10, 2, 0], keys, [10, 2]);
    const [ca, cb] = await Promise.all([a.encode(traj, [10, 2, 6], keys, [10, 2]), b.encode(new Float32Array(0), [10, 2, 0], keys, [10, 2])]);
    expect(Array.from(ca.data)).toEqual(Array.from(sa.data));
    expect(Array.from(cb.data)).toEqual(Array.from(sb.data));
  });
  it('loads and runs in a worker thread', async () => {
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      import(workerData.url).then(async ({ Model }) => {
        const m = await Model.load(workerData.file, { device: 'cpu' });
        const out = await m.encode(new Float32Array(12), [2, 1, 6], new Int32Array(2), [2, 1]);
        parentPort.postMessage(out.shape);
        m.dispose();
      }).catch((e) => parentPort.postMessage(String(e)));`;
    const url = new URL('../../dist/model/model.js', import.meta.url).href;
    const w = new Worker(code, { eval: true, workerData: { url, file: fixture('m1_bigger.pt') } });
    const msg = await new Promise((resolve, reject) => { w.once('message', resolve); w.once('error', reject); });
    await w.terminate();
    expect(msg).toEqual([2, 1, 128]);
  });
});

describe.skipIf(!runtimeInfo().cudaAvailable)('CUDA', () => {
  it('runs on cuda and matches the CPU within 1e-4', async () => {
    const gpu = await load('m1_bigger.pt', 'cuda');
    expect(gpu.device).toMatch(/^cuda/);
    const ref = readReference('m1_bigger');
    const c = at(ref.cases, 0);
    const out = await gpu.encode(typed(c.inputs.traj) as Float32Array, own(c.inputs, 'traj').shape as [number, number, number], typed(c.inputs.keys) as Int32Array, own(c.inputs, 'keys').shape, typed(c.inputs.src_pad_mask) as Uint8Array);
    expect(maxAbsDiff(out.data, own(c.outputs, 'memory').data as number[])).toBeLessThanOrEqual(1e-4);
  });
});
if (!runtimeInfo().cudaAvailable) {
  describe('CUDA', () => {
    it.skip('skipped: this libtorch sees no CUDA GPU', () => {});
  });
}
