/**
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
