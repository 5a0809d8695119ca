/**
 * Decodes the swipes of a data file in chunks, streaming: rows come out in input order and memory stays
 * bounded by the chunk size. Swipes with more points than the model's positional table (`max_curve_len`)
 * fail the file on the first, naming `file:line` and the field, or are skipped and reported (how many,
 * which lines).
 */
import { readSwipes, type Swipe } from '../data/dataset.js';
import type { GridMap } from '../keyboard/grid.js';
import type { Decoder, DecodedSwipe } from './decoder.js';
import { defaultChunkSize } from './defaults.js';
import { addDecodeStats, emptyDecodeStats, type DecodeStats } from './stats.js';
import { BadLineError } from '../io/bad-line.js';

/** What to do with a swipe longer than the model accepts. */
export type LongSwipePolicy = 'fail' | 'skip';

/** The policies, for option validation. */
export const LONG_SWIPE_POLICIES: readonly LongSwipePolicy[] = ['fail', 'skip'];

/**
 * Checks a policy name (`--long-swipes`).
 * @param value - the given value
 * @param flag - the option's name, for the message
 * @throws RangeError naming the option
 */
export function parseLongSwipePolicy(value: string, flag = '--long-swipes'): LongSwipePolicy {
  if (!(LONG_SWIPE_POLICIES as readonly string[]).includes(value)) throw new RangeError(`${flag}: expected ${LONG_SWIPE_POLICIES.join(' or ')}, got ${JSON.stringify(value)}`);
  return value as LongSwipePolicy;
}

/**
 * The error of a swipe that is too long: `file:line: curve.x: N points, but the model accepts at most M`.
 * @param file - the data file
 * @param index - the swipe's 0-based line index
 * @param points - its number of points
 * @param max - the model's `max_curve_len`
 */
export function longSwipeError(file: string, index: number, points: number, max: number): BadLineError {
  return new BadLineError(file, index, 'curve.x', `${points} points, but the model accepts at most ${max} (max_curve_len); pass --long-swipes skip to decode the other swipes`);
}

/** Skipped long swipes: their count and the first few lines. */
export class LongSwipeReport {
  /** Swipes skipped. */
  count = 0;
  /** 1-based line numbers of the first {@link keep} skipped swipes. */
  readonly lines: number[] = [];

  /**
   * @param file - the data file
   * @param max - the model's `max_curve_len`
   * @param keep - how many line numbers are kept (default 20)
   */
  constructor(
    readonly file: string,
    readonly max: number,
    readonly keep = 20,
  ) {}

  /** Records a skipped swipe by its 0-based line index. */
  add(index: number): void {
    this.count++;
    if (this.lines.length < this.keep) this.lines.push(index + 1);
  }

  /** One line for stderr and summaries; null when nothing was skipped. */
  summary(): string | null {
    if (this.count === 0) return null;
    const more = this.count > this.lines.length ? `, … (${this.count} in all)` : '';
    return `${this.file}: skipped ${this.count} swipe${this.count === 1 ? '' : 's'} longer than ${this.max} points (max_curve_len), line${this.count === 1 ? '' : 's'} ${this.lines.join(', ')}${more}`;
  }
}

/** Options of {@link decodeFile}. */
export interface DecodeFileOptions {
  /** Grids for separated-format files. */
  grids: GridMap;
  /** Decode only swipes of these grids (file order kept). */
  gridNames: readonly string[];
  /**
   * Swipes handed to the native search at once (each chunk is decoded on its own). Default
   * `defaultChunkSize(decoder.batchSize, decoder.workers)` (lib/decode/defaults.ts).
   */
  chunkSize?: number;
  /** Only swipes whose 0-based position among the selected ones satisfies this (sharding). */
  select?: (position: number, swipe: Swipe) => boolean;
  /** Receives each chunk's rows, in input order. */
  onRows: (rows: DecodedSwipe[]) => Promise<void> | void;
  /**
   * Called with the number of swipes decoded so far: while a chunk decodes, each time a search finishes
   * a part of it (a few batches: see {@link Decoder.decode}'s `onProgress`), and after each chunk.
   */
  onProgress?: (decoded: number) => void;
  /**
   * Swipes with more points than the model's `max_curve_len`: `fail` (default) stops at the first with an
   * error naming `file:line` and the field; `skip` decodes the others and reports them in
   * {@link DecodeFileSummary.longSwipes}.
   */
  longSwipes?: LongSwipePolicy;
}

/** What {@link decodeFile} did. */
export interface DecodeFileSummary {
  /** Swipes decoded. */
  swipes: number;
  /** Swipes read, by grid name (all grids, selected or not). */
  seenByGrid: Record<string, number>;
  /** Wall seconds. */
  seconds: number;
  /** Native counters summed over chunks. */
  stats: DecodeStats;
  /** Selected swipes left out for being longer than the model accepts (with `longSwipes: 'skip'`). */
  longSwipes: { count: number; lines: number[]; message: string | null };
}

/**
 * Decodes every selected swipe of `path` with `decoder`.
 * @throws Error naming the file and line for bad lines and (by default) swipes longer than the model
 *   accepts, or naming the grids when none of the wanted grids occurs in a non-empty file
 */
export async function decodeFile(decoder: Decoder, path: string, options: DecodeFileOptions): Promise<DecodeFileSummary> {
  const chunkSize = options.chunkSize ?? defaultChunkSize(decoder.batchSize, decoder.workers);
  const wanted = new Set(options.gridNames);
  const seenByGrid: Record<string, number> = {};
  const stats: DecodeStats = emptyDecodeStats();
  const t0 = performance.now();
  let chunk: Swipe[] = [];
  let decoded = 0;
  let position = 0;
  const maxPoints = decoder.model.metadata.max_curve_len;
  const long = new LongSwipeReport(path, maxPoints);
  const flush = async (): Promise<void> => {
    if (chunk.length === 0) return;
    const before = decoded;
    const onProgress = options.onProgress;
    const { rows, stats: s } = await decoder.decode(chunk, onProgress ? { onProgress: (p) => onProgress(before + p.done) } : {});
    addDecodeStats(stats, s);
    decoded += chunk.length;
    chunk = [];
    await options.onRows(rows);
    options.onProgress?.(decoded);
  };
  for await (const swipe of readSwipes(path, { grids: options.grids })) {
    seenByGrid[swipe.gridName] = (seenByGrid[swipe.gridName] ?? 0) + 1;
    if (!wanted.has(swipe.gridName)) continue;
    const keep = options.select ? options.select(position, swipe) : true;
    position++;
    if (!keep) continue;
    if (swipe.x.length > maxPoints) {
      if (options.longSwipes !== 'skip') throw longSwipeError(path, swipe.index, swipe.x.length, maxPoints);
      long.add(swipe.index);
      continue;
    }
    chunk.push(swipe);
    if (chunk.length >= chunkSize) await flush();
  }
  await flush();
  const total = Object.values(seenByGrid).reduce((a, b) => a + b, 0);
  if (total > 0 && position === 0) {
    throw new Error(`${path}: no swipe on grid(s) ${[...wanted].join(', ')}; the file has ${Object.entries(seenByGrid).map(([g, n]) => `${n} on ${g}`).join(', ')} (choose a grid with --grid)`);
  }
  return { swipes: decoded, seenByGrid, seconds: (performance.now() - t0) / 1000, stats, longSwipes: { count: long.count, lines: long.lines, message: long.summary() } };
}
