import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { dumpPyCompact, dumpPyIndented, parsePyJson, pyFloatRepr } from '../../lib/io/python-json.js';
import { separateGridFile } from '../../lib/data/separate-grid.js';
import { BadLineReport } from '../../lib/io/bad-line.js';
import { register } from '../../lib/cli/separate-grid.js';

const fixtures = fileURLToPath(new URL('../fixtures/data/', import.meta.url));
const tmp = () => mkdtempSync(join(tmpdir(), 'ns-sep-'));

describe('Python json printing', () => {
  it('floats print as Python repr', () => {
    const cases: [number, string][] = [
      [1, '1.0'], [-0, '-0.0'], [1e-5, '1e-05'], [0.0001, '0.0001'], [1.5e16, '1.5e+16'], [1e15, '1000000000000000.0'],
      [2.5e-7, '2.5e-07'], [1e100, '1e+100'], [0.1, '0.1'], [123.456, '123.456'], [Infinity, 'Infinity'], [-Infinity, '-Infinity'], [NaN, 'NaN'],
    ];
    for (const [v, s] of cases) expect(pyFloatRepr(v)).toBe(s);
  });

  it('keeps member order (integer-like keys too), integer digits and ensure_ascii=False escapes', () => {
    const text = '{"b": 1, "2": [1.0, -0, 12345678901234567890123], "a": "é\\u0001\\n\\"\\/", "1": {}}';
    expect(dumpPyCompact(parsePyJson(text))).toBe('{"b":1,"2":[1.0,0,12345678901234567890123],"a":"é\\u0001\\n\\"/","1":{}}');
    expect(dumpPyIndented(parsePyJson('{"a": [1, {"b": []}], "c": {}}'))).toBe('{\n  "a": [\n    1,\n    {\n      "b": []\n    }\n  ],\n  "c": {}\n}');
  });

  it('rejects what Python rejects', () => {
    for (const bad of ['{"a":1,}', '[01]', '"tab\there"', '{"a" 1}', '[1] x']) expect(() => parsePyJson(bad), bad).toThrow(SyntaxError);
  });
});

describe('separateGridFile', () => {
  it.each(['inline', 'edge'])('%s.jsonl: output and grids are byte-identical to the seed conversion', async (name) => {
    const d = tmp();
    const res = await separateGridFile(join(fixtures, `${name}.jsonl`), join(d, 'out.jsonl'), join(d, 'grids.json'));
    expect(readFileSync(join(d, 'out.jsonl'))).toEqual(readFileSync(join(fixtures, `${name}.separated.expected.jsonl`)));
    expect(readFileSync(join(d, 'grids.json'))).toEqual(readFileSync(join(fixtures, `${name}.grids.expected.json`)));
    expect(res.written).toBe(res.lines);
    expect(readdirSync(d).sort()).toEqual(['grids.json', 'out.jsonl']);
  });

  it('refuses to overwrite unless forced', async () => {
    const d = tmp();
    writeFileSync(join(d, 'out.jsonl'), 'keep');
    await expect(separateGridFile(join(fixtures, 'inline.jsonl'), join(d, 'out.jsonl'), join(d, 'g.json'))).rejects.toThrow(/out\.jsonl: already exists/);
    expect(readFileSync(join(d, 'out.jsonl'), 'utf8')).toBe('keep');
    await separateGridFile(join(fixtures, 'inline.jsonl'), join(d, 'out.jsonl'), join(d, 'g.json'), { force: true });
    expect(readFileSync(join(d, 'out.jsonl'))).toEqual(readFileSync(join(fixtures, 'inline.separated.expected.jsonl')));
  });

  it('a bad line fails with file, line and field and leaves no output; --skip-bad-lines reports it', async () => {
    const d = tmp();
    const lines = readFileSync(join(fixtures, 'inline.jsonl'), 'utf8').split('\n');
    lines.splice(1, 0, '{"curve": {"x": [1], "y": [2], "t": [0, 1], "grid": {}}}');
    const input = join(d, 'in.jsonl');
    writeFileSync(input, lines.join('\n'));
    await expect(separateGridFile(input, join(d, 'o.jsonl'), join(d, 'g.json'))).rejects.toThrow(/in\.jsonl:2: curve\.t: has 2 points/);
    expect(existsSync(join(d, 'o.jsonl'))).toBe(false);
    expect(readdirSync(d)).toEqual(['in.jsonl']);
    const report = new BadLineReport();
    const res = await separateGridFile(input, join(d, 'o.jsonl'), join(d, 'g.json'), { skipBadLines: true, onBadLine: report.add });
    expect(report.count).toBe(1);
    expect(res).toMatchObject({ lines: 7, written: 6 });
    expect(readFileSync(join(d, 'o.jsonl'))).toEqual(readFileSync(join(fixtures, 'inline.separated.expected.jsonl')));
  });

  it('a line already in the separated format is a bad line naming curve.grid', async () => {
    const d = tmp();
    await expect(separateGridFile(join(fixtures, 'test.jsonl'), join(d, 'o.jsonl'), join(d, 'g.json'))).rejects.toThrow(/test\.jsonl:1: curve\.grid: missing/);
  });
});

describe('neuroswipe separate-grid', () => {
  it('converts a file through the command line', async () => {
    const d = tmp();
    const program = new Command().exitOverride();
    register(program);
    await program.parseAsync(['node', 'neuroswipe', 'separate-grid', join(fixtures, 'edge.jsonl'), '--out', join(d, 'o.jsonl'), '--grids-out', join(d, 'g.json')]);
    expect(readFileSync(join(d, 'o.jsonl'))).toEqual(readFileSync(join(fixtures, 'edge.separated.expected.jsonl')));
  });
});
