/**
 * The package as a dependency: `npm pack` the checkout, install the tarball offline into a fresh app (its
 * install script builds the addon there, with cmake-js hoisted into the app's node_modules), then
 * typecheck the README's library example strictly (skipLibCheck off) against the installed package's types
 * and run it. Its output must equal the same program's run against the checkout.
 *
 * Runs with `npm run test:package` (CI's package leg; `npm test` leaves it out), which builds `dist/` first.
 * Needs the npm cache that `npm ci` filled. A full native build takes many minutes on two cores; with
 * ccache and the checkout's addon built from the same sources, the app's build is served from the cache.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { at, own } from '../../lib/util/checked.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
// A fixed place (not under the checkout, whose node_modules would otherwise resolve what the app lacks),
// so that ccache finds the same paths on the next run.
const WORK = join(tmpdir(), 'neuroswipe-pack-install');
const APP = join(WORK, 'app');
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
type LockEntry = { version: string; dev?: boolean; integrity?: string; [k: string]: unknown };
const LOCK = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };

/**
 * The app's lockfile: the tarball, the checkout's locked versions of its dependencies (everything the
 * checkout's lock does not mark as dev-only, in the same layout) and of TypeScript and Node's types. With a
 * lockfile, `npm ci --offline` takes every tarball from the npm cache that the checkout's `npm ci` filled;
 * a plain `npm install` would need the registry's package documents, which that cache does not hold.
 *
 * One package moves: node-addon-api is nested in the package's own node_modules (a layout npm makes
 * whenever versions differ, and which the build must handle as well as a hoisted one). Its headers then
 * sit at the same place relative to the package as in the checkout, so the compiler cache, whose paths
 * are relative to the package, serves the app's build from the checkout's. cmake-js stays hoisted.
 */
const NESTED = 'node_modules/node-addon-api';

function appLock(tarball: string, deps: Record<string, string>): unknown {
  const root = LOCK.packages[''] as unknown as { dependencies: Record<string, string>; bin: Record<string, string>; engines: unknown; license: string };
  const packages: Record<string, unknown> = {
    '': { name: 'neuroswipe-app', dependencies: deps },
    [`node_modules/${PKG.name}`]: {
      version: PKG.version, resolved: deps[PKG.name],
      integrity: `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`,
      hasInstallScript: true, license: root.license, dependencies: root.dependencies, bin: root.bin, engines: root.engines,
    },
  };
  for (const [path, entry] of Object.entries(LOCK.packages)) {
    if (path === '' || !path.startsWith('node_modules/')) continue;
    if (!entry.dev || ['node_modules/typescript', 'node_modules/@types/node', 'node_modules/undici-types'].includes(path)) {
      const { dev: _dev, ...rest } = entry;
      packages[path === NESTED ? `node_modules/${PKG.name}/${NESTED}` : path] = rest;
    }
  }
  return { name: 'neuroswipe-app', lockfileVersion: 3, requires: true, packages };
}

/** The README's first TypeScript block under "## Library". */
function readmeExample(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Library\n'));
  const m = /```ts\n([\s\S]*?)```/.exec(section);
  if (!m) throw new Error('README.md: no ```ts block under "## Library"');
  return at(m, 1);
}

function run(cmd: string, args: string[], opts: SpawnSyncOptions & { cwd: string }): { stdout: string; stderr: string; seconds: number } {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 << 20, ...opts });
  const seconds = (performance.now() - t0) / 1000;
  const stdout = String(r.stdout ?? '');
  const stderr = String(r.stderr ?? '');
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} (in ${opts.cwd}) exited with ${r.status ?? r.signal}:\n${stdout.slice(-4000)}\n${stderr.slice(-8000)}`);
  }
  return { stdout, stderr, seconds };
}

function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/** ccache's hit and miss counters (shared with any other build running at the time), or null without ccache. */
function ccacheCounts(): { hits: number; misses: number } | null {
  if (!hasCommand('ccache')) return null;
  const stats = spawnSync('ccache', ['--print-stats'], { encoding: 'utf8' }).stdout ?? '';
  const n = (key: string): number => Number(new RegExp(`^${key}\\t(\\d+)$`, 'm').exec(stats)?.[1] ?? 0);
  return { hits: n('direct_cache_hit') + n('preprocessed_cache_hit'), misses: n('cache_miss') };
}

describe('npm pack → npm install in a fresh app', () => {
  it('builds the addon in the app, and the README example typechecks strictly and runs', { timeout: 3_600_000 }, () => {
    expect(existsSync(join(ROOT, 'dist', 'index.js')), 'dist/ is built').toBe(true);
    rmSync(WORK, { recursive: true, force: true });
    mkdirSync(APP, { recursive: true });

    // The tarball. prepare (tsc) is skipped: dist/ is current, and rebuilding it would race the suite's
    // other files, which run the built CLI.
    const pack = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', WORK], { cwd: ROOT });
    const packed = at(JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[], 0);
    const files = new Set(packed.files.map((f) => f.path));
    for (const f of ['LICENSE', 'README.md', 'CHANGELOG.md', 'dist/index.js', 'dist/index.d.ts', 'lib/index.ts', 'bin/neuroswipe.js',
      'scripts/build-native.mjs', 'CMakeLists.txt', 'examples/model.pt', 'examples/vocab.txt', 'examples/valid.jsonl', 'data/gridname_to_grid.json',
      'examples/en/model.pt', 'examples/en/vocab.txt', 'examples/en/frequency.tsv', 'examples/en/valid.jsonl', 'examples/en/MODEL_CARD.md']) {
      expect(files.has(f), `${f} is in the package`).toBe(true);
    }
    expect([...files].some((f) => f.startsWith('test/') || f.startsWith('build/') || f.includes('__pycache__'))).toBe(false);
    // Every source map points at a shipped file.
    for (const f of files) {
      if (!f.endsWith('.js.map')) continue;
      const map = JSON.parse(readFileSync(join(ROOT, f), 'utf8')) as { sources: string[] };
      for (const s of map.sources) expect(files.has(join(f, '..', s)), `${f} → ${s}`).toBe(true);
    }

    // The app: the tarball, plus TypeScript and Node's types at the checkout's versions (in the npm cache).
    const tarball = join(WORK, packed.filename);
    const deps = {
      [PKG.name]: `file:../${packed.filename}`,
      typescript: own(LOCK.packages, 'node_modules/typescript').version,
      '@types/node': own(LOCK.packages, 'node_modules/@types/node').version,
    };
    writeFileSync(join(APP, 'package.json'), JSON.stringify({ name: 'neuroswipe-app', private: true, type: 'module', dependencies: deps }, null, 2));
    writeFileSync(join(APP, 'package-lock.json'), JSON.stringify(appLock(tarball, deps), null, 2));
    writeFileSync(join(APP, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: false,
        types: ['node'], outDir: 'out',
      },
      include: ['example.ts'],
    }, null, 2));
    const env: NodeJS.ProcessEnv = { ...process.env, npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false' };
    // The install script uses ccache when it is installed, with paths relative to the package
    // (CCACHE_BASEDIR): the app's build of the tarball's sources hits the entries the checkout's build made.
    const before = ccacheCounts();
    const install = run('npm', ['ci', '--offline', '--foreground-scripts'], { cwd: APP, env });
    const after = ccacheCounts();
    const cache = before && after ? `; ccache: ${after.hits - before.hits} hits, ${after.misses - before.misses} misses` : '';
    console.log(`pack-install: npm ci --offline in the app (addon build included) took ${install.seconds.toFixed(0)} s${cache}`);

    const installed = join(APP, 'node_modules', PKG.name);
    expect(existsSync(join(installed, 'build', 'cmake', 'Release', 'neuroswipe.node')), 'the addon was built in the app').toBe(true);
    // npm hoisted the build tools next to the package rather than inside it.
    expect(existsSync(join(APP, 'node_modules', 'cmake-js'))).toBe(true);
    expect(existsSync(join(installed, 'node_modules', 'cmake-js'))).toBe(false);
    expect(existsSync(join(installed, NESTED, 'napi.h')), 'node-addon-api nested in the package').toBe(true);

    writeFileSync(join(APP, 'example.ts'), readmeExample());
    run(process.execPath, [join(APP, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', APP], { cwd: APP });
    const inApp = run(process.execPath, [join(APP, 'out', 'example.js')], { cwd: APP });

    // The same compiled program against the checkout (the package's own name resolves to it from inside).
    const local = join(ROOT, '.tmp', 'readme-example');
    mkdirSync(local, { recursive: true });
    cpSync(join(APP, 'out', 'example.js'), join(local, 'example.js'));
    const inClone = run(process.execPath, [join(local, 'example.js')], { cwd: local });

    const lines = inApp.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    const vocab = new Set(readFileSync(join(ROOT, 'examples', 'vocab.txt'), 'utf8').split('\n'));
    const targets = readFileSync(join(ROOT, 'examples', 'valid.ref'), 'utf8').split('\n');
    lines.forEach((line, i) => {
      const [target, words] = line.split(' → ');
      expect(target).toBe(targets[i]);
      if (words === undefined) throw new Error(`line ${i + 1} has no " → ": ${line}`);
      const list = words.split(' ');
      expect(list.length).toBeGreaterThanOrEqual(1);
      for (const w of list) expect(vocab.has(w), `${w} is a vocabulary word`).toBe(true);
    });
    // Progress went to stderr and reached the total.
    expect(inApp.stderr).toContain('1000/1000');
    expect(inApp.stdout).toBe(inClone.stdout);
    console.log(`pack-install: README example ran in ${inApp.seconds.toFixed(1)} s in the app, ${inClone.seconds.toFixed(1)} s in the checkout`);
    expect(readdirSync(join(installed, 'examples'))).toContain('model.pt');
  });
});
