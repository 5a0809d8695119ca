/**
 * The package as a dependency: `npm pack` the checkout, install the tarball offline into a fresh app (the
 * prebuilt addon serves; better-sqlite3, an optional peer dependency, is not installed), then typecheck the
 * README's library example strictly (skipLibCheck off) against the installed package's types and run it.
 * Its output must equal the same program's run against the checkout. Then the app adds better-sqlite3
 * (which compiles SQLite here) and the registry opens; last, a source build of the addon in the app.
 *
 * Runs with `npm run test:package` (CI's package leg; `npm test` leaves it out), which builds `dist/` first.
 * Needs the npm cache that `npm ci` filled. A full native build takes many minutes on two cores; with
 * ccache and the checkout's addon built from the same sources, the app's build is served from the cache.
 */
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync, type SpawnSyncOptions } from 'node:child_process';
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

/** The lock paths of a locked package and of everything it depends on (npm's nested-then-hoisted lookup). */
function lockClosure(name: string): string[] {
  const seen = new Set<string>();
  const visit = (path: string): void => {
    if (seen.has(path)) return;
    seen.add(path);
    const deps = Object.keys(own(LOCK.packages, path).dependencies ?? {});
    for (const dep of deps) {
      let parent = path;
      // The nearest node_modules/<dep> up from the dependent's folder, as Node resolves it.
      for (;;) {
        const candidate = `${parent}/node_modules/${dep}`;
        if (candidate in LOCK.packages) { visit(candidate); break; }
        const up = parent.lastIndexOf('/node_modules/');
        if (up < 0) { visit(`node_modules/${dep}`); break; }
        parent = parent.slice(0, up);
      }
    }
  };
  visit(`node_modules/${name}`);
  return [...seen];
}

function appLock(tarball: string, deps: Record<string, string>, devPackages: readonly string[]): unknown {
  const root = LOCK.packages[''] as unknown as {
    dependencies: Record<string, string>; peerDependencies: Record<string, string>; peerDependenciesMeta: unknown;
    bin: Record<string, string>; engines: unknown; license: string;
  };
  const packages: Record<string, unknown> = {
    '': { name: 'neuroswipe-app', dependencies: deps },
    [`node_modules/${PKG.name}`]: {
      version: PKG.version, resolved: deps[PKG.name],
      integrity: `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`,
      hasInstallScript: true, license: root.license, dependencies: root.dependencies, peerDependencies: root.peerDependencies,
      peerDependenciesMeta: root.peerDependenciesMeta, bin: root.bin, engines: root.engines,
    },
  };
  const wanted = new Set(['node_modules/typescript', 'node_modules/@types/node', 'node_modules/undici-types', ...devPackages]);
  for (const [path, entry] of Object.entries(LOCK.packages)) {
    if (path === '' || !path.startsWith('node_modules/')) continue;
    if (!entry.dev || wanted.has(path)) {
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

/** A command's output lines, each with the seconds since the start at which it arrived. */
interface TimedRun {
  lines: { at: number; text: string }[];
  seconds: number;
}

/** Runs a command, timing each output line (stdout and stderr together); rejects on a non-zero exit. */
function timedRun(cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): Promise<TimedRun> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const lines: { at: number; text: string }[] = [];
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    const take = (stream: NodeJS.ReadableStream): void => {
      let rest = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        const parts = (rest + chunk).split('\n');
        rest = parts.pop() ?? '';
        for (const text of parts) lines.push({ at: (performance.now() - t0) / 1000, text });
      });
      stream.on('end', () => {
        if (rest) lines.push({ at: (performance.now() - t0) / 1000, text: rest });
      });
    };
    take(child.stdout);
    take(child.stderr);
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = (performance.now() - t0) / 1000;
      if (code === 0) resolve({ lines, seconds });
      else reject(new Error(`${cmd} ${args.join(' ')} (in ${opts.cwd}) exited with ${code}:\n${lines.map((l) => l.text).join('\n').slice(-8000)}`));
    });
  });
}

/** Seconds from the line that starts a package's install script (`> name@version install`) to the next script's or the end. */
function scriptSeconds(r: TimedRun, name: string): number {
  const i = r.lines.findIndex((l) => new RegExp(`^> ${name}@\\S+ install$`).test(l.text));
  if (i < 0) return 0;
  const next = r.lines.slice(i + 1).find((l) => /^> \S+@\S+ \w+$/.test(l.text));
  return (next?.at ?? r.seconds) - at(r.lines, i).at;
}

/** Apparent size of a folder, in bytes (du -sb). */
function folderBytes(path: string): number {
  return Number(run('du', ['-sb', path], { cwd: ROOT }).stdout.split('\t')[0]);
}

/** The README's first ```js block under "## Use it in your app". */
function readmeAppExample(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Use it in your app\n'));
  const m = /```js\n([\s\S]*?)```/.exec(section);
  if (!m) throw new Error('README.md: no ```js block under "## Use it in your app"');
  return at(m, 1);
}

/** The installed package stays under this many bytes (README: "Use it in your app"). */
const MAX_INSTALLED_BYTES = 30e6;

describe('npm pack → npm install in a fresh app', () => {
  it('installs with the prebuilt addon (no compilation), small; a source build leaves only the addon; the README examples typecheck strictly and run', { timeout: 3_600_000 }, async () => {
    expect(existsSync(join(ROOT, 'dist', 'index.js')), 'dist/ is built').toBe(true);
    rmSync(WORK, { recursive: true, force: true });
    mkdirSync(APP, { recursive: true });

    // The tarball, with npm's scripts: prepare rebuilds dist/ beside the old one and swaps it in (the suite's
    // other files run the built CLI meanwhile), prepack brings the addon up to date and places the prebuilt
    // one, postpack removes it from the checkout again. The build's output goes to stderr; stdout ends with
    // the JSON file list.
    const pack = run('npm', ['pack', '--json', '--pack-destination', WORK], { cwd: ROOT });
    const packed = at(JSON.parse(pack.stdout.slice(pack.stdout.search(/^\[/m))) as { filename: string; files: { path: string }[]; unpackedSize: number }[], 0);
    const files = new Set(packed.files.map((f) => f.path));
    for (const f of ['LICENSE', 'README.md', 'CHANGELOG.md', 'dist/index.js', 'dist/index.d.ts', 'lib/index.ts', 'bin/neuroswipe.js',
      'scripts/build-native.mjs', 'CMakeLists.txt', 'examples/model.pt', 'examples/vocab.txt', 'examples/valid.jsonl', 'data/gridname_to_grid.json',
      'configs/yandex-cup.json', 'prebuilds/linux-x64/neuroswipe.node', 'prebuilds/linux-x64/neuroswipe.json',
      'examples/en/model.pt', 'examples/en/vocab.txt', 'examples/en/frequency.tsv', 'examples/en/valid.jsonl', 'examples/en/MODEL_CARD.md',
      'python/export_torchscript.py', 'python/neuroswipe_models/export.py']) {
      expect(files.has(f), `${f} is in the package`).toBe(true);
    }
    expect([...files].some((f) => f.startsWith('test/') || f.startsWith('build/') || f.includes('__pycache__'))).toBe(false);
    // What users run only: the export the library runs, not training, fixtures or developer tools.
    for (const f of ['python/train.py', 'python/make_test_models.py', 'scripts/bench.mjs', 'scripts/layers.mjs']) expect(files.has(f), `${f} is not in the package`).toBe(false);
    expect(existsSync(join(ROOT, 'prebuilds')), 'postpack removed prebuilds/ from the checkout').toBe(false);
    expect(existsSync(join(ROOT, 'dist', 'index.js')), 'dist/ is still there').toBe(true);
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
    writeFileSync(join(APP, 'package-lock.json'), JSON.stringify(appLock(tarball, deps, []), null, 2));
    writeFileSync(join(APP, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: false,
        types: ['node'], outDir: 'out',
      },
      include: ['example.ts'],
    }, null, 2));
    const env: NodeJS.ProcessEnv = { ...process.env, npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false' };
    delete env.NEUROSWIPE_BUILD_FROM_SOURCE;

    // The install: the prebuilt addon serves (Debian's libtorch 1.13 is here), so nothing of ours compiles;
    // better-sqlite3 (an optional peer dependency, for the registry only) is not installed.
    const install = await timedRun('npm', ['ci', '--offline', '--foreground-scripts'], { cwd: APP, env });
    const log = install.lines.map((l) => l.text).join('\n');
    const installed = join(APP, 'node_modules', PKG.name);
    const size = folderBytes(installed);
    const ours = scriptSeconds(install, PKG.name);
    console.log(`pack-install: npm ci --offline took ${install.seconds.toFixed(0)} s (neuroswipe's install script ${ours.toFixed(1)} s); ` +
      `installed package ${(size / 1e6).toFixed(1)} MB (tarball ${(packed.unpackedSize / 1e6).toFixed(1)} MB unpacked), ` +
      `the app's node_modules ${(folderBytes(join(APP, 'node_modules')) / 1e6).toFixed(1)} MB`);
    expect(log).toMatch(/neuroswipe: using the prebuilt linux-x64 addon \(libtorch 1\.13\.\d+, .*\); no compilation/);
    expect(existsSync(join(installed, 'build')), 'nothing was built in the app').toBe(false);
    expect(existsSync(join(APP, 'node_modules', 'better-sqlite3')), 'the optional better-sqlite3 is left out').toBe(false);
    expect(ours, "neuroswipe's install script only checks the prebuilt addon").toBeLessThan(30);
    expect(install.seconds, 'the whole install').toBeLessThan(90);
    expect(size).toBeLessThan(MAX_INSTALLED_BYTES);
    // The registry says what it needs; the rest of the package loads without it (the examples below, `info`).
    writeFileSync(join(APP, 'registry.mjs'), "import { Registry } from 'neuroswipe';\n" +
      "const r = Registry.open('registry.sqlite');\nconsole.log(`registry rows: ${r.list().length}`);\nr.close();\n");
    const noSqlite = spawnSync(process.execPath, [join(APP, 'registry.mjs')], { cwd: APP, encoding: 'utf8' });
    expect(noSqlite.status).toBe(1);
    expect(noSqlite.stderr).toMatch(/the predictor registry \(neuroswipe predict, .*\) needs better-sqlite3, an optional dependency that is not installed: npm install better-sqlite3@12/);
    expect(existsSync(join(APP, 'registry.sqlite'))).toBe(false);
    // npm hoisted the build tools next to the package rather than inside it.
    expect(existsSync(join(APP, 'node_modules', 'cmake-js'))).toBe(true);
    expect(existsSync(join(installed, 'node_modules', 'cmake-js'))).toBe(false);
    expect(existsSync(join(installed, NESTED, 'napi.h')), 'node-addon-api nested in the package').toBe(true);

    // The README's library example decodes the English example, its app example the Russian one.
    const vocab = new Set(readFileSync(join(ROOT, 'examples', 'en', 'vocab.txt'), 'utf8').split('\n'));
    const targets = readFileSync(join(ROOT, 'examples', 'en', 'valid.ref'), 'utf8').split('\n');
    const appTargets = readFileSync(join(ROOT, 'examples', 'valid.ref'), 'utf8').split('\n');
    writeFileSync(join(APP, 'example.ts'), readmeExample());
    writeFileSync(join(APP, 'app.mjs'), readmeAppExample());
    run(process.execPath, [join(APP, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', APP], { cwd: APP });
    const runExamples = (): { library: string; app: string } => {
      const inApp = run(process.execPath, [join(APP, 'out', 'example.js')], { cwd: APP });
      const lines = inApp.stdout.trim().split('\n');
      expect(lines).toHaveLength(3);
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
      const app = run(process.execPath, [join(APP, 'app.mjs')], { cwd: APP }).stdout;
      expect(app).toMatch(new RegExp(`^${appTargets[0] ?? '?'} → \\S+`));
      return { library: inApp.stdout, app };
    };
    const withPrebuilt = runExamples();
    const info = run(process.execPath, [join(installed, 'bin', 'neuroswipe.js'), 'info', '--json'], { cwd: APP });
    expect(JSON.parse(info.stdout)).toMatchObject({ addon: join(installed, 'prebuilds', 'linux-x64', 'neuroswipe.node') });

    // The app adds better-sqlite3 (the checkout's locked version and dependencies, from the npm cache): it
    // compiles SQLite from source here, its prebuilt download being unreachable. The registry then opens.
    const sqlitePackages = lockClosure('better-sqlite3');
    const withSqlite = { ...deps, 'better-sqlite3': own(LOCK.packages, 'node_modules/better-sqlite3').version };
    writeFileSync(join(APP, 'package.json'), JSON.stringify({ name: 'neuroswipe-app', private: true, type: 'module', dependencies: withSqlite }, null, 2));
    writeFileSync(join(APP, 'package-lock.json'), JSON.stringify(appLock(tarball, withSqlite, sqlitePackages), null, 2));
    const installSqlite = await timedRun('npm', ['ci', '--offline', '--foreground-scripts'], { cwd: APP, env });
    const sqlite = scriptSeconds(installSqlite, 'better-sqlite3');
    console.log(`pack-install: with better-sqlite3 (${sqlitePackages.length} packages more), npm ci --offline took ${installSqlite.seconds.toFixed(0)} s, ` +
      `of which better-sqlite3's install script ${sqlite.toFixed(0)} s`);
    expect(run(process.execPath, [join(APP, 'registry.mjs')], { cwd: APP }).stdout).toBe('registry rows: 0\n');

    // The same compiled program against the checkout (the package's own name resolves to it from inside).
    const local = join(ROOT, '.tmp', 'readme-example');
    mkdirSync(local, { recursive: true });
    cpSync(join(APP, 'out', 'example.js'), join(local, 'example.js'));
    const inClone = run(process.execPath, [join(local, 'example.js')], { cwd: local });
    expect(withPrebuilt.library).toBe(inClone.stdout);

    // A source build in the app (what a machine without a matching libtorch gets): a line per stage, and
    // only the addon is left of the build folder. ccache, with paths relative to the package
    // (CCACHE_BASEDIR), serves it from the checkout's build.
    const before = ccacheCounts();
    const rebuild = await timedRun('npm', ['rebuild', PKG.name, '--foreground-scripts'], { cwd: APP, env: { ...env, NEUROSWIPE_BUILD_FROM_SOURCE: '1' } });
    const after = ccacheCounts();
    const cache = before && after ? `; ccache: ${after.hits - before.hits} hits, ${after.misses - before.misses} misses` : '';
    const rebuildLog = rebuild.lines.map((l) => l.text).join('\n');
    for (const stage of [/neuroswipe: \[1\/3\] configuring/, /neuroswipe: \[2\/3\] compiling \d+ sources/, /neuroswipe: \[3\/3\] built .* in \d+ s; removed \d+ MB of build intermediates/]) {
      expect(rebuildLog).toMatch(stage);
    }
    const buildFiles = readdirSync(join(installed, 'build'), { recursive: true }).map(String).sort();
    expect(buildFiles).toEqual(['cmake', join('cmake', 'Release'), join('cmake', 'Release', 'neuroswipe.node')]);
    const sizeBuilt = folderBytes(installed);
    console.log(`pack-install: a source build in the app took ${rebuild.seconds.toFixed(0)} s${cache}; installed package then ${(sizeBuilt / 1e6).toFixed(1)} MB`);
    expect(sizeBuilt).toBeLessThan(MAX_INSTALLED_BYTES);
    const withBuilt = runExamples();
    expect(withBuilt).toEqual(withPrebuilt);
    expect(readdirSync(join(installed, 'examples'))).toContain('model.pt');
  });
});
