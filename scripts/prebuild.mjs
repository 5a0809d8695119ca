#!/usr/bin/env node
// The prebuilt addon of the package (npm pack's prepack and postpack scripts).
//
// prepack: brings the checkout's addon up to date (an incremental build, from the compiler cache when the
// sources did not change), and when it is built against Debian's system libtorch 1.13 on linux-x64 (Debian
// 12's libtorch-dev, CPU only), copies it to prebuilds/linux-x64/neuroswipe.node with a manifest
// (neuroswipe.json: the libtorch version it reports, where it was loaded from, the Debian package). The
// install script (scripts/build-native.mjs) uses it where it loads and reports that libtorch, and builds
// from source elsewhere. An addon built against another libtorch is not shipped: the package then builds
// from source everywhere.
// postpack (`--clean`): removes prebuilds/ from the checkout again.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const prebuilds = join(root, 'prebuilds');
const say = (line) => process.stderr.write(`neuroswipe prebuild: ${line}\n`);

rmSync(prebuilds, { recursive: true, force: true });
if (process.argv.includes('--clean')) process.exit(0);

if (process.platform !== 'linux' || process.arch !== 'x64') {
  say(`no prebuilt addon: this is ${process.platform}-${process.arch}, the prebuilt one is for linux-x64`);
  process.exit(0);
}
// (The build's output goes to stderr: npm pack --json prints the package's file list on stdout.)
const build = spawnSync(process.execPath, [join(root, 'scripts', 'build-native.mjs'), '--from-source'], { stdio: ['ignore', 2, 2], cwd: root });
if (build.status !== 0) process.exit(build.status ?? 1);

const addon = join(root, 'build', 'cmake', 'Release', 'neuroswipe.node');
const probe = `const v = require(${JSON.stringify(addon)}).versions(); process.stdout.write(JSON.stringify(v));`;
const r = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8' });
if (r.status !== 0) {
  say(`the built addon does not load: ${r.stderr}`);
  process.exit(1);
}
const v = JSON.parse(r.stdout);
if (!v.torchSource.startsWith('system libtorch') || !v.libtorch.startsWith('1.13.') || v.cudaBuild) {
  say(`no prebuilt addon: the checkout's addon is built against ${v.torchSource} (libtorch ${v.libtorch}), not Debian's libtorch 1.13`);
  process.exit(0);
}
const dpkg = spawnSync('dpkg-query', ['-W', '-f', '${Version}', 'libtorch1.13'], { encoding: 'utf8' });
const debian = dpkg.status === 0 ? `Debian's libtorch1.13 ${dpkg.stdout.trim()}` : "the system's libtorch 1.13";
const dir = join(prebuilds, 'linux-x64');
mkdirSync(dir, { recursive: true });
copyFileSync(addon, join(dir, 'neuroswipe.node'));
const manifest = {
  platform: 'linux-x64',
  libtorch: v.libtorch,
  torchLibraryDir: v.torchLibraryDirBuilt,
  builtOn: debian,
  napiVersion: 8,
};
writeFileSync(join(dir, 'neuroswipe.json'), JSON.stringify(manifest, null, 2) + '\n');
say(`prebuilds/linux-x64/neuroswipe.node: built against ${debian} (libtorch ${v.libtorch}, ${v.torchLibraryDirBuilt})`);
