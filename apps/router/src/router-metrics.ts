import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { CallResult } from '@slm-fleet/queue';
import type { FallbackReason, Tier } from '@slm-fleet/routing';
import type { DispatchObserver } from './dispatch/call-dispatcher.js';
import type { ShadowResult } from './dispatch/shadow-calls.js';
import type { QueueRegistry } from './dispatch/queue-registry.js';

const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/**
 * The router's Prometheus metrics: calls by task and outcome, their latency, calls in flight;
 * and per Specialist what an autoscaler needs (calls queued, queue depth, queue wait, service
 * time), which is what HPA or KEDA read when `scaling.mode` is external.
 */
export class RouterMetrics implements DispatchObserver {
  private readonly calls: Counter<'task' | 'code'>;
  private readonly answers: Counter<'task' | 'tier' | 'reason'>;
  private readonly shadowComparisons: Counter<'task' | 'result'>;
  private readonly duration: Histogram<'task'>;
  private readonly inFlight: Gauge;
  private readonly queued: Counter<'specialist'>;
  private readonly diverted: Counter<'specialist'>;
  private readonly queueWait: Histogram<'specialist'>;
  private readonly service: Histogram<'specialist'>;
  private readonly queueWaiting: Gauge<'specialist'>;
  private readonly oldestWaiting: Gauge<'specialist'>;
  /** The queues' reading of the scrape under way, shared by the gauges it sets. */
  private collecting: Promise<void> | undefined;

  /** `queues` are read from Redis once per scrape, for both queue gauges. */
  constructor(
    registry: Registry,
    private readonly queues: Pick<QueueRegistry, 'readAll'>,
  ) {
    this.calls = new Counter({
      name: 'slm_fleet_router_calls_total',
      help: 'Agent calls finished, by task and gRPC status code.',
      labelNames: ['task', 'code'],
      registers: [registry],
    });
    this.answers = new Counter({
      name: 'slm_fleet_router_answers_total',
      help: 'Calls answered, by task and tier (specialist or fallback) and, on the fallback, the reason.',
      labelNames: ['task', 'tier', 'reason'],
      registers: [registry],
    });
    this.shadowComparisons = new Counter({
      name: 'slm_fleet_router_shadow_comparisons_total',
      help: "Shadow answers compared with the live answer, by task and result (agree, disagree, shadow_failed; shed: the shadow's queue was full).",
      labelNames: ['task', 'result'],
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'slm_fleet_router_call_duration_seconds',
      help: 'Time from receiving a call to answering it, by task.',
      labelNames: ['task'],
      buckets: SECONDS_BUCKETS,
      registers: [registry],
    });
    this.queued = new Counter({
      name: 'slm_fleet_router_specialist_calls_queued_total',
      help: "Calls this router put on a Specialist's queue (its arrival rate, summed over routers).",
      labelNames: ['specialist'],
      registers: [registry],
    });
    this.diverted = new Counter({
      name: 'slm_fleet_router_specialist_calls_diverted_total',
      help: "Calls meant for a Specialist that its task's fallback took on a capacity trigger (no ready replica, queue delay, overflow): demand its queue did not see, which the autoscaler adds to the queued calls.",
      labelNames: ['specialist'],
      registers: [registry],
    });
    this.queueWait = new Histogram({
      name: 'slm_fleet_router_specialist_queue_wait_seconds',
      help: "Time answered calls waited in a Specialist's queue.",
      labelNames: ['specialist'],
      buckets: SECONDS_BUCKETS,
      registers: [registry],
    });
    this.service = new Histogram({
      name: 'slm_fleet_router_specialist_service_seconds',
      help: "Time a Specialist's worker spent on an answered call, engine included.",
      labelNames: ['specialist'],
      buckets: SECONDS_BUCKETS,
      registers: [registry],
    });
    // prom-client collects every metric of a scrape side by side: each gauge waits for the
    // same reading, which sets both.
    this.queueWaiting = new Gauge({
      name: 'slm_fleet_router_specialist_queue_waiting',
      help: "Calls waiting in a Specialist's queue, as this router last read it (take the max over routers).",
      labelNames: ['specialist'],
      registers: [registry],
      collect: () => this.collectQueues(),
    });
    this.oldestWaiting = new Gauge({
      name: 'slm_fleet_router_specialist_oldest_waiting_seconds',
      help: "Age of the oldest call waiting in a Specialist's queue, read from Redis at each scrape (0: none waits).",
      labelNames: ['specialist'],
      registers: [registry],
      collect: () => this.collectQueues(),
    });
    this.inFlight = new Gauge({
      name: 'slm_fleet_router_calls_in_flight',
      help: 'Calls received and not yet answered.',
      registers: [registry],
    });
  }

  /**
   * Reads every queue the router has used once and sets both queue gauges: the depth (the last
   * estimate when Redis could not be read) and the oldest call's age (left out then).
   */
  private collectQueues(): Promise<void> {
    this.collecting ??= this.queues
      .readAll()
      .then((readings) => {
        this.queueWaiting.reset();
        this.oldestWaiting.reset();
        for (const { specialist, waiting, oldestWaitingSeconds } of readings) {
          this.queueWaiting.set({ specialist }, waiting);
          if (oldestWaitingSeconds !== undefined) this.oldestWaiting.set({ specialist }, oldestWaitingSeconds);
        }
      })
      .finally(() => {
        this.collecting = undefined;
      });
    return this.collecting;
  }

  onQueued(specialist: string): void {
    this.queued.inc({ specialist });
  }

  onDiverted(specialist: string): void {
    this.diverted.inc({ specialist });
  }

  onAnswered(specialist: string, result: CallResult): void {
    this.queueWait.observe({ specialist }, result.timings.queueMs / 1000);
    this.service.observe({ specialist }, result.timings.serviceMs / 1000);
  }

  onTier(task: string, tier: Tier, reason: FallbackReason | undefined): void {
    this.answers.inc({ task, tier, reason: reason ?? '' });
  }

  onShadow(task: string, result: ShadowResult): void {
    this.shadowComparisons.inc({ task, result });
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
