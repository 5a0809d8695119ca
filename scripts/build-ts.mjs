#!/usr/bin/env node
// Builds dist/ (tsc -p tsconfig.build.json) into a fresh folder next to it, then swaps it in with two renames,
// so that a CLI or server running from dist/ (and `npm pack`, whose prepare script calls this) never finds
// dist/ deleted or half written. The folder sits at dist/'s depth, so the source maps' relative paths
// (../lib/…) are the same.
import { spawnSync } from 'node:child_process';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
const fresh = join(root, `.dist-build-${process.pid}`);
const old = join(root, `.dist-old-${process.pid}`);
const dist = join(root, 'dist');

rmSync(fresh, { recursive: true, force: true });
const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', fresh], { stdio: 'inherit', cwd: root });
if (r.status !== 0) {
  rmSync(fresh, { recursive: true, force: true });
  process.stderr.write('neuroswipe: tsc failed; dist/ is unchanged.\n');
  process.exit(r.status ?? 1);
}
if (existsSync(dist)) renameSync(dist, old);
renameSync(fresh, dist);
rmSync(old, { recursive: true, force: true });
