/**
 * Loads the native addon and types its raw surface. Public code uses `lib/model/model.ts` and friends; this file
 * is the only place that knows where the compiled addon lives, and the one place that states what each native
 * function takes and returns (the C++ side checks every argument against the same shapes and rejects others
 * with a TypeError naming the argument or option). {@link NativeHandle} is how a JS wrapper owns one of the
 * native objects it returns until `dispose()`.
 */
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

/** A float32 tensor copied to JS: row-major data and its shape. */
export interface NativeTensor {
  data: Float32Array;
  shape: number[];
}

/** The precisions the native model computes in. */
export type NativePrecision = 'float32' | 'float16' | 'bfloat16';

/** Token ids as the native model takes them (both become int64 tensors). */
export type NativeTokenIds = Int32Array | BigInt64Array;

/** The raw native model class (see native/binding/script_model_binding.h). */
export interface NativeScriptModel {
  /** The raw `neuroswipe.json` of the archive. */
  readonly metadata: string;
  /** e.g. `cpu` or `cuda:0`. */
  readonly device: string;
  readonly precision: NativePrecision;
  readonly path: string;
  readonly hasDecodeLast: boolean;
  /** Names and shapes of the weights, and head counts of the attention modules. */
  readonly structure: { tensors: Record<string, number[]>; attentionHeads: Record<string, number> };
  /** Encoder: traj `[S, B, F]`, keys `Int32Array [S, B]` or `Float32Array [S, B, K]`, padMask `[B, S]` (1 = padded). */
  encode(traj: Float32Array, trajShape: readonly number[], keys: Int32Array | Float32Array, keysShape: readonly number[], padMask: Uint8Array | null): Promise<NativeTensor>;
  /** Decoder over whole prefixes: tokens `[T, B]`, memory `[S, B, D]`; resolves to logits `[T, B, C]`. */
  decode(tokens: NativeTokenIds, tokensShape: readonly number[], memory: Float32Array, memoryShape: readonly number[], padMask: Uint8Array | null): Promise<NativeTensor>;
  /** Decoder logits at each prefix's last position: tokens `[T, B]`, lengths `[B]`; resolves to `[B, C]`. */
  decodeLast(tokens: NativeTokenIds, tokensShape: readonly number[], lengths: Int32Array, memory: Float32Array, memoryShape: readonly number[], padMask: Uint8Array | null): Promise<NativeTensor>;
  /** Releases the model; later calls throw. */
  dispose(): void;
}

/** The CUDA runtime found in the process (see native/model/device_memory.h, QueryCudaRuntime). */
export interface NativeCudaRuntime {
  /** The file it was loaded from, symlinks resolved. */
  library: string;
  /** `major.minor` from cudaRuntimeGetVersion, or '' when that call failed. */
  version: string;
  /** Whether cudaMemGetInfo (used for free device memory) was found too. */
  memGetInfo: boolean;
}

/** The native model class's static side. */
export interface NativeScriptModelClass {
  /**
   * Loads a TorchScript archive onto a device (`cpu`, `cuda`, `cuda:N`; `auto` picks CUDA when there is one).
   * Throws synchronously on a bad precision name; rejects on a bad file, contract or device.
   */
  load(path: string, device: string, precision?: NativePrecision): Promise<NativeScriptModel>;
}

/** The raw native vocabulary trie (see native/binding/vocab_trie_binding.h). */
export interface NativeVocabTrie {
  readonly nodeCount: number;
  readonly wordCount: number;
  readonly memoryBytes: number;
  /** Token ids allowed after `<sos>` + `prefix` (empty when no word starts so). */
  allowedAfter(prefix: Int32Array): number[];
  /** Frees the trie's memory; decodes already running keep their own reference. */
  dispose(): void;
}

/** The native trie class's static side. */
export interface NativeVocabTrieClass {
  /** Builds the trie of the words `ids[offsets[w] .. offsets[w+1])`, each ended by `eos`, off the event loop. */
  build(ids: Int32Array, offsets: Int32Array, eos: number): Promise<NativeVocabTrie>;
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

/** Free and total bytes of a CUDA device. */
export interface NativeDeviceMemory {
  free: number;
  total: number;
}

export type * from './native-decode-types.js';
import type { NativeCancelFlag, NativeDecodeOptions, NativeDecodeResult, NativeDtwInput, NativeDtwOutput } from './native-decode-types.js';

/** Everything the compiled addon exports (registered in native/binding/addon.cc). */
export interface NativeAddon {
  readonly ScriptModel: NativeScriptModelClass;
  readonly VocabTrie: NativeVocabTrieClass;
  /**
   * The batched search over many swipes, off the event loop: traj `[sum S, F]`, keys `Int32Array [sum S]` or
   * `Float32Array [sum S, K]`, `lengths[i]` points per swipe. With `cancel` (from {@link createCancelFlag}),
   * {@link cancelDecode} stops the search before its next round and the promise rejects ("decode cancelled").
   */
  decodeSwipes(
    model: NativeScriptModel, trie: NativeVocabTrie | null, traj: Float32Array, trajShape: readonly number[],
    keys: Int32Array | Float32Array, keysShape: readonly number[], lengths: Int32Array, options: NativeDecodeOptions,
    cancel?: NativeCancelFlag | null,
  ): Promise<NativeDecodeResult>;
  /** A new, unset cancel flag for one or more {@link decodeSwipes} calls. */
  createCancelFlag(): NativeCancelFlag;
  /** Sets a cancel flag: the searches holding it stop before their next round (thread-safe, immediate). */
  cancelDecode(flag: NativeCancelFlag): void;
  /** The official DTW baseline, off the event loop. */
  dtwBaseline(input: NativeDtwInput): Promise<NativeDtwOutput>;
  /** Free/total memory of a CUDA device; null for the CPU or when the runtime cannot be asked. */
  deviceMemory(device: string): NativeDeviceMemory | null;
  /** Caps libtorch's CUDA caching allocator on `device` at `fraction` of its memory; false when nothing was capped. */
  limitDeviceMemory(device: string, fraction: number): boolean;
  versions(): NativeVersions;
  setNumThreads(n: number): void;
  getNumThreads(): number;
  tuneHeapForThroughput(): boolean;
  /** Turns the decode runs' phase timer on or off (off by default; benchmarks only); either way resets it. */
  enableStepProfile(on: boolean): void;
  /** Seconds per phase (all threads together), built-in step calls and rows since the last call; resets them. */
  takeStepProfile(): NativeStepProfile;
}

/** The phase timer's totals (native/engine/step_profile.h). */
export interface NativeStepProfile {
  seconds: Record<'selfAttention' | 'crossAttention' | 'feedForward' | 'output' | 'runner' | 'score' | 'mask' | 'search' | 'encode', number>;
  stepCalls: number;
  stepRows: number;
}

const CANDIDATES = [
  '../build/cmake/Release/neuroswipe.node',
  '../../build/cmake/Release/neuroswipe.node',
  '../build/Release/neuroswipe.node',
  '../../build/Release/neuroswipe.node',
];

/** The prebuilt addon of an installed package (scripts/prebuild.mjs), used when no addon was built. */
const PREBUILT = `../prebuilds/${process.platform}-${process.arch}/neuroswipe.node`;

/** What prebuilds/<platform>/neuroswipe.json says of the prebuilt addon. */
interface PrebuiltManifest {
  libtorch: string;
  torchLibraryDir: string;
  builtOn: string;
}

/**
 * Loads the prebuilt addon and checks that the libtorch it runs on is the one it was built against.
 * @throws Error saying how to build from source when it does not load or the libtorch differs
 */
function loadPrebuilt(require: NodeJS.Require, path: string): NativeAddon {
  const manifestPath = path.replace(/neuroswipe\.node$/, 'neuroswipe.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as PrebuiltManifest;
  const rebuild = 'Build it from source for this libtorch: `NEUROSWIPE_BUILD_FROM_SOURCE=1 npm rebuild neuroswipe` (needs cmake and g++).';
  let addon: NativeAddon;
  try {
    addon = require(path) as NativeAddon;
  } catch (err) {
    throw new Error(`neuroswipe: the prebuilt addon ${path} (built against libtorch ${manifest.libtorch}, ${manifest.builtOn}) failed to load: ${(err as Error).message}\n${rebuild}`, { cause: err });
  }
  const got = addon.versions().libtorch;
  if (got !== manifest.libtorch) {
    throw new Error(`neuroswipe: the prebuilt addon ${path} was built against libtorch ${manifest.libtorch} (${manifest.builtOn}), but libtorch ${got} was loaded.\n${rebuild}`);
  }
  return addon;
}

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
 * `DIR/Release/neuroswipe.node`), else the first built addon of the usual build folders, else the package's
 * prebuilt addon (prebuilds/linux-x64/, when the libtorch loaded is the one it was built against).
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
  const prebuilt = fileURLToPath(new URL(PREBUILT, import.meta.url));
  if (!fromEnv && !paths.some((p) => existsSync(p)) && existsSync(prebuilt)) {
    cached = loadPrebuilt(require, prebuilt);
    cachedPath = prebuilt;
    return cached;
  }
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
        { cause: err },
      );
    }
  }
  if (!fromEnv) tried.push(prebuilt);
  throw new Error(
    `neuroswipe: the native addon is not built. Tried:\n  ${tried.join('\n  ')}\n` +
      'Build it with `npm run build:native` (needs cmake, g++ and a libtorch: `bash scripts/bootstrap.sh` installs them on Debian).',
  );
}

/*
 * Ownership of a native object that frees its memory on `dispose()`: the object until it is disposed,
 * then an error naming what was disposed. Disposing twice does nothing.
 */

/** Holds one native object for a JS wrapper (`Model`, `Vocabulary`). */
export class NativeHandle<T extends { dispose(): void }> {
  private value: T | undefined;
  private readonly whenDisposed: string;

  /**
   * @param value - the native object, owned from now on
   * @param whenDisposed - the message of the error thrown on use after {@link NativeHandle.dispose}
   */
  constructor(value: T, whenDisposed: string) {
    this.value = value;
    this.whenDisposed = whenDisposed;
  }

  /**
   * The native object.
   * @throws Error once it has been disposed
   */
  get(): T {
    if (this.value === undefined) throw new Error(this.whenDisposed);
    return this.value;
  }

  /** Whether {@link NativeHandle.dispose} has been called. */
  get disposed(): boolean {
    return this.value === undefined;
  }

  /** Frees the native object (calls already running keep their own reference and finish normally). */
  dispose(): void {
    this.value?.dispose();
    this.value = undefined;
  }
}
