#!/usr/bin/env node
// Builds the native addon with cmake-js into build/cmake/Release/neuroswipe.node, or into
// $NEUROSWIPE_BUILD_DIR/Release/neuroswipe.node when that is set (a second build against another libtorch).
// Called by node-gyp through binding.gyp (npm install) and by `npm run build:native`.
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpus } from 'node:os';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cmakeJs = join(root, 'node_modules', 'cmake-js', 'bin', 'cmake-js');
const out = process.env.NEUROSWIPE_BUILD_DIR ? resolve(process.env.NEUROSWIPE_BUILD_DIR) : join(root, 'build', 'cmake');
const args = [cmakeJs, 'compile', '--directory', root, '--out', out,
  '--parallel', String(Math.max(1, Math.min(cpus().length, 4)))];
if (process.env.LIBTORCH) args.push(`--CDLIBTORCH=${process.env.LIBTORCH}`);
const r = spawnSync(process.execPath, args, { stdio: 'inherit', cwd: root });
if (r.status !== 0) {
  process.stderr.write('neuroswipe: building the native addon failed (see the CMake output above).\n');
  process.exit(r.status ?? 1);
}
