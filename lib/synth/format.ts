/**
 * Competition JSONL lines for synthetic swipes (docs/SEED.md §1.1, §1.2), compact JSON, UTF-8 letters as is.
 */
import type { SwipeCurve } from './generator.js';

/** How a line names its grid. */
export type GridStyle =
  /** separated-grid format: `curve` members `x, y, t, grid_name` */
  | { kind: 'separated'; gridName: string }
  /** original format: the full grid object (compact JSON text, members `width, height, keys, grid_name`) as `curve.grid` */
  | { kind: 'inline'; gridJson: string };

/**
 * One JSONL line without the trailing newline. `word` first when given (`train.jsonl` style), omitted
 * when `null` (`valid.jsonl`/`test.jsonl` style).
 */
export function formatSwipeLine(word: string | null, curve: SwipeCurve, grid: GridStyle): string {
  const head = word === null ? '{' : `{"word":${JSON.stringify(word)},`;
  const xyt = `"x":[${curve.x.join(',')}],"y":[${curve.y.join(',')}],"t":[${curve.t.join(',')}]`;
  const tail = grid.kind === 'separated' ? `"grid_name":${JSON.stringify(grid.gridName)}` : `"grid":${grid.gridJson}`;
  return `${head}"curve":{${xyt},${tail}}}`;
}
