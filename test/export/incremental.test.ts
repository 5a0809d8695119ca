/**
 * Incremental decoding (`memory_kv`, `decode_step`): the export self-check (which every export in
 * export.test.ts passes) rejects a step that ignores a mask, and the `incremental` case of every generated
 * `<arch>.reference.json` is consistent with `decode` and follows the `heads` cache layout.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, inPool, runPython, type RunResult } from './run-python.js';
import { at, own } from '../../lib/util/checked.js';

interface TensorJson {
  shape: number[];
  dtype: string;
  data: number[];
}

interface Step {
  tokens: TensorJson;
  self_len: TensorJson;
  self_kv: TensorJson;
  logits: TensorJson;
  new_kv: TensorJson;
}

interface IncrementalCase {
  token_lengths: number[];
  inputs: { tokens: TensorJson; memory: TensorJson; memory_pad_mask: TensorJson };
  outputs: { mem_kv: TensorJson; decode_logits: TensorJson };
  steps: Step[];
}

const FIXTURES = `${ROOT}test/fixtures/generated`;

/**
 * Python (run from a file: TorchScript reads the patched function's source): build m1_smaller, script it with `step_biases` patched to drop one of the two attention biases
 * (`self` or `memory`, from argv), run the incremental self-check, print the outcome.
 */
const BROKEN_STEP = `
import sys, warnings
warnings.filterwarnings("ignore")
sys.path.insert(0, sys.argv[2])
from typing import Optional, Tuple
import torch
from torch import Tensor
import neuroswipe_models.incremental as inc
from neuroswipe_models.export import SelfCheckError, incremental_self_check, prepare_model
from neuroswipe_models.registry import resolve_transform
orig = inc.step_biases
def no_self_bias(self_len: Tensor, cached: int, memory_pad_mask: Optional[Tensor], dtype: torch.dtype, device: torch.device) -> Tuple[Tensor, Optional[Tensor]]:
    self_bias, mem_bias = orig(self_len, cached, memory_pad_mask, dtype, device)
    return torch.zeros_like(self_bias), mem_bias
def no_memory_bias(self_len: Tensor, cached: int, memory_pad_mask: Optional[Tensor], dtype: torch.dtype, device: torch.device) -> Tuple[Tensor, Optional[Tensor]]:
    self_bias, mem_bias = orig(self_len, cached, memory_pad_mask, dtype, device)
    return self_bias, None
inc.step_biases = {"self": no_self_bias, "memory": no_memory_bias}[sys.argv[1]]
tcfg = resolve_transform("m1_smaller")
model = prepare_model("m1_smaller", tcfg, seed=5)
try:
    print("passed", incremental_self_check(model, torch.jit.script(model), tcfg, 3))
except SelfCheckError as exc:
    print("rejected", exc)
`;

describe('incremental self-check', () => {
  const results: Record<string, RunResult> = {};
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'neuroswipe-incremental-'));
    const script = join(dir, 'broken_step.py');
    writeFileSync(script, BROKEN_STEP);
    const variants = ['self', 'memory'];
    const runs = await inPool(
      variants.map((v) => () => runPython([script, v, `${ROOT}python`])),
      2,
    );
    variants.forEach((v, i) => (results[v] = at(runs, i)));
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.each(['self', 'memory'])('rejects a step that ignores the %s padding', (drop) => {
    const r = own(results, drop);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^rejected decode_step differs from decode: max abs difference \S+ > 1e-05/);
  });
});

describe('incremental fixtures (make_test_models.py)', () => {
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.reference.json'));
  const cases: Record<string, { meta: Record<string, unknown>; inc: IncrementalCase }> = {};
  for (const f of files) {
    const ref = JSON.parse(readFileSync(`${FIXTURES}/${f}`, 'utf8')) as {
      metadata: Record<string, unknown>;
      incremental: IncrementalCase;
    };
    cases[f] = { meta: ref.metadata, inc: ref.incremental };
  }

  it('covers the three fixture architectures', () => {
    expect(files.sort()).toEqual([
      'm1_bigger.reference.json',
      'v3_nearest_only_transformer_bigger.reference.json',
      'v3_weighted_and_traj_transformer_bigger.reference.json',
    ]);
  });

  it.each(files)('%s: layouts follow the metadata', (f) => {
    const { meta, inc } = own(cases, f);
    const [l, d, h] = [meta.n_decoder_layers as number, meta.d_model as number, meta.n_heads as number];
    const [b, s] = [2, 6];
    const dh = d / h;
    expect(meta.incremental).toBe(true);
    expect(meta.kv_layout).toBe('heads');
    expect(Number.isInteger(dh)).toBe(true);
    expect(inc.inputs.memory.shape).toEqual([s, b, d]);
    expect(inc.inputs.memory_pad_mask.data).toEqual([...Array(6).fill(false), ...Array(3).fill(false), ...Array(3).fill(true)]);
    expect(inc.outputs.mem_kv.shape).toEqual([l, 2, b, h, s, dh]);
    expect(inc.steps.map((st) => st.self_len.data)).toEqual([
      [0, 0],
      [1, 1],
      [2, 0],
      [3, 1],
    ]);
    for (const st of inc.steps) {
      expect(st.self_kv.shape).toEqual([l, 2, b, h, Math.max(...st.self_len.data), dh]);
      expect(st.new_kv.shape).toEqual([l, 2, b, h, dh]);
      expect(st.logits.shape).toEqual([b, meta.n_classes as number]);
    }
  });

  it.each(files)("%s: every step's logits are decode's logits at that position", (f) => {
    const { inc } = own(cases, f);
    const shape = inc.outputs.decode_logits.shape;
    const b = at(shape, 1);
    const c = at(shape, 2);
    const tokens = inc.inputs.tokens;
    for (const st of inc.steps) {
      for (let row = 0; row < b; row++) {
        const pos = at(st.self_len.data, row);
        expect(st.tokens.data[row]).toBe(tokens.data[pos * b + row]);
        for (let k = 0; k < c; k++) {
          const want = at(inc.outputs.decode_logits.data, (pos * b + row) * c + k);
          expect(Math.abs(at(st.logits.data, row * c + k) - want)).toBeLessThanOrEqual(1e-5);
        }
      }
    }
  });

  it.each(files)('%s: a step appends the cache entry later steps pass at that slot', (f) => {
    const { inc } = own(cases, f);
    const kvShape = at(inc.steps, 0).new_kv.shape;
    const [l, b, h, dh] = [at(kvShape, 0), at(kvShape, 2), at(kvShape, 3), at(kvShape, 4)];
    // self_kv [L,2,B,H,T,Dh], new_kv [L,2,B,H,Dh]. Row 0 never restarts: at step 3 its slots 0..2 are the
    // new_kv of steps 0..2; row 1 restarted at step 2, so at step 3 its slot 0 is step 2's new_kv.
    const last = at(inc.steps, 3).self_kv;
    const t = at(last.shape, 4);
    const checks: [number, number, number][] = [
      [0, 0, 0],
      [0, 1, 1],
      [0, 2, 2],
      [1, 0, 2],
    ];
    for (const [row, slot, step] of checks) {
      const nk = at(inc.steps, step).new_kv;
      for (let li = 0; li < l * 2; li++) {
        for (let head = 0; head < h; head++) {
          for (let x = 0; x < dh; x++) {
            const got = last.data[(((li * b + row) * h + head) * t + slot) * dh + x];
            expect(got).toBe(nk.data[((li * b + row) * h + head) * dh + x]);
          }
        }
      }
    }
  });
});
