/**
 * Progress of `neuroswipe predict`: a progress bar per predictor on a terminal, periodic plain lines
 * otherwise, one line per predictor when it ends, and the summary table at the end.
 */
import { createProgress, NO_PROGRESS, type Progress } from '../util/progress.js';
import { formatTextTable } from '../io/text-table.js';

/** Receives a run's progress. */
export interface ProgressReporter {
  /** A predictor starts decoding `total` swipes. */
  begin(label: string, total: number): void;
  /** `n` more swipes are done. */
  advance(n: number): void;
  /** The predictor finished; `line` describes the outcome. */
  end(line: string): void;
  /** A message between predictors (skips, exports). */
  note(line: string): void;
}

/** Reports nothing. */
export const SILENT: ProgressReporter = { begin() {}, advance() {}, end() {}, note() {} };

/**
 * A reporter writing to `stream`: while a predictor decodes, the progress of lib/util/progress.ts (a bar
 * on a terminal, a plain line every few seconds otherwise); one line per predictor and per note.
 * @param stream - usually `process.stderr`
 */
export function createReporter(stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  let progress: Progress = NO_PROGRESS;
  return {
    begin(label, total) {
      progress.stop();
      progress = createProgress({ label, unit: 'swipes', stream });
      progress.start(total);
    },
    advance(n) {
      progress.increment(n);
    },
    end(line) {
      progress.stop();
      progress = NO_PROGRESS;
      stream.write(`${line}\n`);
    },
    note: (line) => stream.write(`${line}\n`),
  };
}

/** One line of the summary table. */
export interface PredictorSummary {
  /** Short predictor name (weights and generator). */
  predictor: string;
  /** Grid. */
  grid: string;
  /** What happened: `decoded`, `skipped` (already done). */
  status: 'decoded' | 'skipped';
  /** Swipes decoded in this run (0 when skipped). */
  swipes: number;
  /** Seconds spent (model loading included). */
  seconds: number;
  /** The prediction file. */
  path: string;
  /** Swipes left out for being longer than the model accepts (`--long-swipes skip`), when any. */
  longSwipesSkipped?: number;
}

/**
 * Formats the summary table: predictor, grid, status, swipes, seconds, swipes/s.
 * @param rows - one per predictor, in run order
 */
export function formatSummary(rows: readonly PredictorSummary[]): string {
  const table = [
    ['predictor', 'grid', 'status', 'swipes', 'seconds', 'swipes/s'],
    ...rows.map((r) => [
      r.predictor,
      r.grid,
      r.status,
      String(r.swipes),
      r.seconds.toFixed(1),
      r.status === 'decoded' && r.seconds > 0 ? (r.swipes / r.seconds).toFixed(1) : '-',
    ]),
  ];
  const skipped = rows.filter((r) => (r.longSwipesSkipped ?? 0) > 0).map((r) => `${r.path}: ${r.longSwipesSkipped} long swipe(s) skipped (longer than max_curve_len)\n`);
  return formatTextTable(table, 3) + skipped.join('');
}
