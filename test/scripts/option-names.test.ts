/**
 * scripts/option-names.mjs: every search and post-processing option of lib/options/schema.ts is named (as an
 * identifier or a whole string literal, by its camelCase or its seed name) in at most 3 files of lib/; and
 * the count finds names in code, not in comments or sentences, and fails a tree over the limit.
 */
import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, runScript } from '../helpers/scripts.js';

const ROOT = REPO_ROOT;
const run = (args: string[]): { status: number | null; stdout: string } => runScript('option-names.mjs', args);

interface Row { name: string; seed: string; group: string; files: string[]; seedFiles: string[] }

describe('scripts/option-names.mjs', () => {
  it('names each decoding option of lib/ in at most 3 files', () => {
    const r = run(['--root', ROOT, '--json']);
    const out = JSON.parse(r.stdout) as { limit: number; options: Row[]; over: string[] };
    expect(out.options.map((o) => o.name)).toEqual(expect.arrayContaining(['maxSteps', 'beamSize', 'repair', 'priorWeight', 'vocabScoring']));
    for (const o of out.options) {
      expect(o.files).toContain('options/schema.ts');
      if (o.group === 'search' || o.group === 'postprocess') {
        expect.soft(o.files.length, `${o.name}: ${o.files.join(' ')}`).toBeLessThanOrEqual(3);
        expect.soft(o.seedFiles.length, `${o.seed}: ${o.seedFiles.join(' ')}`).toBeLessThanOrEqual(3);
      }
    }
    expect(out.over).toEqual([]);
    expect(r.status).toBe(0);
  });

  it('counts identifiers and whole string literals, not comments, longer words or sentences, and fails over the limit', () => {
    const root = mkdtempSync(join(tmpdir(), 'neuroswipe-option-names-'));
    mkdirSync(join(root, 'lib/options'), { recursive: true });
    writeFileSync(join(root, 'lib/options/schema.ts'), "export const S = [{ name: 'fooBar', seed: 'foo_bar', group: 'search' }];\n");
    writeFileSync(join(root, 'lib/a.ts'), 'export const f = (o: { fooBar: number }): number => o.fooBar;\n');
    writeFileSync(join(root, 'lib/b.ts'), "export const k = 'foo_bar';\n");
    writeFileSync(join(root, 'lib/c.ts'), "// fooBar in a comment\n/** fooBar in a doc */\nexport const fooBarBaz = 'set --foo-bar or fooBar';\n");
    const ok = run(['--root', root, '--json']);
    const rows = (JSON.parse(ok.stdout) as { options: Row[] }).options;
    expect(rows).toEqual([{ name: 'fooBar', seed: 'foo_bar', group: 'search', files: ['a.ts', 'options/schema.ts'], seedFiles: ['b.ts', 'options/schema.ts'] }]);
    expect(ok.status).toBe(0);
    const tight = run(['--root', root, '--limit', '1']);
    expect(tight.status).toBe(1);
    expect(tight.stdout).toContain('1 named in more than 1 files of lib/: fooBar');
  });
});
