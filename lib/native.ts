/**
 * Loads the native addon and types its raw surface. Public code uses `lib/model/model.ts` and friends; this file
 * is the only place that knows where the compiled addon lives.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

/** A float32 tensor copied to JS: row-major data and its shape. */
export interface NativeTensor {
  data: Float32Array;
  shape: number[];
}

/** The raw native model class (see native/binding/script_model_binding.h). */
export interface NativeScriptModel {
  readonly metadata: string;
  readonly device: string;
  /** `float32`, `float16` or `bfloat16`. */
  readonly precision: string;
  readonly path: string;
  readonly hasDecodeLast: boolean;
  encode(traj: Float32Array, trajShape: number[], keys: Int32Array | Float32Array, keysShape: number[], padMask: Uint8Array | null): Promise<NativeTensor>;
  decode(tokens: Int32Array, tokensShape: number[], memory: Float32Array, memoryShape: number[], padMask: Uint8Array | null): Promise<NativeTensor>;
  decodeLast(tokens: Int32Array, tokensShape: number[], lengths: Int32Array, memory: Float32Array, memoryShape: number[], padMask: Uint8Array | null): Promise<NativeTensor>;
  dispose(): void;
}

/** The CUDA runtime found in the process (see native/device_memory.h, QueryCudaRuntime). */
export interface NativeCudaRuntime {
  /** The file it was loaded from, symlinks resolved. */
  library: string;
  /** `major.minor` from cudaRuntimeGetVersion, or '' when that call failed. */
  version: string;
  /** Whether cudaMemGetInfo (used for free device memory) was found too. */
  memGetInfo: boolean;
}

/** libtorch facts reported by the addon. */
export interface NativeVersions {
  libtorch: string;
  torchSource: string;
  /** Directory the process loaded libtorch from (symlinks resolved). */
  torchLibraryDir: string;
  /** Directory of the libtorch the addon was built against. */
  torchLibraryDirBuilt: string;
  /** Whether the addon links libtorch_cuda and it is loaded. */
  cudaBuild: boolean;
  /** CUDA version of the PyTorch the addon was built against ('' for a CPU build or when unknown). */
  cudaVersionBuilt: string;
  /** The loaded CUDA runtime, or null (CPU builds). */
  cudaRuntime: NativeCudaRuntime | null;
  /** Whether the CUDA caching allocator is reachable (out-of-memory recovery, device memory limits). */
  cudaAllocator: boolean;
  cudaAvailable: boolean;
  cudaDeviceCount: number;
  threads: number;
  interopThreads: number;
}

/** Everything the compiled addon exports. Later modules extend this interface. */
export interface NativeAddon {
  ScriptModel: { load(path: string, device: string, precision?: string): Promise<NativeScriptModel> };
  versions(): NativeVersions;
  setNumThreads(n: number): void;
  tuneHeapForThroughput(): boolean;
  getNumThreads(): number;
  [name: string]: unknown;
}

const CANDIDATES = [
  '../build/cmake/Release/neuroswipe.node',
  '../../build/cmake/Release/neuroswipe.node',
  '../build/Release/neuroswipe.node',
  '../../build/Release/neuroswipe.node',
];

let cached: NativeAddon | undefined;
let cachedPath: string | undefined;

/** The file the native addon was loaded from (loading it first). */
export function nativeAddonPath(): string {
  native();
  return cachedPath as string;
}

/**
 * The native addon, loaded once: the file `$NEUROSWIPE_ADDON` names when that is set (for instance a second
 * build against another libtorch, made with `NEUROSWIPE_BUILD_DIR=DIR npm run build:native`:
 * `DIR/Release/neuroswipe.node`), else the first built addon of the usual build folders.
 * @throws Error listing the paths tried and how to build the addon
 */
export function native(): NativeAddon {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const tried: string[] = [];
  const env = process.env.NEUROSWIPE_ADDON?.trim();
  const fromEnv = env ? resolve(env) : undefined;
  if (fromEnv && !existsSync(fromEnv)) {
    throw new Error(`neuroswipe: NEUROSWIPE_ADDON=${fromEnv} does not exist (build it with NEUROSWIPE_BUILD_DIR=<dir> npm run build:native; the addon is <dir>/Release/neuroswipe.node).`);
  }
  const paths = fromEnv ? [fromEnv] : CANDIDATES.map((rel) => fileURLToPath(new URL(rel, import.meta.url)));
  for (const path of paths) {
    tried.push(path);
    if (!existsSync(path)) continue;
    try {
      cached = require(path) as NativeAddon;
      cachedPath = path;
      return cached;
    } catch (err) {
      throw new Error(
        `neuroswipe: the native addon at ${path} failed to load: ${(err as Error).message}\n` +
          'If libtorch was moved or upgraded, rebuild it with `npm run build:native`.',
      );
    }
  }
  throw new Error(
    `neuroswipe: the native addon is not built. Tried:\n  ${tried.join('\n  ')}\n` +
      'Build it with `npm run build:native` (needs cmake, g++ and a libtorch: `bash scripts/bootstrap.sh` installs them on Debian).',
  );
}
