#!/usr/bin/env node
// The native addon, for `npm install` (the package's install script, also in an app that depends on
// neuroswipe), node-gyp (binding.gyp) and `npm run build:native` (`--from-source`).
//
// In an installed package (under node_modules; a checkout always builds from source), the prebuilt addon of prebuilds/<platform>-<arch>/ (placed by scripts/prebuild.mjs
// when the package is packed: built against Debian 12's libtorch 1.13) is used when it loads here and
// reports the libtorch its manifest names. Otherwise — no prebuilt for this platform, a libtorch that does
// not match, `--from-source`, NEUROSWIPE_BUILD_FROM_SOURCE=1, or a libtorch chosen with LIBTORCH,
// NEUROSWIPE_PYTHON or a python3 whose PyTorch carries libtorch (pip's wheels) — the addon is built with
// cmake-js into build/cmake/Release/neuroswipe.node, or into $NEUROSWIPE_BUILD_DIR/Release/neuroswipe.node
// when that is set (a second build against another libtorch). A build inside node_modules keeps only the
// .node file: the rest of the build folder (libtorch's precompiled header alone is 427 MB) is removed.
//
// Each stage prints one line on stderr and, since npm hides the output of install scripts, on the terminal
// when there is one (`npm install --foreground-scripts` shows CMake's own output too).
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpus } from 'node:os';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const fromSource = process.argv.includes('--from-source') || process.env.NEUROSWIPE_BUILD_FROM_SOURCE === '1';
const installed = root.split(sep).includes('node_modules');
const t0 = performance.now();

/** The controlling terminal, when npm hides our stderr and there is one. */
let tty = null;
if (!process.stderr.isTTY) {
  try {
    tty = openSync('/dev/tty', 'w');
  } catch {
    tty = null;
  }
}

/** One progress line, on stderr and on the terminal. */
function say(line) {
  const text = `neuroswipe: ${line}\n`;
  process.stderr.write(text);
  if (tty !== null) {
    try {
      writeSync(tty, text);
    } catch {
      tty = null;
    }
  }
}

const seconds = () => `${((performance.now() - t0) / 1000).toFixed(0)} s`;

/**
 * Why the prebuilt addon cannot serve here (a sentence), or null when it loads and reports the libtorch its
 * manifest names. It is loaded in a child process, so that a libtorch with another ABI cannot take this
 * process down.
 */
function prebuiltProblem(dir) {
  const addon = join(dir, 'neuroswipe.node');
  const manifestPath = join(dir, 'neuroswipe.json');
  if (!existsSync(addon) || !existsSync(manifestPath)) return `no prebuilt addon for ${process.platform}-${process.arch}`;
  if (process.env.LIBTORCH) return `LIBTORCH=${process.env.LIBTORCH} chooses the libtorch`;
  if (process.env.NEUROSWIPE_PYTHON) return `NEUROSWIPE_PYTHON=${process.env.NEUROSWIPE_PYTHON} chooses the libtorch`;
  const pip = pipTorch();
  if (pip) return `python3's PyTorch carries a libtorch (${pip}), which the source build links`;
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const probe = `const v = require(${JSON.stringify(addon)}).versions(); process.stdout.write(JSON.stringify({ libtorch: v.libtorch, dir: v.torchLibraryDir }));`;
  const r = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8' });
  if (r.status !== 0) {
    const why = (r.stderr || '').split('\n').find((l) => /Error|error while loading|cannot open|undefined symbol/.test(l)) ?? `exit ${r.status ?? r.signal}`;
    return `the prebuilt addon (libtorch ${manifest.libtorch}, ${manifest.builtOn}) does not load here: ${why.trim()}`;
  }
  const got = JSON.parse(r.stdout);
  if (got.libtorch !== manifest.libtorch) return `the prebuilt addon was built against libtorch ${manifest.libtorch}, this machine's is ${got.libtorch}`;
  return null;
}

/** The torch package of python3 when it carries libtorch and its CMake files (pip's wheels), else ''. */
function pipTorch() {
  const probe = [
    'import importlib.util, os',
    "s = importlib.util.find_spec('torch')",
    "d = os.path.dirname(s.origin) if s and s.origin else ''",
    "print(d if d and os.path.exists(os.path.join(d, 'lib', 'libtorch.so')) and os.path.exists(os.path.join(d, 'share', 'cmake', 'Torch', 'TorchConfig.cmake')) else '')",
  ].join('\n');
  const r = spawnSync('python3', ['-c', probe], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : '';
}

/** Size of a folder's files, in bytes. */
function du(path) {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) return 0;
  if (!st.isDirectory()) return st.size;
  return readdirSync(path).reduce((sum, name) => sum + du(join(path, name)), 0);
}

const prebuilds = join(root, 'prebuilds', `${process.platform}-${process.arch}`);
const customOut = process.env.NEUROSWIPE_BUILD_DIR;
if (!fromSource && !customOut && installed) {
  const problem = prebuiltProblem(prebuilds);
  if (problem === null) {
    const manifest = JSON.parse(readFileSync(join(prebuilds, 'neuroswipe.json'), 'utf8'));
    say(`using the prebuilt ${process.platform}-${process.arch} addon (libtorch ${manifest.libtorch}, ${manifest.builtOn}); no compilation`);
    // A source build left from an earlier install would be loaded first: the prebuilt one is chosen now.
    if (installed) rmSync(join(root, 'build'), { recursive: true, force: true });
    process.exit(0);
  }
  if (existsSync(join(root, 'prebuilds'))) say(`building from source: ${problem}`);
}

// cmake-js is found the way Node finds any dependency: in this package's node_modules, or hoisted into an
// app's node_modules above it.
let cmakeJs;
try {
  const require = createRequire(join(root, 'package.json'));
  cmakeJs = join(dirname(require.resolve('cmake-js/package.json')), 'bin', 'cmake-js');
} catch (err) {
  say(`cannot find cmake-js from ${root} (${err.message}); run npm install first.`);
  process.exit(1);
}
const out = customOut ? resolve(customOut) : join(root, 'build', 'cmake');
const common = ['--directory', root, '--out', out];
if (process.env.LIBTORCH) common.push(`--CDLIBTORCH=${process.env.LIBTORCH}`);
// A compiler cache, when one is installed and none is chosen already, makes rebuilds of unchanged sources free.
const env = { ...process.env };
if (!env.CMAKE_CXX_COMPILER_LAUNCHER && spawnSync('ccache', ['--version'], { stdio: 'ignore' }).status === 0) {
  env.CMAKE_CXX_COMPILER_LAUNCHER = 'ccache';
}
if (/(^|\/)ccache$/.test(env.CMAKE_CXX_COMPILER_LAUNCHER ?? '')) {
  // Paths relative to the package, so that another copy of the same sources (another checkout, or the
  // package installed into an app) finds the same entries.
  env.CCACHE_BASEDIR ??= root;
  // The precompiled libtorch header (CMakeLists.txt) is cached too when ccache may ignore its time stamps.
  env.CCACHE_SLOPPINESS ??= 'pch_defines,time_macros,include_file_mtime,include_file_ctime';
}

function step(args, retry = null) {
  let r = spawnSync(process.execPath, [cmakeJs, ...args, ...common], { stdio: 'inherit', cwd: root, env });
  if (r.status !== 0 && retry !== null) {
    // (A build folder copied from another checkout, or configured for other sources, has a cache CMake refuses.)
    say(`configuring failed; configuring again in an emptied ${out}`);
    r = spawnSync(process.execPath, [cmakeJs, ...retry, ...common], { stdio: 'inherit', cwd: root, env });
  }
  if (r.status !== 0) {
    say(`building the native addon failed (see the CMake output above${installed ? '; npm install --foreground-scripts shows it' : ''}).`);
    process.exit(r.status ?? 1);
  }
}

const sources = readdirSync(join(root, 'native'), { recursive: true }).filter((f) => String(f).endsWith('.cc')).length;
say(`[1/3] configuring: finding libtorch and the compiler (cmake) in ${out}`);
step(['configure'], ['reconfigure']);
say(`[2/3] compiling ${sources} sources and libtorch's precompiled header${env.CMAKE_CXX_COMPILER_LAUNCHER ? ' (ccache)' : ''}: a few minutes on 2 cores (${seconds()} so far)`);
step(['build', '--parallel', String(Math.max(1, Math.min(cpus().length, 4)))]);
const addon = join(out, 'Release', 'neuroswipe.node');
if (installed && !customOut) {
  // Keep the addon, drop the intermediates (object files, the precompiled header, CMake's cache).
  const before = du(out);
  for (const name of readdirSync(out)) if (name !== 'Release') rmSync(join(out, name), { recursive: true, force: true });
  for (const name of readdirSync(join(out, 'Release'))) if (name !== 'neuroswipe.node') rmSync(join(out, 'Release', name), { recursive: true, force: true });
  say(`[3/3] built ${addon} in ${seconds()}; removed ${((before - du(out)) / 1e6).toFixed(0)} MB of build intermediates`);
} else {
  say(`[3/3] built ${addon} in ${seconds()}`);
}
if (tty !== null) closeSync(tty);
