/**
 * `python/export_torchscript.py --from-model`: a neuroswipe model file exported again with the current
 * module code keeps its weights (every tensor equal) and its `neuroswipe.json` (field for field, only
 * `exported_with` names the re-exporting PyTorch); metadata this exporter would not write is refused with
 * the field named, and nothing is written.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPython, type RunResult } from './run-python.js';

const EXAMPLE = 'examples/model.pt';

/** Prints `{"meta_a", "meta_b", "same_keys", "unequal"}` for two model files. */
const COMPARE = [
  'import json, sys, torch',
  'fa, fb = {"neuroswipe.json": ""}, {"neuroswipe.json": ""}',
  'a = torch.jit.load(sys.argv[1], _extra_files=fa)',
  'b = torch.jit.load(sys.argv[2], _extra_files=fb)',
  'sa, sb = a.model.state_dict(), b.model.state_dict()',
  'print(json.dumps({"meta_a": json.loads(fa["neuroswipe.json"]), "meta_b": json.loads(fb["neuroswipe.json"]),',
  '  "same_keys": list(sa) == list(sb), "unequal": [k for k in sa if k in sb and not torch.equal(sa[k], sb[k])]}))',
].join('\n');

describe('export_torchscript.py --from-model', () => {
  let dir: string;
  let out: string;
  let result: RunResult;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'neuroswipe-reexport-'));
    out = join(dir, 'model.pt');
    result = await runPython(['python/export_torchscript.py', '--from-model', EXAMPLE, '--out', out]);
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('re-exports the example model with its weights and metadata, self-checked', async () => {
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/max abs difference between TorchScript and eager outputs \S+ \(limit 1e-05\)/);
    expect(result.stdout).toContain(`m1_bigger re-exported from ${EXAMPLE} with its weights and metadata`);
    const r = await runPython(['-c', COMPARE, EXAMPLE, out]);
    expect(r.code, r.stderr).toBe(0);
    const c = JSON.parse(r.stdout) as {
      meta_a: Record<string, unknown>;
      meta_b: Record<string, unknown>;
      same_keys: boolean;
      unequal: string[];
    };
    expect(c.same_keys).toBe(true);
    expect(c.unequal).toEqual([]);
    const { exported_with: _a, ...restA } = c.meta_a;
    const { exported_with: withB, ...restB } = c.meta_b;
    expect(restB).toEqual(restA);
    expect(Object.keys(c.meta_b)).toEqual(Object.keys(c.meta_a));
    expect((withB as Record<string, unknown>).torch).toMatch(/^\d+\.\d+/);
    expect(restB.source_weights).toEqual(restA.source_weights);
  });

  it('refuses a file whose metadata this exporter would not write, naming the field', async () => {
    const bad = join(dir, 'bad-meta.pt');
    const prep = await runPython([
      '-c',
      [
        'import json, sys, torch',
        'files = {"neuroswipe.json": ""}',
        'm = torch.jit.load(sys.argv[1], _extra_files=files)',
        'meta = json.loads(files["neuroswipe.json"])',
        'meta["n_heads"] = 8',
        'torch.jit.save(m, sys.argv[2], _extra_files={"neuroswipe.json": json.dumps(meta)})',
      ].join('\n'),
      EXAMPLE,
      bad,
    ]);
    expect(prep.code, prep.stderr).toBe(0);
    const target = join(dir, 'never.pt');
    const r = await runPython(['python/export_torchscript.py', '--from-model', bad, '--out', target]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`--from-model ${bad}: neuroswipe.json: field n_heads is 8, but this exporter writes 4 for m1_bigger`);
    expect(existsSync(target)).toBe(false);
  });

  it('refuses a file that is not TorchScript, and architecture options next to --from-model', async () => {
    const target = join(dir, 'never.pt');
    const r = await runPython(['python/export_torchscript.py', '--from-model', 'examples/vocab.txt', '--out', target]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--from-model examples/vocab.txt: not a loadable TorchScript file');
    const both = await runPython(['python/export_torchscript.py', '--from-model', EXAMPLE, '--arch', 'm1', '--out', target]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--from-model takes the architecture, transform and char tokens from the model');
    expect(existsSync(target)).toBe(false);
  });
});
