/**
 * Compact binary output of per-swipe features (format described in docs/FEATURES_BINARY.md): a small
 * JSON header, then per-swipe index, grid and length columns, then all trajectory rows as float32, then
 * all key rows (int32 tokens or float32 columns). Little-endian throughout.
 */
import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { AtomicFileWriter, registerTemp, releaseTemp, tempPathFor, writeError } from '../io/atomic-write.js';
import type { KeyKind, SwipeFeatures } from './types.js';

/** The 8 bytes that open every binary features file. */
export const FEATURES_BINARY_MAGIC = 'NSFEATS1';

/** Version written in the header's `version` member. */
export const FEATURES_BINARY_VERSION = 1;

/** Header of a binary features file (the JSON text after the magic and its byte length). */
export interface FeaturesBinaryHeader {
  /** Always {@link FEATURES_BINARY_VERSION}. */
  version: number;
  /** Number of swipes `N`. */
  n_swipes: number;
  /** Total number of points `P` (sum of the lengths). */
  n_points: number;
  /** Trajectory feature count `F` (0 for key-only transforms). */
  n_traj_feats: number;
  /** What the key section holds. */
  key_kind: KeyKind;
  /** Key columns `K` per point; 0 for `nearest` (one int32 token per point). */
  n_key_columns: number;
  /** Grid names; the grid column holds indices into this list. */
  grid_names: string[];
  /** Byte offsets of the sections from the start of the file, each a multiple of 8. */
  sections: { index: number; grid: number; length: number; traj: number; keys: number; end: number };
}

const CHUNK = 1 << 20;

/**
 * A scratch file of one section, appended through a 1 MiB buffer; removed on SIGINT/SIGTERM like every
 * temporary file, and errors name the final output.
 */
class SectionFile {
  readonly path: string;
  private readonly target: string;
  private fd: number | undefined;
  private readonly buf = Buffer.allocUnsafe(CHUNK);
  private used = 0;
  bytes = 0;

  constructor(target: string) {
    this.target = target;
    this.path = tempPathFor(target);
    try {
      this.fd = openSync(this.path, 'w');
    } catch (err) {
      throw writeError(target, err);
    }
    registerTemp(this.path, target);
  }

  append(data: Uint8Array): void {
    let off = 0;
    while (off < data.length) {
      if (this.used === CHUNK) this.flush();
      const n = Math.min(CHUNK - this.used, data.length - off);
      this.buf.set(data.subarray(off, off + n), this.used);
      this.used += n;
      off += n;
    }
    this.bytes += data.length;
  }

  flush(): void {
    if (this.fd === undefined) throw new Error(`${this.target}: the writer is already closed`);
    try {
      let off = 0;
      while (off < this.used) off += writeSync(this.fd, this.buf, off, this.used - off);
    } catch (err) {
      throw writeError(this.target, err);
    }
    this.used = 0;
  }

  close(): void {
    if (this.fd === undefined) return;
    this.flush();
    closeSync(this.fd);
    this.fd = undefined;
  }

  /** Copies the whole (closed) file into `out`. */
  copyTo(out: AtomicFileWriter): void {
    const src = openSync(this.path, 'r');
    try {
      for (;;) {
        const n = readSync(src, this.buf, 0, CHUNK, null);
        if (n === 0) break;
        out.write(this.buf.subarray(0, n));
      }
    } finally {
      closeSync(src);
    }
  }

  /** Closes (without flushing) and removes the file. */
  remove(): void {
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd);
      } catch {
        // already failing: the file is removed below
      }
      this.fd = undefined;
    }
    rmSync(this.path, { force: true });
    releaseTemp(this.path);
  }
}

function bytesOf(a: Int32Array | Float32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/**
 * Writes features in the binary format. Rows go to temporary section files next to the output; nothing
 * appears at `path` until {@link commit}, which assembles header and sections in one temporary file and
 * renames it into place. The layout (F, key kind, K) is taken from the first swipe; every later swipe must
 * have the same.
 *
 * @example
 * const w = new BinaryFeaturesWriter('train.bin');
 * for await (const s of reader) w.write(s.index, s.gridName, fx.extract(s));
 * w.commit();
 */
export class BinaryFeaturesWriter {
  /** Final path. */
  readonly path: string;
  private readonly traj: SectionFile;
  private readonly keys: SectionFile;
  private indices: number[] = [];
  private grids: number[] = [];
  private lengths: number[] = [];
  private readonly gridNames: string[] = [];
  private layout: { f: number; kind: KeyKind; k: number } | undefined;
  private points = 0;
  private closed = false;

  /** @param path - final path of the file */
  constructor(path: string) {
    if (!LITTLE_ENDIAN) throw new Error(`${path}: the binary features format needs a little-endian machine`);
    this.path = path;
    this.traj = new SectionFile(path);
    try {
      this.keys = new SectionFile(path);
    } catch (err) {
      this.traj.remove();
      throw err;
    }
  }

  /** Number of swipes written so far. */
  get count(): number {
    return this.lengths.length;
  }

  /**
   * Appends one swipe's features.
   * @param index - the swipe's line index in its input file
   * @param gridName - the swipe's grid name
   * @param f - its features
   * @throws Error when the layout differs from the first swipe's
   */
  write(index: number, gridName: string, f: SwipeFeatures): void {
    if (this.closed) throw new Error(`${this.path}: the writer is already closed`);
    const k = f.keyKind === 'nearest' ? 0 : f.nKeyColumns;
    if (this.layout === undefined) this.layout = { f: f.nTrajFeats, kind: f.keyKind, k };
    const l = this.layout;
    if (f.nTrajFeats !== l.f || f.keyKind !== l.kind || k !== l.k) {
      throw new Error(`swipe ${index}: features (F=${f.nTrajFeats}, keys ${f.keyKind}×${k}) differ from the first swipe's (F=${l.f}, keys ${l.kind}×${l.k})`);
    }
    let g = this.gridNames.indexOf(gridName);
    if (g < 0) g = this.gridNames.push(gridName) - 1;
    this.indices.push(index);
    this.grids.push(g);
    this.lengths.push(f.length);
    this.points += f.length;
    this.traj.append(bytesOf(f.traj.subarray(0, f.length * l.f)));
    this.keys.append(bytesOf(f.keys.subarray(0, f.length * (l.kind === 'nearest' ? 1 : l.k))));
  }

  /** The header {@link commit} writes for the swipes written so far. */
  header(): FeaturesBinaryHeader {
    const l = this.layout ?? { f: 0, kind: 'nearest' as KeyKind, k: 0 };
    const n = this.lengths.length;
    const pad8 = (v: number): number => Math.ceil(v / 8) * 8;
    const sections = { index: 0, grid: 0, length: 0, traj: 0, keys: 0, end: 0 };
    const base: FeaturesBinaryHeader = {
      version: FEATURES_BINARY_VERSION, n_swipes: n, n_points: this.points, n_traj_feats: l.f,
      key_kind: l.kind, n_key_columns: l.k, grid_names: this.gridNames.slice(), sections,
    };
    // The header's own length depends on the offsets it prints: iterate until it is stable.
    let start = 0;
    for (let i = 0; i < 4; i++) {
      sections.index = start;
      sections.grid = pad8(sections.index + 4 * n);
      sections.length = pad8(sections.grid + 4 * n);
      sections.traj = pad8(sections.length + 4 * n);
      sections.keys = pad8(sections.traj + this.traj.bytes);
      sections.end = sections.keys + this.keys.bytes;
      const next = pad8(12 + Buffer.byteLength(JSON.stringify(base), 'utf8'));
      if (next === start) break;
      start = next;
    }
    return base;
  }

  /**
   * Writes the final file and renames it into place; removes the temporary files.
   * @throws Error naming the output when it cannot be written (nothing is left behind)
   */
  commit(): void {
    if (this.closed) throw new Error(`${this.path}: the writer is already closed`);
    this.closed = true;
    let out: AtomicFileWriter | undefined;
    try {
      this.traj.close();
      this.keys.close();
      const h = this.header();
      const json = Buffer.from(JSON.stringify(h), 'utf8');
      const head = Buffer.alloc(h.sections.index, 0x20);
      head.write(FEATURES_BINARY_MAGIC, 0, 'latin1');
      head.writeUInt32LE(h.sections.index - 12, 8);
      json.copy(head, 12);
      const o = (out = new AtomicFileWriter(this.path));
      const padTo = (at: number, to: number): void => o.write(new Uint8Array(to - at));
      o.write(head);
      o.write(bytesOf(Int32Array.from(this.indices)));
      padTo(h.sections.index + 4 * h.n_swipes, h.sections.grid);
      o.write(bytesOf(Int32Array.from(this.grids)));
      padTo(h.sections.grid + 4 * h.n_swipes, h.sections.length);
      o.write(bytesOf(Int32Array.from(this.lengths)));
      padTo(h.sections.length + 4 * h.n_swipes, h.sections.traj);
      this.traj.copyTo(o);
      padTo(h.sections.traj + this.traj.bytes, h.sections.keys);
      this.keys.copyTo(o);
      o.commit();
    } catch (err) {
      out?.abort();
      throw err;
    } finally {
      this.traj.remove();
      this.keys.remove();
    }
  }

  /** Discards everything written; nothing appears at `path`. */
  abort(): void {
    if (this.closed) return;
    this.closed = true;
    this.traj.remove();
    this.keys.remove();
  }
}
