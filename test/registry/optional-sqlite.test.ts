/**
 * better-sqlite3 is an optional peer dependency: the built package, laid out where every other dependency
 * resolves but better-sqlite3 does not, loads and runs the CLI, and the registry's first use says what to
 * install.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A copy of the package (dist/, bin/, package.json) beside node_modules links to all but better-sqlite3. */
function packageWithoutSqlite(): string {
  const dir = mkdtempSync(join(tmpdir(), 'neuroswipe-no-sqlite-'));
  const pkg = join(dir, 'neuroswipe');
  for (const f of ['dist', 'bin', 'package.json', 'data', 'examples']) cpSync(join(ROOT, f), join(pkg, f), { recursive: true });
  mkdirSync(join(dir, 'node_modules'));
  for (const name of readdirSync(join(ROOT, 'node_modules'))) {
    if (name !== 'better-sqlite3' && !name.startsWith('.')) symlinkSync(join(ROOT, 'node_modules', name), join(dir, 'node_modules', name));
  }
  return pkg;
}

describe('without better-sqlite3', () => {
  it('the library and CLI load; the registry names the install command', { timeout: 60_000 }, () => {
    expect(existsSync(join(ROOT, 'dist', 'index.js')), 'dist/ is built').toBe(true);
    const pkg = packageWithoutSqlite();
    const lib = spawnSync(process.execPath, ['--input-type=module', '-e',
      `const m = await import(${JSON.stringify(join(pkg, 'dist', 'index.js'))});
       console.log(typeof m.Decoder);
       m.Registry.open('r.sqlite');`], { cwd: pkg, encoding: 'utf8' });
    expect(lib.stdout).toBe('function\n');
    expect(lib.status).toBe(1);
    expect(lib.stderr).toContain('the predictor registry (neuroswipe predict, reproduce, registry, predictions --registry; the Registry class) ' +
      'needs better-sqlite3, an optional dependency that is not installed: npm install better-sqlite3@12');
    expect(existsSync(join(pkg, 'r.sqlite'))).toBe(false);

    const help = spawnSync(process.execPath, [join(pkg, 'bin', 'neuroswipe.js'), '--help'], { cwd: pkg, encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('registry');

    writeFileSync(join(pkg, 'shard.sqlite'), '');
    const cli = spawnSync(process.execPath, [join(pkg, 'bin', 'neuroswipe.js'), 'registry', 'merge', '--out', 'merged.sqlite', 'shard.sqlite'], { cwd: pkg, encoding: 'utf8' });
    expect(cli.status).toBe(1);
    expect(cli.stderr.trim().split('\n')).toEqual([
      'neuroswipe: the predictor registry (neuroswipe predict, reproduce, registry, predictions --registry; the Registry class) ' +
      'needs better-sqlite3, an optional dependency that is not installed: npm install better-sqlite3@12',
    ]);
    expect(readdirSync(pkg).filter((f) => f.startsWith('merged'))).toEqual([]);
    rmSync(dirname(pkg), { recursive: true, force: true });
  });
});
