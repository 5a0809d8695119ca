/**
 * The bad-input corpus (cases.ts), run in this process: every case exits with its code, names the file,
 * line and field it is about, prints no stack trace, and leaves every file that existed before unchanged
 * (and creates none, unless the case allows it).
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CASES, type BadInputCase } from './cases.js';
import { runCli } from './run-cli.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIX = join(ROOT, 'test/fixtures/generated');

function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(p, createHash('sha256').update(readFileSync(p)).digest('hex'));
    }
  };
  walk(dir);
  return out;
}

function expand(arg: string, dir: string): string {
  return arg
    .replace(/^@$/, dir)
    .replace(/@([\w.\-/]+)/g, (_, n: string) => join(dir, n))
    .replace('$FIX', FIX)
    .replace('$MODEL', join(ROOT, 'examples/model.pt'))
    .replace('$VOCAB', join(ROOT, 'examples/vocab.txt'))
    .replace('$VALID', join(ROOT, 'examples/valid.jsonl'))
    .replace('$GRIDS', join(ROOT, 'data/gridname_to_grid.json'));
}

async function check(c: BadInputCase): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'neuroswipe-bad-'));
  for (const [name, content] of Object.entries(c.files ?? {})) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    if (content.startsWith('copy:')) copyFileSync(expand(content.slice(5), dir), join(dir, name));
    else writeFileSync(join(dir, name), content);
  }
  const before = snapshot(dir);
  const r = await runCli(c.args.map((a) => expand(a, dir)), dir);
  const shown = `stderr: ${r.stderr}`;
  expect(r.code, shown).toBe(c.code ?? 1);
  for (const f of c.message) {
    if (typeof f === 'string') expect(r.stderr, shown).toContain(expand(f, dir));
    else expect(r.stderr, shown).toMatch(new RegExp(f.source.replace(/@([\w.\-/]+)/g, (_, n: string) => join(dir, n).replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))));
  }
  expect(r.stderr, 'no stack trace').not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
  const after = snapshot(dir);
  for (const [p, h] of before) expect(after.get(p), `${p} changed`).toBe(h);
  const allowed = (c.mayCreate ?? []).map((m) => join(dir, m));
  const created = [...after.keys()].filter((p) => !before.has(p) && !allowed.some((a) => p === a || p.startsWith(`${a}/`)));
  expect(created, 'files created by a failing command').toEqual([]);
}

describe('bad-input corpus', () => {
  it('has at least 150 cases with unique names', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(150);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  });
  for (const c of CASES) it(c.name, () => check(c));
  it('leaves Object.prototype clean', () => {
    expect(Object.keys(Object.prototype)).toEqual([]);
  });
});
