/**
 * Dynamic batching of concurrent decode requests: requests that share decoding options wait in one queue
 * and are handed to the decoder together, up to a maximum batch size, after at most a maximum wait (the
 * pattern of a buffered translator or Triton's `max_queue_delay`). Several batches are decoded at once, each
 * as its own native search on the libuv thread pool.
 */
import type { Swipe } from '../data/dataset.js';
import type { DecodedSwipe, Decoder } from '../decode/decoder.js';

/** Options of {@link DynamicBatcher}. */
export interface BatcherOptions {
  /** Most swipes decoded in one batch. A request is never split: a larger request goes alone. */
  maxBatchSize: number;
  /** Longest time (ms) the oldest waiting request is held back to gather a fuller batch. */
  maxWaitMs: number;
  /** Most swipes waiting (not yet decoding); beyond it {@link DynamicBatcher.submit} refuses. */
  maxQueue: number;
  /** Batches decoded at once. */
  concurrency: number;
  /**
   * Whether a request that arrives while nothing is decoding or waiting starts at once rather than after
   * `maxWaitMs` (default true): holding it back could only gather requests that have not arrived yet, and a
   * lone request (a keyboard's) would pay the whole wait. `false` holds every request as the wait says.
   */
  startWhenIdle?: boolean;
  /** Called after each batch (for metrics). */
  onBatch?: (info: { swipes: number; requests: number; seconds: number; failed: boolean }) => void;
  /** Called whenever the number of waiting swipes changes. */
  onQueueDepth?: (swipes: number) => void;
}

/** A decoded request. */
export interface BatchResult {
  rows: DecodedSwipe[];
  /** Swipes in the batch the request was decoded in (its own included). */
  batchSize: number;
  /** Time the request waited for its batch to start (ms). */
  queueMs: number;
  /** Wall time of the batch's decode (ms). */
  decodeMs: number;
}

/** The queue is full: retry later. */
export class QueueFullError extends Error {
  constructor(waiting: number, max: number) {
    super(`the decode queue is full (${waiting} of ${max} swipes waiting); retry later`);
    this.name = 'QueueFullError';
  }
}

/** The batcher is shutting down and takes no new work. */
export class DrainingError extends Error {
  constructor() {
    super('the server is shutting down');
    this.name = 'DrainingError';
  }
}

interface Job {
  swipes: readonly Swipe[];
  enqueued: number;
  settled: boolean;
  resolve: (r: BatchResult) => void;
  reject: (e: unknown) => void;
}

interface Lane {
  decoder: Decoder;
  jobs: Job[];
  swipes: number;
}

/** When the lane's oldest request arrived (a lane in the map always has one). */
function oldest(lane: Lane): number {
  return lane.jobs[0]?.enqueued ?? Infinity;
}

/** Groups concurrent requests into batches per decoder. */
export class DynamicBatcher {
  private readonly opts: BatcherOptions;
  private readonly lanes = new Map<Decoder, Lane>();
  private waiting = 0;
  private running = 0;
  private timer: NodeJS.Timeout | null = null;
  private timerDue = 0;
  private draining = false;
  private idleWaiters: (() => void)[] = [];

  /** @param opts - batch size, wait, queue bound and concurrency */
  constructor(opts: BatcherOptions) {
    for (const k of ['maxBatchSize', 'maxQueue', 'concurrency'] as const) {
      if (!Number.isInteger(opts[k]) || opts[k] < 1) throw new RangeError(`${k}: expected an integer ≥ 1, got ${opts[k]}`);
    }
    if (!Number.isFinite(opts.maxWaitMs) || opts.maxWaitMs < 0) throw new RangeError(`maxWaitMs: expected a finite number ≥ 0, got ${opts.maxWaitMs}`);
    this.opts = opts;
  }

  /** Swipes waiting for a batch. */
  get queued(): number {
    return this.waiting;
  }

  /** Batches being decoded now. */
  get inFlight(): number {
    return this.running;
  }

  /**
   * Queues `swipes` for `decoder`; resolves with their rows once their batch is decoded.
   * @param signal - aborting drops the request if it is still waiting (the promise rejects with the reason)
   * @throws QueueFullError when the queue cannot take the swipes; DrainingError while shutting down
   */
  submit(decoder: Decoder, swipes: readonly Swipe[], signal?: AbortSignal): Promise<BatchResult> {
    if (this.draining) return Promise.reject(new DrainingError());
    if (this.waiting + swipes.length > this.opts.maxQueue) return Promise.reject(new QueueFullError(this.waiting, this.opts.maxQueue));
    return new Promise<BatchResult>((resolve, reject) => {
      const job: Job = { swipes, enqueued: performance.now(), settled: false, resolve, reject };
      let lane = this.lanes.get(decoder);
      if (!lane) {
        lane = { decoder, jobs: [], swipes: 0 };
        this.lanes.set(decoder, lane);
      }
      lane.jobs.push(job);
      lane.swipes += swipes.length;
      this.setWaiting(this.waiting + swipes.length);
      signal?.addEventListener('abort', () => this.drop(lane, job, signal.reason), { once: true });
      if (this.opts.startWhenIdle !== false && this.running === 0 && this.waiting === swipes.length) this.start(lane);
      else this.pump();
    });
  }

  /**
   * Stops taking work and resolves when every queued and running batch has finished.
   */
  async drain(): Promise<void> {
    this.draining = true;
    this.pump();
    if (this.waiting === 0 && this.running === 0) return;
    await new Promise<void>((r) => this.idleWaiters.push(r));
  }

  private setWaiting(n: number): void {
    this.waiting = n;
    this.opts.onQueueDepth?.(n);
  }

  private drop(lane: Lane, job: Job, reason: unknown): void {
    if (job.settled) return;
    const at = lane.jobs.indexOf(job);
    if (at < 0) {
      // Already decoding: the native search runs to its end, the request stops waiting for it.
      job.settled = true;
      job.reject(reason);
      return;
    }
    lane.jobs.splice(at, 1);
    lane.swipes -= job.swipes.length;
    this.setWaiting(this.waiting - job.swipes.length);
    job.settled = true;
    job.reject(reason);
    if (lane.jobs.length === 0) this.lanes.delete(lane.decoder);
    this.checkIdle();
  }

  /** Starts every batch that is due while a slot is free, and arms the timer for the next one. */
  private pump(): void {
    const now = performance.now();
    while (this.running < this.opts.concurrency) {
      // The lane whose oldest request has waited longest goes first.
      let best: Lane | null = null;
      for (const lane of this.lanes.values()) if (!best || oldest(lane) < oldest(best)) best = lane;
      if (!best) break;
      const due = oldest(best) + this.opts.maxWaitMs;
      const full = best.swipes >= this.opts.maxBatchSize;
      if (!full && !this.draining && due > now) {
        this.arm(due - now);
        break;
      }
      this.start(best);
    }
  }

  private arm(ms: number): void {
    const due = performance.now() + ms;
    if (this.timer && this.timerDue <= due) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerDue = due;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.pump();
    }, Math.max(0, Math.ceil(ms)));
  }

  private start(lane: Lane): void {
    const jobs: Job[] = [];
    let n = 0;
    for (let j = lane.jobs[0]; j !== undefined && (jobs.length === 0 || n + j.swipes.length <= this.opts.maxBatchSize); j = lane.jobs[0]) {
      lane.jobs.shift();
      jobs.push(j);
      n += j.swipes.length;
    }
    lane.swipes -= n;
    if (lane.jobs.length === 0) this.lanes.delete(lane.decoder);
    this.setWaiting(this.waiting - n);
    this.running++;
    const started = performance.now();
    const swipes = jobs.flatMap((j) => j.swipes);
    const finish = (failed: boolean): void => {
      this.running--;
      this.opts.onBatch?.({ swipes: n, requests: jobs.length, seconds: (performance.now() - started) / 1000, failed });
      this.pump();
      this.checkIdle();
    };
    lane.decoder.decode(swipes).then(
      ({ rows }) => {
        const decodeMs = performance.now() - started;
        let at = 0;
        for (const j of jobs) {
          const mine = rows.slice(at, at + j.swipes.length);
          at += j.swipes.length;
          if (j.settled) continue;
          j.settled = true;
          j.resolve({ rows: mine, batchSize: n, queueMs: started - j.enqueued, decodeMs });
        }
        finish(false);
      },
      (err: unknown) => {
        for (const j of jobs) {
          if (j.settled) continue;
          j.settled = true;
          j.reject(err);
        }
        finish(true);
      },
    );
  }

  private checkIdle(): void {
    if (this.waiting > 0 || this.running > 0 || this.idleWaiters.length === 0) return;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    for (const r of this.idleWaiters.splice(0)) r();
  }
}
