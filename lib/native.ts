/**
 * Loads the native addon and types its raw surface. Public code uses `lib/model/model.ts` and friends; this file
 * is the only place that knows where the compiled addon lives.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

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

/** libtorch facts reported by the addon. */
export interface NativeVersions {
  libtorch: string;
  torchSource: string;
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

/**
 * The native addon, loaded once.
 * @throws Error listing the paths tried and how to build the addon
 */
export function native(): NativeAddon {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const tried: string[] = [];
  for (const rel of CANDIDATES) {
    const path = fileURLToPath(new URL(rel, import.meta.url));
    tried.push(path);
    if (!existsSync(path)) continue;
    try {
      cached = require(path) as NativeAddon;
      return cached;
    } catch (err) {
      throw new Error(
        `neuroswipe: the native addon at ${path} failed to load: ${(err as Error).message}\n` +
          'If libtorch was moved or upgraded, rebuild it with `npm run build:native`.',
        { cause: err },
      );
    }
  }
  throw new Error(
    `neuroswipe: the native addon is not built. Tried:\n  ${tried.join('\n  ')}\n` +
      'Build it with `npm run build:native` (needs cmake, g++ and a libtorch: `bash scripts/bootstrap.sh` installs them on Debian).',
  );
}
