import { Inject, Injectable } from '@nestjs/common';
import { Readiness } from '@slm-fleet/service';
import {
  BatchScheduler,
  type FaultDraw,
  type LatencySettings,
  RequestLog,
  type Rng,
  type RuntimeSwitches,
  type SimCounters,
  type SimStats,
  type SimulatorProfile,
  createRng,
  drawFaults,
  zeroCounters,
} from '@slm-fleet/simulator';
import { ENGINE_SIM_OPTIONS, type EngineSimOptions } from './engine-sim-options.js';

/** What the engine needs from a request in its batch. */
export interface BatchMember {
  /** Called when the request gets a batch slot. */
  start: () => void;
  /** Ends the request at once, answered or not: the simulator is stopping. */
  cut: () => void;
}

/**
 * The simulated engine's state: the live switches, the batch and its queue, the counters, and
 * the fault draws. Requests are driven by Generation; this only keeps the books.
 */
@Injectable()
export class SimulatedEngine {
  readonly model: string;
  /** The model and its LoRA adapters: the names a request may ask for. */
  readonly servedModels: readonly string[];
  readonly adapters: readonly string[];
  readonly profile: SimulatorProfile;
  readonly outputTokens: number;
  /** Changed at run time by POST /sim/faults; generations read them at every token. */
  readonly switches: RuntimeSwitches & Pick<LatencySettings, 'batchSlowdown'>;
  readonly counters: SimCounters = zeroCounters();
  /** Requests in flight, per model, and the recent ones with their times and statuses. */
  readonly requests = new RequestLog();
  /** Unix seconds at start, the `created` of the model. */
  readonly startedAt = Math.floor(Date.now() / 1000);
  private readonly readyAt: number;
  private readonly faultDraws: Rng;
  private readonly batch: BatchScheduler<BatchMember>;
  private readonly unfinished = new Set<BatchMember>();
  private lastId = 0;

  constructor(@Inject(ENGINE_SIM_OPTIONS) options: EngineSimOptions, readiness: Readiness) {
    this.model = options.model;
    this.adapters = options.adapters ?? [];
    this.servedModels = [options.model, ...this.adapters];
    this.profile = options.profile ?? 'default';
    this.outputTokens = options.outputTokens;
    const { ttft, tpot, batchSlowdown, errorRate, hangRate, rateLimitRate, retryAfterSeconds } = options;
    const { offSchemaRate, lowConfidenceRate } = options;
    this.switches = {
      ttft,
      tpot,
      batchSlowdown,
      errorRate,
      hangRate,
      rateLimitRate,
      retryAfterSeconds,
      offSchemaRate,
      lowConfidenceRate,
    };
    this.readyAt = Date.now() + options.slowStart;
    this.faultDraws = createRng(options.seed);
    this.batch = new BatchScheduler<BatchMember>(options.maxBatch, (member) => member.start());
    // Only with a slow start: without one there is nothing to wait for, and /readyz keeps the
    // same check list as the other shells.
    if (options.slowStart > 0) {
      readiness.register({
        name: 'model',
        check: async () => {
          if (!this.isReady()) throw new Error('simulated model still loading (slow start)');
        },
      });
    }
  }

  /** False during the slow start, like an engine loading its weights. */
  isReady(): boolean {
    return Date.now() >= this.readyAt;
  }

  drawFaults(): FaultDraw {
    return drawFaults(this.faultDraws, this.switches);
  }

  nextId(): string {
    return `chatcmpl-sim-${++this.lastId}`;
  }

  /** Requests generating or hung in the batch now: the batch size of the latency model. */
  get batchSize(): number {
    return this.batch.activeCount;
  }

  submit(member: BatchMember): void {
    this.unfinished.add(member);
    this.batch.submit(member);
  }

  /** The request is answered or its client is gone: its slot goes to the next one waiting. */
  release(member: BatchMember): void {
    this.unfinished.delete(member);
    this.batch.release(member);
  }

  stats(): SimStats {
    const { requests, completed, errors, hung, disconnected, ...answerCounters } = this.counters;
    const { activeCount: active, waitingCount: waiting } = this.batch;
    return {
      requests,
      active,
      waiting,
      completed,
      errors,
      hung,
      disconnected,
      ...answerCounters,
      ...this.requests.snapshot(),
    };
  }

  /** Ends every unanswered request, as an engine going away would (see ApiMount). */
  cutAll(): void {
    for (const member of [...this.unfinished]) member.cut();
  }
}
