/**
 * The record of a reproduction run: stage timings and outcomes, printed as a table at the end.
 */

/** The stages of `neuroswipe reproduce`, in order. */
export const STAGES = ['data', 'export', 'predict', 'aggregate', 'baseline', 'submit'] as const;

/** One stage's name. */
export type StageName = (typeof STAGES)[number];

/** One finished stage. */
export interface StageRecord {
  /** The stage. */
  stage: StageName;
  /** Wall-clock seconds. */
  seconds: number;
  /** What it did, in a few words. */
  result: string;
}

/** What a reproduction produced. */
export interface ReproduceSummary {
  /** The submission CSV written. */
  out: string;
  /** The work folder holding the intermediate files. */
  workDir: string;
  /** Lines written (one per test line). */
  rows: number;
  /** Lines to which the baseline added at least one word. */
  filledFromBaseline: number;
  /** Words per line aimed at (the aggregation limit). */
  limit: number;
  /** Lines with fewer words than the limit after filling. */
  shortRows: number;
  /** Per model in config order, its prediction file. */
  predictionFiles: string[];
  /** Per grid, its aggregated prediction file. */
  aggregateFiles: string[];
  /** The baseline prediction file (absent without baseline fill). */
  baselineFile?: string;
  /** The stages in run order. */
  stages: StageRecord[];
}

/**
 * Formats the final summary: one row per stage (seconds, result), a total, and the output line.
 * @param s - the run's summary
 */
export function formatReproduceSummary(s: ReproduceSummary): string {
  const table = [['stage', 'seconds', 'result'], ...s.stages.map((r) => [r.stage, r.seconds.toFixed(1), r.result])];
  const total = s.stages.reduce((a, r) => a + r.seconds, 0);
  table.push(['total', total.toFixed(1), '']);
  const [w0, w1] = [0, 1].map((c) => Math.max(...table.map((r) => (r[c] ?? '').length)));
  const lines = table.map(([stage = '', seconds = '', result = '']) => `${stage.padEnd(w0 ?? 0)}  ${seconds.padStart(w1 ?? 0)}  ${result}`.trimEnd());
  lines.push(`wrote ${s.rows} lines to ${s.out} (${s.filledFromBaseline} filled from the baseline, ${s.shortRows} with fewer than ${s.limit} words); intermediate files in ${s.workDir}`);
  return lines.join('\n') + '\n';
}
