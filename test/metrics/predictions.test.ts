import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPredictionFile, writePredictionFile } from '../../lib/predictions.js';
import { at } from '../../lib/util/checked.js';

const dir = mkdtempSync(join(tmpdir(), 'ns-pred-'));

describe('prediction files', () => {
  it('round-trips rows and metadata', async () => {
    const p = join(dir, 'a.jsonl');
    const meta = { model_name: 'm1_bigger', grid_name: 'default', generator_call_kwargs: { beamsize: 6 } };
    const rows = [
      { index: 3, grid_name: 'default', candidates: [[0.25, 'привет'], [1.5, 'привез']] as [number, string][] },
      { index: 5, grid_name: 'default', candidates: [] },
    ];
    await writePredictionFile(p, rows, meta);
    const text = readFileSync(p, 'utf8').split('\n');
    expect(JSON.parse(at(text, 0))).toEqual({ neuroswipe_prediction: 1, predictor: meta });
    expect(await readPredictionFile(p)).toEqual({ meta, rows });
  });

  it('reads a file without metadata', async () => {
    const p = join(dir, 'b.jsonl');
    writeFileSync(p, '{"index":0,"grid_name":"extra","candidates":[[1,"ёжик"]]}\n');
    expect(await readPredictionFile(p)).toEqual({ rows: [{ index: 0, grid_name: 'extra', candidates: [[1, 'ёжик']] }] });
  });

  it('names the file, line and field of a bad row', async () => {
    const cases: [string, RegExp][] = [
      ['{"index":-1,"grid_name":"default","candidates":[]}', /c\.jsonl:1: index: expected a non-negative integer/],
      ['{"index":0,"candidates":[]}', /c\.jsonl:1: grid_name: expected a string/],
      ['{"index":0,"grid_name":"default","candidates":[[1]]}', /c\.jsonl:1: candidates\[0\]: expected a \[score, word\] pair/],
      ['{"index":0,"grid_name":"default","candidates":[["1","да"]]}', /c\.jsonl:1: candidates\[0\]\[0\]: expected a number/],
      ['{"index":0,"grid_name":"default","candidates":[]}\n{"index":0,"grid_name":"default","candidates":[]}', /c\.jsonl:2: index: index 0 already appears on line 1/],
      ['{"index":0,"grid_name":"default","candidates":[]}\n{"neuroswipe_prediction":1,"predictor":{}}', /c\.jsonl:2: neuroswipe_prediction: the metadata line must be the first line/],
      ['{"neuroswipe_prediction":2,"predictor":{}}', /unsupported format version 2/],
      ['not json', /c\.jsonl:1: \(line\): invalid JSON/],
    ];
    const p = join(dir, 'c.jsonl');
    for (const [text, re] of cases) {
      writeFileSync(p, text + '\n');
      await expect(readPredictionFile(p)).rejects.toThrow(re);
    }
    await expect(readPredictionFile(join(dir, 'missing.jsonl'))).rejects.toThrow(/prediction file not found/);
  });

  it('refuses non-finite scores when writing and leaves no file behind', async () => {
    const p = join(dir, 'd.jsonl');
    await expect(writePredictionFile(p, [{ index: 0, grid_name: 'default', candidates: [[Infinity, 'да']] }])).rejects.toThrow(/non-finite score/);
    await expect(readPredictionFile(p)).rejects.toThrow(/not found/);
  });
});
