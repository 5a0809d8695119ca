/**
 * scripts/layers.mjs: lib/ keeps its layers (base → domain → pipeline → commands, docs/ARCHITECTURE.md) with
 * no upward import and no import cycle; and the check finds both in a tree that has them.
 */
import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, runScript } from '../helpers/scripts.js';

const ROOT = REPO_ROOT;
const run = (args: string[]): { status: number | null; stdout: string } => runScript('layers.mjs', args);

describe('scripts/layers.mjs', () => {
  it('lib/ has no upward import, no module without a layer and no import cycle', () => {
    const r = run(['--root', ROOT, '--json']);
    const out = JSON.parse(r.stdout) as { modules: number; upward: unknown[]; unplaced: unknown[]; cycles: unknown[] };
    expect(out.upward).toEqual([]);
    expect(out.unplaced).toEqual([]);
    expect(out.cycles).toEqual([]);
    expect(out.modules).toBeGreaterThan(100);
    expect(r.status).toBe(0);
  });

  it('names an upward import, a module outside the layers and a cycle (type-only imports count)', () => {
    const root = mkdtempSync(join(tmpdir(), 'neuroswipe-layers-'));
    for (const d of ['util', 'cli', 'elsewhere']) mkdirSync(join(root, 'lib', d), { recursive: true });
    writeFileSync(join(root, 'lib/util/a.ts'), "import type { B } from '../cli/b.js';\nexport type A = B;\n");
    writeFileSync(join(root, 'lib/cli/b.ts'), "import type { A } from '../util/a.js';\nexport type B = A | number;\n");
    writeFileSync(join(root, 'lib/elsewhere/c.ts'), 'export const c = 1;\n');
    const r = run(['--root', root]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('upward import: lib/util/a.ts (base) → lib/cli/b.ts (commands)');
    expect(r.stdout).toContain('no layer: lib/elsewhere/c.ts');
    expect(r.stdout).toContain('import cycle: lib/cli/b.ts ↔ lib/util/a.ts');
  });
});
