/**
 * Progress of `neuroswipe predict`: a progress bar per predictor on a terminal, one plain line per
 * predictor otherwise, and the summary table at the end.
 */
import cliProgress from 'cli-progress';
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
 * A reporter writing to `stream`: a cli-progress bar when it is a terminal, else one line per predictor.
 * @param stream - usually `process.stderr`
 */
export function createReporter(stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  if (!stream.isTTY) {
    return {
      begin() {},
      advance() {},
      end: (line) => stream.write(`${line}\n`),
      note: (line) => stream.write(`${line}\n`),
    };
  }
  let bar: cliProgress.SingleBar | undefined;
  return {
    begin(label, total) {
      bar = new cliProgress.SingleBar(
        { stream, format: `${label} [{bar}] {value}/{total} swipes | {percentage}% | ETA {eta_formatted}`, hideCursor: true, clearOnComplete: true },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, 0);
    },
    advance(n) {
      bar?.increment(n);
    },
    end(line) {
      bar?.stop();
      bar = undefined;
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
