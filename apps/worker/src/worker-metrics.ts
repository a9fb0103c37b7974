import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/**
 * How a call ended in this worker: a CallErrorKind, `ok`, `handed_back` (drained) or
 * `rate_limited` (back to the queue until the endpoint's budget allows it).
 */
export type CallOutcome = 'ok' | 'deadline' | 'cancelled' | 'engine' | 'invalid' | 'handed_back' | 'rate_limited';

/** Calls take from milliseconds (a cached prefix) to minutes (long generations). */
const CALL_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
/** A slot's idle gap is a round trip or two to Redis: sub-millisecond on a quiet host. */
const GAP_BUCKETS = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1];

export interface WorkerMetrics {
  calls: Counter<'specialist' | 'outcome'>;
  callDuration: Histogram<'specialist' | 'outcome'>;
  inFlight: Gauge<'specialist'>;
  idleGap: Histogram<'specialist'>;
}

export function createWorkerMetrics(registry: Registry): WorkerMetrics {
  const registers = [registry];
  return {
    calls: new Counter({
      name: 'slm_fleet_worker_calls_total',
      help: 'Calls this worker finished, by specialist and outcome.',
      labelNames: ['specialist', 'outcome'],
      registers,
    }),
    callDuration: new Histogram({
      name: 'slm_fleet_worker_call_duration_seconds',
      help: 'From taking a call off the queue to its answer or failure, by specialist and outcome.',
      labelNames: ['specialist', 'outcome'],
      buckets: CALL_BUCKETS,
      registers,
    }),
    inFlight: new Gauge({
      name: 'slm_fleet_worker_in_flight',
      help: 'Calls this worker is running now.',
      labelNames: ['specialist'],
      registers,
    }),
    idleGap: new Histogram({
      name: 'slm_fleet_worker_idle_gap_seconds',
      help: 'Time a slot of this worker stayed free while a call waited for it: from the end of one call to the start of the next, for calls queued before the slot freed.',
      labelNames: ['specialist'],
      buckets: GAP_BUCKETS,
      registers,
    }),
  };
}
