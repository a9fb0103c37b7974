import type { LoggerService } from '@nestjs/common';
import type { AgentTask, Specialist } from '@slm-fleet/api';
import { planScaling, policySpecOf, type PolicyState, type SpecialistScalingInput } from '@slm-fleet/autoscaling';
import type { QueueReader, RouterScraper } from '@slm-fleet/load-signals';
import { isLargeModel, largeModelWorkers } from './large-model.js';
import type { LocalFleet } from './local-fleet.js';

export interface LocalAutoscalerDeps {
  specialists: readonly Specialist[];
  agentTasks: readonly AgentTask[];
  fleet: LocalFleet;
  queues: QueueReader;
  router: RouterScraper;
  intervalMs: number;
  logger: LoggerService;
  /** Told of every change of a Specialist's replica count, with the reason. */
  onScaled?: (key: string, from: number, to: number, reason: string) => void;
}

/**
 * The operator's autoscaling, for local mode: the same pure policy (planScaling) on the same
 * signals (queues in Redis, the router's /metrics), sizing worker processes instead of
 * Deployments. No GPUs to share here. An openai Specialist (the large-model tier) keeps a
 * fixed count of workers (largeModelWorkers says why); its queue is still read, for the live view.
 */
export class LocalAutoscaler {
  private readonly states = new Map<string, PolicyState>();
  private readonly waitingSeen = new Map<string, number | undefined>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly deps: LocalAutoscalerDeps) {}

  /** Starts every Specialist at its minimum (a large model at its fixed count), then decides every interval. */
  start(): void {
    for (const s of this.deps.specialists) {
      this.deps.fleet.setReplicas(keyOf(s), isLargeModel(s) ? largeModelWorkers(s) : s.spec.scaling.minReplicas);
    }
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    await this.deps.queues.close();
  }

  async tick(now = Date.now()): Promise<void> {
    const rates = await this.deps.router.scrape(now);
    const inputs = await Promise.all(
      this.deps.specialists.map(async (specialist): Promise<SpecialistScalingInput> => {
        const key = keyOf(specialist);
        const { namespace, name } = specialist.metadata;
        const rate = rates.bySpecialist.get(key);
        const counts = this.deps.fleet.countsOf(key);
        const queue = await this.deps.queues.read(namespace, name, () => Date.now());
        return {
          specialist: key,
          spec: policySpecOf(specialist, this.deps.agentTasks),
          signals: {
            at: now,
            ...queue,
            arrivalRate: rates.measured ? (rate?.arrivalRate ?? 0) : undefined,
            serviceTimeSeconds: rate?.serviceTimeSeconds,
            readyReplicas: counts.ready,
            currentReplicas: counts.asked,
          },
          state: this.states.get(key),
          pendingUnschedulable: 0,
          gpusPerReplica: 0,
          priority: 0,
        };
      }),
    );
    for (const input of inputs) this.waitingSeen.set(input.specialist, input.signals.waiting);
    const fixed = new Set(this.deps.specialists.filter(isLargeModel).map(keyOf));
    const scaled = inputs.filter((input) => !fixed.has(input.specialist));
    for (const plan of planScaling(scaled, undefined, now)) {
      this.states.set(plan.specialist, plan.state);
      if (!plan.changed) continue;
      const from = this.deps.fleet.countsOf(plan.specialist).asked;
      this.deps.logger.log({
        msg: 'scaled',
        specialist: plan.specialist,
        from,
        to: plan.replicas,
        reason: plan.reason,
      });
      this.deps.onScaled?.(plan.specialist, from, plan.replicas, plan.reason);
      this.deps.fleet.setReplicas(plan.specialist, plan.replicas);
    }
  }

  /** The calls waiting in a Specialist's queue at the last interval (for the live view). */
  waitingOf(key: string): number | undefined {
    return this.waitingSeen.get(key);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick()
        .catch((error: unknown) => this.deps.logger.error({ msg: 'autoscaler interval failed', error: String(error) }))
        .finally(() => this.schedule());
    }, this.deps.intervalMs);
  }
}

const keyOf = (s: Specialist): string => `${s.metadata.namespace}/${s.metadata.name}`;
