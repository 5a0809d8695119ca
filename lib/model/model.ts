/**
 * A loaded TorchScript swipe model: metadata plus batched `encode`/`decode` that run off the event loop.
 */
import { native, NativeHandle, type NativeScriptModel, type NativeTensor } from '../native.js';
import { checkModelArchive, parseModelMetadata, type ModelMetadata } from './model-metadata.js';
import { invalidOption } from '../invalid-option.js';
import { existsSync, statSync } from 'node:fs';
import { describeValue } from '../util/checked.js';

/** Where a model runs: `auto` picks CUDA when this libtorch has it and a GPU is visible, else the CPU. */
export type DeviceRequest = 'auto' | 'cpu' | 'cuda' | `cuda:${number}`;

/** The precisions a model can compute in. */
export const PRECISIONS = ['float32', 'float16', 'bfloat16'] as const;

/**
 * The dtype a model computes in. `float32` is the default and the seed-exact mode; `float16` and
 * `bfloat16` convert the weights at load and cast every floating input, trading a small drift in scores
 * (docs/MODEL_FORMAT.md, "Precision") for half the memory traffic. `float16` needs a CUDA device.
 */
export type Precision = (typeof PRECISIONS)[number];

/** Options of {@link Model.load}. */
export interface LoadOptions {
  /** Device to load onto. Default `auto`. */
  device?: DeviceRequest;
  /**
   * Precision the model computes in: `float32` (default, seed-exact), `bfloat16` (CPU or CUDA) or
   * `float16` (CUDA only). Results handed to JS are float32 whatever the precision.
   */
  precision?: Precision;
}

/** A float32 tensor in JS: row-major data and shape. */
export type Tensor = NativeTensor;

/** Runs a native promise so that a rejection carries the caller's JS stack (the native one has none). */
export async function withJsStack<T>(what: string, run: () => Promise<T>): Promise<T> {
  const holder = new Error();
  try {
    return await run();
  } catch (err) {
    holder.message = `${what}: ${(err as Error).message}`;
    throw holder;
  }
}

/**
 * A TorchScript model in neuroswipe's model contract (docs/MODEL_FORMAT.md). Several models may be loaded
 * and used at once; calls run concurrently on libuv's thread pool.
 */
export class Model {
  /** Validated `neuroswipe.json`. */
  readonly metadata: ModelMetadata;
  private readonly handle: NativeHandle<NativeScriptModel>;

  private constructor(handle: NativeScriptModel, metadata: ModelMetadata) {
    this.handle = new NativeHandle(handle, 'Model: the model has been disposed');
    this.metadata = metadata;
  }

  /**
   * Loads a model file.
   * @throws TypeError when `precision` is not one of {@link PRECISIONS}
   * @throws Error when the file is missing or corrupt, breaks the contract, has bad metadata, the device
   *   is not there, or `float16` is asked for off CUDA
   */
  static async load(path: string, options: LoadOptions = {}): Promise<Model> {
    if (typeof path !== 'string' || path.length === 0) throw new TypeError(`Model.load: path: expected a non-empty string, got ${describeValue(path)}`);
    const given: unknown = options;
    if (typeof given !== 'object' || given === null) throw new TypeError(`Model.load: options: expected an object, got ${describeValue(given)}`);
    const device = options.device ?? 'auto';
    const precision = options.precision ?? 'float32';
    // A folder would reach the zip reader, whose message says nothing of it.
    if (existsSync(path) && statSync(path).isDirectory()) throw new Error(`${path}: is a folder, expected a TorchScript model file (.pt)`);
    if (!PRECISIONS.includes(precision)) throw invalidOption('Model.load: precision', `one of ${PRECISIONS.join(', ')}`, precision);
    const handle = await withJsStack('Model.load', () => native().ScriptModel.load(path, device, precision));
    let metadata: ModelMetadata;
    try {
      metadata = parseModelMetadata(handle.metadata, path);
      await checkModelArchive(handle, metadata, path);
    } catch (err) {
      handle.dispose();
      throw err;
    }
    return new Model(handle, metadata);
  }

  /** The device the model runs on, e.g. `cpu` or `cuda:0`. */
  get device(): string {
    return this.native.device;
  }

  /** The precision the model computes in (see {@link LoadOptions.precision}). */
  get precision(): Precision {
    return this.native.precision;
  }

  /** The file the model was loaded from. */
  get path(): string {
    return this.native.path;
  }

  /** Whether the model has the faster `decode_last` method. */
  get hasDecodeLast(): boolean {
    return this.native.hasDecodeLast;
  }

  /** The native handle, for the decoder. @internal */
  get nativeHandle(): NativeScriptModel {
    return this.native;
  }

  private get native(): NativeScriptModel {
    return this.handle.get();
  }

  /**
   * Runs the encoder on a batch.
   * @param traj - trajectory features, sequence-first `[S, B, F]`
   * @param keys - `Int32Array [S, B]` key ids or `Float32Array [S, B, K]` key features
   * @param padMask - batch-first `[B, S]`, 1 = padded; `null` when nothing is padded
   * @returns memory `[S, B, D]`
   */
  encode(traj: Float32Array, trajShape: [number, number, number], keys: Int32Array | Float32Array, keysShape: number[], padMask: Uint8Array | null = null): Promise<Tensor> {
    return withJsStack('Model.encode', () => this.native.encode(traj, trajShape, keys, keysShape, padMask));
  }

  /**
   * Runs the decoder on right-padded token prefixes.
   * @param tokens - `[T, B]` token ids
   * @param memory - encoder output `[S, B, D]`
   * @param padMask - memory padding mask `[B, S]` or `null`
   * @returns logits `[T, B, C]`
   */
  decode(tokens: Int32Array, tokensShape: [number, number], memory: Float32Array, memoryShape: [number, number, number], padMask: Uint8Array | null = null): Promise<Tensor> {
    return withJsStack('Model.decode', () => this.native.decode(tokens, tokensShape, memory, memoryShape, padMask));
  }

  /**
   * Logits at each row's last real position.
   * @param lengths - `[B]` prefix lengths, each in 1..T
   * @returns logits `[B, C]`
   */
  decodeLast(tokens: Int32Array, tokensShape: [number, number], lengths: Int32Array, memory: Float32Array, memoryShape: [number, number, number], padMask: Uint8Array | null = null): Promise<Tensor> {
    return withJsStack('Model.decodeLast', () => this.native.decodeLast(tokens, tokensShape, lengths, memory, memoryShape, padMask));
  }

  /** Whether {@link Model.dispose} has been called. */
  get disposed(): boolean {
    return this.handle.disposed;
  }

  /** Frees the model. Later calls throw. Pending calls finish normally. */
  dispose(): void {
    this.handle.dispose();
  }

  /** Same as {@link Model.dispose}, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.dispose();
  }
}
