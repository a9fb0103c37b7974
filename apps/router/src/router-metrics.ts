import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The router's Prometheus metrics: calls by task and outcome, their latency, calls in flight. */
export class RouterMetrics {
  private readonly calls: Counter<'task' | 'code'>;
  private readonly duration: Histogram<'task'>;
  private readonly inFlight: Gauge;

  constructor(registry: Registry) {
    this.calls = new Counter({
      name: 'slm_fleet_router_calls_total',
      help: 'Agent calls finished, by task and gRPC status code.',
      labelNames: ['task', 'code'],
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'slm_fleet_router_call_duration_seconds',
      help: 'Time from receiving a call to answering it, by task.',
      labelNames: ['task'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    });
    this.inFlight = new Gauge({
      name: 'slm_fleet_router_calls_in_flight',
      help: 'Calls received and not yet answered.',
      registers: [registry],
    });
  }

  /** Starts timing a call; the returned function records its outcome. */
  startCall(task: string): (code: string) => void {
    const started = process.hrtime.bigint();
    this.inFlight.inc();
    // Unknown task names are caller input: keep them out of label values.
    return (code) => {
      const label = code === 'NOT_FOUND' || code === 'INVALID_ARGUMENT' ? '' : task;
      this.inFlight.dec();
      this.calls.inc({ task: label, code });
      this.duration.observe({ task: label }, Number(process.hrtime.bigint() - started) / 1e9);
    };
  }
}
