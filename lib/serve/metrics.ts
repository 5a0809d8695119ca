/**
 * Prometheus metrics of the decode server (prom-client, on a registry of the server's own so that several
 * servers in one process keep separate counts).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The server's metrics. */
export class ServeMetrics {
  /** The registry `GET /metrics` renders. */
  readonly registry = new Registry();
  /** Requests answered, by route, method and status. */
  readonly requests: Counter<'route' | 'method' | 'status'>;
  /** Request latency, arrival to the last byte of the answer. */
  readonly latency: Histogram<'route'>;
  /** Swipes per decoded batch. */
  readonly batchSize: Histogram;
  /** Requests per decoded batch. */
  readonly batchRequests: Histogram;
  /** Wall time of a batch's decode. */
  readonly batchSeconds: Histogram;
  /** Swipes decoded. */
  readonly swipes: Counter;
  /** Swipes waiting for a batch. */
  readonly queueDepth: Gauge;
  /** Batches being decoded. */
  readonly inFlight: Gauge;

  /** @param inFlight - read when the metrics are collected */
  constructor(inFlight: () => number) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'neuroswipe_' });
    this.requests = new Counter({ name: 'neuroswipe_http_requests_total', help: 'HTTP requests answered, by route, method and status', labelNames: ['route', 'method', 'status'], registers });
    this.latency = new Histogram({
      name: 'neuroswipe_http_request_duration_seconds', help: 'HTTP request latency, arrival to the end of the answer', labelNames: ['route'], registers,
      buckets: [0.001, 0.0025, 0.005, 0.0075, 0.01, 0.015, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    });
    this.batchSize = new Histogram({ name: 'neuroswipe_batch_swipes', help: 'Swipes per decoded batch', registers, buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256] });
    this.batchRequests = new Histogram({ name: 'neuroswipe_batch_requests', help: 'Requests per decoded batch', registers, buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256] });
    this.batchSeconds = new Histogram({ name: 'neuroswipe_batch_decode_seconds', help: 'Wall time of one batch decode', registers, buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });
    this.swipes = new Counter({ name: 'neuroswipe_swipes_decoded_total', help: 'Swipes decoded', registers });
    this.queueDepth = new Gauge({ name: 'neuroswipe_queue_swipes', help: 'Swipes waiting for a batch', registers });
    this.inFlight = new Gauge({ name: 'neuroswipe_batches_in_flight', help: 'Batches being decoded', registers, collect() { this.set(inFlight()); } });
  }
}
