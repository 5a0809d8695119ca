/**
 * One libtorch per process: the built addon's torch libraries (readelf's NEEDED entries, resolved by ldd, and
 * the files this test process has mapped) all lie in the directory of the libtorch it was built against, and
 * a CUDA libtorch brings libtorch_cuda with it. The CUDA runtime lookup of native/model/device_memory.cc finds its
 * symbols where libtorch_cuda is loaded (no GPU needed) and nothing on a CPU build. `neuroswipe info` reports
 * all of it and exits cleanly.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { nativeAddonPath } from '../../lib/native.js';
import { runtimeInfo } from '../../lib/runtime.js';
import { at } from '../../lib/util/checked.js';

const BIN = new URL('../../bin/neuroswipe.js', import.meta.url).pathname;
const TORCH_LIB = /^lib(torch|torch_cpu|torch_cuda|c10|c10_cuda)\.so(\.[0-9.]+)?$/;

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

/** NEEDED entries of an ELF file (readelf -d). */
function needed(file: string): string[] {
  return [...run('readelf', ['-d', file]).matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => at(m, 1));
}

/** ldd's name → resolved path (null for "not found"). */
function lddMap(file: string): Map<string, string | null> {
  const out = new Map<string, string | null>();
  for (const line of run('ldd', [file]).split('\n')) {
    const m = /^\s*(\S+) => (not found|(\S+) \(0x[0-9a-f]+\))/.exec(line);
    if (m) out.set(at(m, 1), at(m, 2) === 'not found' ? null : at(m, 3));
  }
  return out;
}

const info = runtimeInfo();
const addon = nativeAddonPath();
const builtDir = realpathSync(info.torchLibraryDirBuilt);
const cudaLibtorch = existsSync(join(builtDir, 'libtorch_cuda.so'));

describe('the addon links exactly one libtorch', () => {
  it('names every torch library it needs, libtorch_cuda included for a CUDA libtorch', () => {
    const torch = needed(addon).filter((n) => /^lib(torch|c10)/.test(n));
    const stems = torch.map((n) => n.replace(/\.so.*$/, '')).sort();
    const want = ['libc10', 'libtorch', 'libtorch_cpu', ...(cudaLibtorch ? ['libc10_cuda', 'libtorch_cuda'] : [])].sort();
    expect(stems).toEqual(want);
    expect(info.cudaBuild).toBe(cudaLibtorch);
  });

  it('resolves them (ldd) all into the directory of the libtorch it was built against', () => {
    const resolved = lddMap(addon);
    const missing = [...resolved].filter(([, path]) => path === null).map(([name]) => name);
    expect(missing).toEqual([]);
    const dirs = new Set<string>();
    for (const [name, path] of resolved) {
      if (TORCH_LIB.test(name) && path) dirs.add(dirname(realpathSync(path)));
    }
    expect([...dirs]).toEqual([builtDir]);
  });

  it('has only that libtorch mapped into this process', () => {
    const maps = readFileSync('/proc/self/maps', 'utf8');
    const files = new Set([...maps.matchAll(/\s(\/\S+\.so[.0-9]*)$/gm)].map((m) => at(m, 1)));
    const torchFiles = [...files].filter((f) => TORCH_LIB.test(basename(f)));
    expect(torchFiles.length).toBeGreaterThanOrEqual(3);
    expect([...new Set(torchFiles.map((f) => dirname(realpathSync(f))))]).toEqual([builtDir]);
    expect(info.torchLibraryDir).toBe(builtDir);
    if (cudaLibtorch) expect(torchFiles.map((f) => basename(f))).toContain('libtorch_cuda.so');
  });
});

describe('CUDA runtime lookup', () => {
  it.runIf(cudaLibtorch)('finds the runtime libtorch_cuda loaded, with cudaMemGetInfo, without a GPU', () => {
    const rt = info.cudaRuntime;
    expect(rt).not.toBeNull();
    if (!rt) return;
    const cudartNeeded = needed(join(builtDir, 'libtorch_cuda.so')).find((n) => n.startsWith('libcudart'));
    expect(cudartNeeded).toBeDefined();
    // The very file the dynamic loader resolved libtorch_cuda's libcudart to.
    const viaLdd = lddMap(join(builtDir, 'libtorch_cuda.so')).get(cudartNeeded as string);
    expect(viaLdd).toBeTruthy();
    expect(rt.library).toBe(realpathSync(viaLdd as string));
    expect(rt.memGetInfo).toBe(true);
    expect(rt.version).toMatch(/^\d+\.\d+$/);
    if (info.cudaVersionBuilt) expect(rt.version.split('.')[0]).toBe(info.cudaVersionBuilt.split('.')[0]);
  });

  it.runIf(cudaLibtorch)('reaches the CUDA caching allocator where complete CUDA runtime headers were at hand', () => {
    // The build takes the headers of pip's nvidia wheels when complete (crt/ included), else a CUDA
    // toolkit's of torch's CUDA major version (see CMakeLists.txt).
    const nvidia = join(builtDir, '..', '..', 'nvidia');
    const wheels = existsSync(nvidia) && readdirSync(nvidia).some((d) => existsSync(join(nvidia, d, 'include', 'crt', 'host_config.h')));
    const toolkitHeader = '/usr/local/cuda/include/cuda_runtime_api.h';
    const toolkitMajor = existsSync(toolkitHeader)
      ? /#define CUDART_VERSION\s+(\d+)/.exec(readFileSync(toolkitHeader, 'utf8'))?.[1]
      : undefined;
    const toolkit = toolkitMajor !== undefined && String(Math.floor(Number(toolkitMajor) / 1000)) === info.cudaVersionBuilt.split('.')[0];
    expect(info.cudaAllocator).toBe(wheels || toolkit);
  });

  it.runIf(!cudaLibtorch)('finds nothing on a CPU libtorch', () => {
    expect(info.cudaRuntime).toBeNull();
    expect(info.cudaBuild).toBe(false);
    expect(info.cudaAllocator).toBe(false);
    expect(info.cudaAvailable).toBe(false);
  });
});

describe('neuroswipe info', () => {
  it('reports the libtorch, where it came from and CUDA, as JSON, and exits cleanly', () => {
    const r = spawnSync(process.execPath, [BIN, 'info', '--json', '--threads', '1'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.libtorch).toBe(info.libtorch);
    expect(j.torchSource).toBe(info.torchSource);
    expect(j.torchLibraryDir).toBe(builtDir);
    expect(j.cudaBuild).toBe(cudaLibtorch);
    expect(j.cudaAvailable).toBe(info.cudaAvailable);
    expect(j.addon).toMatch(/\/neuroswipe\.node$/);
  });

  it('prints a table with the same facts', () => {
    const r = spawnSync(process.execPath, [BIN, 'info', '--threads', '1'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^libtorch +${info.libtorch.replace(/\./g, '\\.')}$`, 'm'));
    expect(r.stdout).toContain(builtDir);
    expect(r.stdout).toMatch(cudaLibtorch ? /^CUDA build +yes, libtorch_cuda linked; CUDA runtime \d+\.\d+/m : /^CUDA build +no/m);
    expect(r.stdout).toMatch(/^GPU +(none visible|\d+ device\(s\))/m);
  });
});
