/**
 * Running the DTW baseline over a data file: swipes are read in line order, solved in batches by the
 * native implementation (or the straightforward TypeScript one) and returned as prediction rows.
 */
import type { Grid, GridMap } from '../keyboard/grid.js';
import type { Candidate, PredictionRow } from '../predictions.js';
import { csvField } from '../io/csv.js';
import { SwipeReader, type Swipe } from '../data/dataset.js';
import { nativeDtwBaseline } from './native.js';
import { type NativeDtwGrid, prepareGrid, wordRanks } from './prepare.js';
import { BaselineGridCache, baselineReference } from './reference.js';
import type { BaselineVocab } from './vocab.js';
import { at } from '../util/checked.js';

/** Options of {@link runBaseline}. */
export interface BaselineRunOptions {
  /** Grids of the separated-grid format (lines with an inline `curve.grid` use theirs). */
  grids?: GridMap;
  /** Candidates per swipe. Default 4. */
  k?: number;
  /** `native` (default): the pruned C++ implementation; `reference`: the straightforward one. */
  engine?: 'native' | 'reference';
  /** Native worker threads. Default 1. */
  threads?: number;
  /** Swipes per native call. Default 2048. */
  batchSize?: number;
}

/** Distinct keyboards of a run, each prepared once. */
class GridRegistry {
  private readonly byKey = new Map<string, number>();
  readonly grids: Grid[] = [];
  readonly prepared: NativeDtwGrid[] = [];
  readonly caches: BaselineGridCache[] = [];

  constructor(private readonly vocab: BaselineVocab, private readonly engine: 'native' | 'reference') {}

  /** The index of a swipe's grid (the reader has resolved it: inline grids of one name are identical). */
  indexOf(c: Swipe, grids: GridMap): number {
    const key = c.gridName;
    let i = this.byKey.get(key);
    if (i === undefined) {
      const g = grids[key];
      if (g === undefined) throw new Error(`swipe ${c.index}: grid ${JSON.stringify(key)} not resolved by the reader`);
      i = this.grids.length;
      this.grids.push(g);
      if (this.engine === 'native') this.prepared.push(prepareGrid(g, this.vocab));
      else this.caches.push(new BaselineGridCache(g));
      this.byKey.set(key, i);
    }
    return i;
  }
}

async function solveNative(batch: Swipe[], gridIdx: number[], reg: GridRegistry, vocab: BaselineVocab, ranks: Uint32Array, k: number, threads: number): Promise<PredictionRow[]> {
  const offsets = new Uint32Array(batch.length + 1);
  let total = 0;
  batch.forEach((c, i) => {
    total += c.x.length;
    offsets[i + 1] = total;
  });
  const xs = new Int32Array(total);
  const ys = new Int32Array(total);
  batch.forEach((c, i) => {
    const start = at(offsets, i);
    xs.set(c.x, start);
    ys.set(c.y, start);
  });
  const out = await nativeDtwBaseline({
    grids: reg.prepared,
    wordRank: ranks,
    curveOffsets: offsets,
    xs,
    ys,
    curveGrid: Uint32Array.from(gridIdx),
    k,
    prune: true,
    threads,
  });
  return batch.map((c, i) => {
    const candidates: Candidate[] = [];
    for (let s = 0; s < k; s++) {
      const w = at(out.words, i * k + s);
      if (w >= 0) candidates.push([at(out.dists, i * k + s), at(vocab.words, w)]);
    }
    return { index: c.index, grid_name: c.gridName, candidates };
  });
}

/**
 * Runs the DTW baseline on every swipe of a data file.
 * @param dataPath - the data file (inline grids, or separated grids with `options.grids`)
 * @param vocab - the baseline vocabulary
 * @param options - see {@link BaselineRunOptions}
 * @returns per swipe, in line order, the best candidates as `[dtw, word]`
 * @throws Error naming the file and line of a malformed swipe, or a swipe with no point
 */
export async function runBaseline(dataPath: string, vocab: BaselineVocab, options: BaselineRunOptions = {}): Promise<PredictionRow[]> {
  const k = options.k ?? 4;
  const engine = options.engine ?? 'native';
  const threads = options.threads ?? 1;
  const batchSize = options.batchSize ?? 2048;
  const reg = new GridRegistry(vocab, engine);
  const ranks = wordRanks(vocab.words);
  const rows: PredictionRow[] = [];
  let batch: Swipe[] = [];
  let gridIdx: number[] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    if (engine === 'native') rows.push(...(await solveNative(batch, gridIdx, reg, vocab, ranks, k, threads)));
    else {
      batch.forEach((c, i) => {
        rows.push({ index: c.index, grid_name: c.gridName, candidates: baselineReference(c.x, c.y, at(reg.caches, at(gridIdx, i)), vocab, k) });
      });
    }
    batch = [];
    gridIdx = [];
  };
  const reader = new SwipeReader(dataPath, { grids: options.grids });
  for await (const c of reader) {
    gridIdx.push(reg.indexOf(c, reader.grids));
    batch.push(c);
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  return rows;
}

/**
 * The seed's baseline CSV (pandas `to_csv(header=False, index=False)` of the word lists): one line per
 * swipe, as many fields as the longest row, shorter rows padded with empty fields.
 * @param rows - prediction rows in line order
 */
export function formatBaselineCsv(rows: readonly PredictionRow[]): string {
  const width = rows.reduce((m, r) => Math.max(m, r.candidates.length), 0);
  return rows
    .map((r) => {
      const fields = Array.from({ length: width }, (_, i) => csvField(r.candidates[i]?.[1] ?? ''));
      const line = width === 1 && fields[0] === '' ? '""' : fields.join(',');
      return line + '\n';
    })
    .join('');
}
