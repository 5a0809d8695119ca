/** The first pass of `predict` over the data file: every line checked, grids resolved, curves not kept. */
import { readSwipes } from '../data/dataset.js';
import { type DataLabels } from '../data/labels.js';
import type { GridMap } from '../keyboard/grid.js';

/** What a first pass over the data file finds: every line checked, grids resolved, curves not kept. */
export interface DataScan {
  /** Grid name and target word of each line. */
  labels: DataLabels;
  /** Swipes per grid name. */
  counts: Map<string, number>;
  /** `[line index, points]` of each swipe, per grid name. */
  points: Map<string, [number, number][]>;
}

export async function scanData(path: string, grids: GridMap): Promise<DataScan> {
  const gridNames: string[] = [];
  const words: (string | undefined)[] = [];
  const counts = new Map<string, number>();
  const points = new Map<string, [number, number][]>();
  for await (const s of readSwipes(path, { grids })) {
    gridNames[s.index] = s.gridName;
    words[s.index] = s.word;
    counts.set(s.gridName, (counts.get(s.gridName) ?? 0) + 1);
    let list = points.get(s.gridName);
    if (list === undefined) points.set(s.gridName, (list = []));
    list.push([s.index, s.x.length]);
  }
  return { labels: { gridNames, words }, counts, points };
}

