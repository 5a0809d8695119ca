/**
 * Progress of long work on a stream (stderr), the same for every command: a cli-progress bar redrawn
 * several times a second when the stream is a terminal, else a plain line every few seconds
 * (`decode: 1200/5000 swipes, 85.0/s, ETA 45 s`), for logs and CI.
 */
import cliProgress, { type GenericFormatter } from 'cli-progress';

/** Seconds between the plain lines when the stream is not a terminal. */
export const DEFAULT_PLAIN_INTERVAL_SECONDS = 10;

/** Environment variable that overrides {@link DEFAULT_PLAIN_INTERVAL_SECONDS} (a number of seconds > 0). */
export const PLAIN_INTERVAL_ENV = 'NEUROSWIPE_PROGRESS_INTERVAL';

/** Redraws per second of the terminal bar. */
const BAR_FPS = 4;

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /** What is being done, first on the line (`decode`, `features`, a predictor's name). */
  label: string;
  /** What is counted, plural (`swipes`). */
  unit: string;
  /** Where progress goes. Default `process.stderr`. */
  stream?: NodeJS.WriteStream;
  /** Show nothing (`--quiet`). */
  quiet?: boolean;
  /** Seconds between plain lines off a terminal. Default: `$NEUROSWIPE_PROGRESS_INTERVAL`, else 10. */
  plainIntervalSeconds?: number;
}

/** A running count of done work out of a known total. */
export interface Progress {
  /** Starts showing; `total` units are to be done. */
  start(total: number): void;
  /** `done` units are done so far. */
  update(done: number): void;
  /** `n` more units are done. */
  increment(n: number): void;
  /** Stops showing (the terminal line is cleared); safe to call more than once or before {@link start}. */
  stop(): void;
}

/** A progress that shows nothing. */
export const NO_PROGRESS: Progress = { start() {}, update() {}, increment() {}, stop() {} };

/**
 * "45 s", "3 min 05 s", "2 h 07 min"; "?" while no rate is known.
 * @param seconds - a duration, or `null` when unknown
 */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** The interval of plain lines: the option, else the environment variable, else the default. */
function plainInterval(given: number | undefined): number {
  if (given !== undefined) return given;
  const env = process.env[PLAIN_INTERVAL_ENV];
  if (env === undefined || env === '') return DEFAULT_PLAIN_INTERVAL_SECONDS;
  const v = Number(env);
  if (!Number.isFinite(v) || v <= 0) throw new RangeError(`${PLAIN_INTERVAL_ENV}: expected a number of seconds > 0, got ${JSON.stringify(env)}`);
  return v;
}

/**
 * A progress display on `options.stream` (stderr by default): a bar on a terminal, plain periodic lines
 * otherwise, nothing with `quiet`.
 * @throws RangeError when `$NEUROSWIPE_PROGRESS_INTERVAL` is set but not a positive number
 */
export function createProgress(options: ProgressOptions): Progress {
  if (options.quiet) return NO_PROGRESS;
  const stream = options.stream ?? process.stderr;
  const tty = stream.isTTY === true;
  const interval = plainInterval(options.plainIntervalSeconds);
  const { label, unit } = options;
  let startedAt = 0;
  let total = 0;
  let value = 0;
  let running = false;
  const counts = (done: number, elapsedSeconds: number): { text: string; speed: string; eta: string } => {
    const rate = elapsedSeconds > 0 ? done / elapsedSeconds : 0;
    // A total of 0 is unknown (an input read once, a pipe): the count alone.
    if (total === 0) return { text: `${done} ${unit}`, speed: `${rate.toFixed(1)}/s`, eta: '?' };
    const eta = done >= total ? 0 : rate > 0 ? (total - done) / rate : null;
    return { text: `${done}/${total} ${unit}`, speed: `${rate.toFixed(1)}/s`, eta: formatDuration(eta) };
  };
  if (!tty) {
    // Off a terminal: one plain line per interval while the work runs, none at start or end (the
    // commands print their own summary), so short runs stay quiet in logs. A timer writes it while the
    // event loop is free, an update when the work runs synchronously (synth).
    let timer: NodeJS.Timeout | undefined;
    let lastLine = 0;
    const write = (): void => {
      const now = performance.now();
      lastLine = now;
      const c = counts(value, (now - startedAt) / 1000);
      stream.write(`${label}: ${c.text}, ${c.speed}, ETA ${c.eta}\n`);
    };
    const due = (): void => {
      if (timer !== undefined && performance.now() - lastLine >= interval * 1000) write();
    };
    return {
      start(n) {
        total = n;
        value = 0;
        startedAt = lastLine = performance.now();
        timer = setInterval(due, Math.min(1000, interval * 1000));
        timer.unref();
      },
      update(done) {
        value = done;
        due();
      },
      increment(n) {
        value += n;
        due();
      },
      stop() {
        if (timer !== undefined) clearInterval(timer);
        timer = undefined;
      },
    };
  }
  const line: GenericFormatter = (opts, params) => {
    const c = counts(params.value, (Date.now() - params.startTime) / 1000);
    return `${label} [${cliProgress.Format.BarFormat(params.progress, opts)}] ${c.text} | ${c.speed} | ETA ${c.eta}`;
  };
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: line,
      fps: BAR_FPS,
      barsize: 30,
      clearOnComplete: true,
      hideCursor: true,
      // The bar's own SIGINT/SIGTERM handlers would swallow the signal; the commands stop it in `finally`.
      gracefulExit: false,
    },
    cliProgress.Presets.shades_classic,
  );
  return {
    start(n) {
      total = n;
      value = 0;
      running = true;
      bar.start(n, 0);
    },
    update(done) {
      value = done;
      if (running) bar.update(done);
    },
    increment(n) {
      value += n;
      if (running) bar.update(value);
    },
    stop() {
      if (!running) return;
      running = false;
      bar.stop();
    },
  };
}
