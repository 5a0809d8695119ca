/**
 * The prebuilt addon of an installed package (prebuilds/linux-x64/, placed by scripts/prebuild.mjs when the
 * package is packed), in a package layout under node_modules made of the checkout's dist/, install script
 * and built addon: the install script takes it where it reports the libtorch its manifest names and builds
 * from source otherwise (saying why); the library loads it when no addon was built, and refuses one whose
 * libtorch differs with the command that builds from source.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nativeAddonPath } from '../../lib/native.js';
import { runtimeInfo } from '../../lib/runtime.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const libtorch = runtimeInfo().libtorch;

/** A package folder under node_modules with dist/, the install script and a prebuilt addon whose manifest names `version`. */
function installedPackage(version: string): string {
  const pkg = join(mkdtempSync(join(tmpdir(), 'neuroswipe-prebuilt-')), 'node_modules', 'neuroswipe');
  mkdirSync(join(pkg, 'prebuilds', 'linux-x64'), { recursive: true });
  cpSync(join(ROOT, 'dist'), join(pkg, 'dist'), { recursive: true });
  cpSync(join(ROOT, 'scripts', 'build-native.mjs'), join(pkg, 'scripts', 'build-native.mjs'));
  cpSync(join(ROOT, 'package.json'), join(pkg, 'package.json'));
  cpSync(nativeAddonPath(), join(pkg, 'prebuilds', 'linux-x64', 'neuroswipe.node'));
  writeFileSync(join(pkg, 'prebuilds', 'linux-x64', 'neuroswipe.json'), JSON.stringify({
    platform: 'linux-x64', libtorch: version, torchLibraryDir: '/usr/lib/x86_64-linux-gnu', builtOn: "Debian's libtorch1.13 (test)", napiVersion: 8,
  }));
  return pkg;
}

/** Loads dist/native.js of `pkg` in a fresh process and prints what it loaded, or the error. */
function load(pkg: string): { status: number | null; stdout: string; stderr: string } {
  const code = `import(${JSON.stringify(join(pkg, 'dist', 'native.js'))}).then((m) => console.log(m.nativeAddonPath() + ' ' + m.native().versions().libtorch))`;
  return spawnSync(process.execPath, ['-e', code], { encoding: 'utf8', env: { ...process.env, NEUROSWIPE_ADDON: '' } });
}

function installScript(pkg: string, env: NodeJS.ProcessEnv = {}): { status: number | null; stderr: string } {
  const clean = { ...process.env, ...env };
  delete clean.NEUROSWIPE_BUILD_FROM_SOURCE;
  delete clean.NEUROSWIPE_BUILD_DIR;
  if (env.LIBTORCH === undefined) delete clean.LIBTORCH;
  const r = spawnSync(process.execPath, [join(pkg, 'scripts', 'build-native.mjs')], { encoding: 'utf8', cwd: pkg, env: clean });
  return { status: r.status, stderr: r.stderr };
}

beforeAll(() => {
  expect(existsSync(join(ROOT, 'dist', 'native.js')), 'dist/ is built').toBe(true);
});

describe.skipIf(process.platform !== 'linux' || process.arch !== 'x64' || !libtorch.startsWith('1.13.'))('the prebuilt linux-x64 addon', () => {
  it('the install script takes it when it reports the manifest’s libtorch, and compiles nothing', () => {
    const pkg = installedPackage(libtorch);
    const r = installScript(pkg);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`^neuroswipe: using the prebuilt linux-x64 addon \\(libtorch ${libtorch.replace(/\./g, '\\.')}, Debian's libtorch1\\.13 \\(test\\)\\); no compilation$`, 'm'));
    expect(existsSync(join(pkg, 'build'))).toBe(false);
    const loaded = load(pkg);
    expect(loaded.stdout.trim()).toBe(`${join(pkg, 'prebuilds', 'linux-x64', 'neuroswipe.node')} ${libtorch}`);
  });

  it('another libtorch, or one chosen with LIBTORCH, gets a source build that says why', () => {
    const pkg = installedPackage('9.9.9');
    const r = installScript(pkg);
    // (The layout has no cmake-js: the source build stops right after saying why it is needed.)
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`neuroswipe: building from source: the prebuilt addon was built against libtorch 9.9.9, this machine's is ${libtorch}`);
    expect(r.stderr).toContain('cannot find cmake-js');
    const chosen = installScript(installedPackage(libtorch), { LIBTORCH: '/opt/libtorch' });
    expect(chosen.stderr).toContain('neuroswipe: building from source: LIBTORCH=/opt/libtorch chooses the libtorch');
  });

  it('the library refuses a prebuilt addon whose libtorch differs, with the command that builds from source', () => {
    const r = load(installedPackage('9.9.9'));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`was built against libtorch 9.9.9 (Debian's libtorch1.13 (test)), but libtorch ${libtorch} was loaded.`);
    expect(r.stderr).toContain('NEUROSWIPE_BUILD_FROM_SOURCE=1 npm rebuild neuroswipe');
  });
});
