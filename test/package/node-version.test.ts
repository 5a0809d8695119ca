/**
 * Which Node runs the suite: one the package supports (`engines.node`), and under
 * scripts/test-node-versions.sh exactly the line it asked for, with both native addons loaded in it.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { runtimeInfo } from '../../lib/runtime.js';

const PKG = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { engines: { node: string } };
const major = Number(process.versions.node.split('.')[0]);

describe('Node version', () => {
  it('is one the package supports', () => {
    const min = /^>=(\d+)$/.exec(PKG.engines.node);
    expect(min, `engines.node ${PKG.engines.node}`).not.toBeNull();
    expect(major).toBeGreaterThanOrEqual(Number(min![1]));
  });

  it('is the line scripts/test-node-versions.sh runs, with the addon and better-sqlite3 loaded in it', () => {
    const expected = process.env.NEUROSWIPE_EXPECT_NODE;
    if (expected !== undefined) expect(major).toBe(Number(expected));
    expect(runtimeInfo().libtorch).toMatch(/^\d+\.\d+/);
    const Database = createRequire(import.meta.url)('better-sqlite3') as new (path: string) => { prepare(sql: string): { get(): unknown }; close(): void };
    const db = new Database(':memory:');
    expect(db.prepare('SELECT 1 + 1 AS two').get()).toEqual({ two: 2 });
    db.close();
  });
});
