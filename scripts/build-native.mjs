#!/usr/bin/env node
// Builds the native addon with cmake-js into build/cmake/Release/neuroswipe.node, or into
// $NEUROSWIPE_BUILD_DIR/Release/neuroswipe.node when that is set (a second build against another libtorch).
// Called by `npm install` (the package's install script, also in an app that depends on neuroswipe),
// by node-gyp through binding.gyp, and by `npm run build:native`.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpus } from 'node:os';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// cmake-js is found the way Node finds any dependency: in this package's node_modules, or hoisted into an
// app's node_modules above it.
let cmakeJs;
try {
  const require = createRequire(join(root, 'package.json'));
  cmakeJs = join(dirname(require.resolve('cmake-js/package.json')), 'bin', 'cmake-js');
} catch (err) {
  process.stderr.write(`neuroswipe: cannot find cmake-js from ${root} (${err.message}); run npm install first.\n`);
  process.exit(1);
}
const out = process.env.NEUROSWIPE_BUILD_DIR ? resolve(process.env.NEUROSWIPE_BUILD_DIR) : join(root, 'build', 'cmake');
const args = [cmakeJs, 'compile', '--directory', root, '--out', out,
  '--parallel', String(Math.max(1, Math.min(cpus().length, 4)))];
if (process.env.LIBTORCH) args.push(`--CDLIBTORCH=${process.env.LIBTORCH}`);
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
const r = spawnSync(process.execPath, args, { stdio: 'inherit', cwd: root, env });
if (r.status !== 0) {
  process.stderr.write('neuroswipe: building the native addon failed (see the CMake output above).\n');
  process.exit(r.status ?? 1);
}
