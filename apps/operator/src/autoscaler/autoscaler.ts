import type { V1Node, V1Pod } from '@kubernetes/client-node';
import type { LoggerService } from '@nestjs/common';
import type { AgentTask, Specialist } from '@slm-fleet/api';
import {
  noteReplicasSetElsewhere,
  parsePolicyState,
  planScaling,
  policySpecOf,
  priorityOf,
  type PolicyState,
  type SpecialistScalingInput,
  type SpecialistScalingPlan,
} from '@slm-fleet/autoscaling';
import { objectKey, type Informer } from '@slm-fleet/k8s';
import { engineRunsInPod } from '@slm-fleet/engines';
import type { ControllerMetrics } from '@slm-fleet/telemetry';
import { SPECIALIST_LABEL } from '@slm-fleet/workloads';
import type { EventRecorder } from '../events.js';
import type { QueueReader, RouterRates, RouterScraper } from '@slm-fleet/load-signals';
import type { ScalingObservations } from './scaling-observations.js';
import {
  currentReplicasOf,
  freeGpusOf,
  gpusPerReplicaOf,
  pendingUnschedulableOf,
  type GpuPool,
} from './scaling-inputs.js';
import { AUTOSCALER_STATE_ANNOTATION, type SpecialistScaleWriter } from './specialist-scale-writer.js';

/**
 * Between scalings the state is written again at most this often, and only when the highest
 * recommendation of its window moved: that is what a restart needs to not scale down early.
 */
const STATE_CHECKPOINT_MS = 60_000;

export interface AutoscalerDeps {
  specialists: Informer<Specialist>;
  agentTasks: Informer<AgentTask>;
  pods: Informer<V1Pod>;
  /**
   * Where free GPUs are counted and shared by priority. Absent when a cluster autoscaler adds
   * GPU nodes on demand (countFreeGpus: false): then free GPUs are not counted.
   */
  nodes?: Informer<V1Node> | undefined;
  queues: QueueReader;
  routers: RouterScraper;
  writer: SpecialistScaleWriter;
  events: EventRecorder;
  observations: ScalingObservations;
  /** The status should show a new observation of this Specialist (namespace/name). */
  onObserved: (key: string) => void;
  /** The GPUs a Specialist's pods can land on (from its GPU profiles); undefined without GPUs. */
  gpuPoolOf: (specialist: Specialist) => GpuPool | undefined;
  intervalMs: number;
  metrics: Pick<ControllerMetrics, 'autoscalerIntervals' | 'autoscalerDesiredReplicas' | 'autoscalerScaleTotal'>;
  logger: LoggerService;
  now?: () => number;
}

/** What one interval reads from the informers, listed once and indexed for every Specialist. */
interface Snapshot {
  /** Pods by `namespace/specialist` (their SPECIALIST_LABEL). */
  podsOf: Map<string, V1Pod[]>;
  /** AgentTasks by namespace: a task serves Specialists of its own namespace only. */
  tasksIn: Map<string, AgentTask[]>;
}

interface Sized {
  specialist: Specialist;
  input: SpecialistScalingInput;
  pods: V1Pod[];
  pool: GpuPool | undefined;
}

/**
 * The leader's control loop for Specialists in `scaling.mode: managed`: every interval it reads
 * the signals (queues from Redis, rates from the routers, pods and nodes from the informers),
 * plans with the pure policy, and writes replicas through the scale subresource.
 */
export class Autoscaler {
  private readonly states = new Map<string, PolicyState>();
  /** The count last asked for or seen per Specialist: a different one was set by someone else. */
  private readonly lastAsked = new Map<string, number>();
  private readonly saved = new Map<string, { at: number; highest: number }>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(private readonly deps: AutoscalerDeps) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops deciding; a decision under way finishes first. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    await this.deps.queues.close();
  }

  /** One interval: read, plan, write. */
  async tick(): Promise<void> {
    const now = this.now();
    const managed = this.deps.specialists
      .list()
      .filter(
        (s) =>
          !s.metadata.deletionTimestamp && s.spec.scaling.mode === 'managed' && engineRunsInPod(s.spec.engine.kind),
      );
    const rates = await this.deps.routers.scrape(now);
    // The caches are listed once per interval, not once per Specialist.
    const pods = this.deps.pods.list();
    const snapshot: Snapshot = {
      podsOf: groupBy(pods, (pod) => {
        const namespace = pod.metadata?.namespace;
        const specialist = pod.metadata?.labels?.[SPECIALIST_LABEL];
        return namespace === undefined || specialist === undefined ? undefined : `${namespace}/${specialist}`;
      }),
      tasksIn: groupBy(this.deps.agentTasks.list(), (task) => task.metadata.namespace),
    };
    const sized = await Promise.all(managed.map((s) => this.inputOf(s, rates, snapshot, now)));
    const nodes = this.deps.nodes?.list();
    const bound = nodes ? pods.filter((pod) => pod.spec?.nodeName) : [];
    // Specialists that can land on the same GPUs share them; the others are planned apart.
    for (const group of groupBy(sized, ({ pool }) => pool?.key ?? '').values()) {
      const pool = group[0]?.pool;
      const free = pool && nodes ? freeGpus(nodes, bound, pool, group) : undefined;
      const plans = planScaling(
        group.map((g) => g.input),
        free,
        now,
      );
      for (const [index, plan] of plans.entries()) {
        const entry = group[index];
        if (entry) await this.apply(entry, plan, now);
      }
    }
    const keys = new Set(managed.map(objectKey));
    await this.deps.queues.forgetAllBut(keys);
    this.deps.observations.forgetAllBut(keys);
    for (const key of this.states.keys()) {
      if (keys.has(key)) continue;
      this.states.delete(key);
      this.saved.delete(key);
      this.lastAsked.delete(key);
      this.deps.metrics.autoscalerDesiredReplicas.remove({ specialist: key });
    }
  }

  private async inputOf(specialist: Specialist, rates: RouterRates, snapshot: Snapshot, now: number): Promise<Sized> {
    const key = objectKey(specialist);
    const { namespace, name } = specialist.metadata;
    const queue = await this.deps.queues.read(namespace, name, () => this.now());
    const rate = rates.bySpecialist.get(key);
    const current = currentReplicasOf(specialist);
    const pods = snapshot.podsOf.get(`${namespace}/${name}`) ?? [];
    const tasks = snapshot.tasksIn.get(namespace) ?? [];
    return {
      specialist,
      pods,
      pool: this.deps.gpuPoolOf(specialist),
      input: {
        specialist: key,
        spec: policySpecOf(specialist, tasks),
        signals: {
          at: now,
          ...queue,
          // Measured and not named by any router: nothing arrived.
          arrivalRate: rates.measured ? (rate?.arrivalRate ?? 0) : undefined,
          serviceTimeSeconds: rate?.serviceTimeSeconds,
          readyReplicas: specialist.status?.readyReplicas ?? 0,
          currentReplicas: current,
        },
        state: noteReplicasSetElsewhere(this.stateOf(specialist, now), current, this.lastAsked.get(key), now),
        pendingUnschedulable: pendingUnschedulableOf(pods),
        gpusPerReplica: gpusPerReplicaOf(specialist),
        priority: priorityOf(specialist, tasks),
      },
    };
  }

  /**
   * The state kept in memory, else the one stored on the Specialist. A stored state restarts
   * the idle clock: it may be a minute old, and a restart must never hasten a scale to zero.
   */
  private stateOf(specialist: Specialist, now: number): PolicyState | undefined {
    const key = objectKey(specialist);
    const kept = this.states.get(key);
    if (kept) return kept;
    const stored = parsePolicyState(specialist.metadata.annotations?.[AUTOSCALER_STATE_ANNOTATION]);
    return stored && { ...stored, lastBusyAt: now };
  }

  private async apply({ specialist, input }: Sized, plan: SpecialistScalingPlan, now: number): Promise<void> {
    const key = input.specialist;
    const before = input.signals.currentReplicas;
    this.states.set(key, plan.state);
    this.lastAsked.set(key, plan.replicas);
    this.deps.metrics.autoscalerDesiredReplicas.set({ specialist: key }, plan.replicas);
    let lastScaleTime = this.deps.observations.get(key)?.lastScaleTime;
    try {
      const highest = Math.max(0, ...plan.state.recommendations.map((r) => r.replicas));
      // First sight: what is stored (or nothing, when nothing happened yet) is the baseline.
      const saved = this.saved.get(key) ?? { at: now, highest };
      this.saved.set(key, saved);
      const checkpoint = saved.highest !== highest && now - saved.at >= STATE_CHECKPOINT_MS;
      if (plan.changed || checkpoint) {
        // State first: after a crash between the two writes, the window already holds the new count.
        await this.deps.writer.saveState(specialist, JSON.stringify(plan.state));
        this.saved.set(key, { at: now, highest });
      }
      if (plan.changed) {
        await this.deps.writer.scale(specialist, plan.replicas);
        lastScaleTime = new Date(now).toISOString();
        const direction = plan.replicas > before ? 'up' : 'down';
        this.deps.metrics.autoscalerScaleTotal.inc({ specialist: key, direction });
        this.deps.logger.log({ msg: 'scaled', specialist: key, from: before, to: plan.replicas, reason: plan.reason });
        await this.deps.events.record(
          specialist,
          'Normal',
          'Scaled',
          `scaled from ${before} to ${plan.replicas}: ${plan.reason}`,
        );
      }
    } catch (error) {
      this.deps.logger.warn?.({ msg: 'could not scale', specialist: key, error: String(error) });
    }
    const { waiting, active } = input.signals;
    const gpuShortfall = input.pendingUnschedulable > 0 ? undefined : plan.limitedBy;
    const show = this.deps.observations.record(
      key,
      {
        queue: { ...(waiting === undefined ? {} : { waiting }), ...(active === undefined ? {} : { active }) },
        ...(lastScaleTime ? { lastScaleTime } : {}),
        ...(gpuShortfall ? { gpuShortfall } : {}),
      },
      now,
    );
    if (show) this.deps.onObserved(key);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick()
        .then(() => this.deps.metrics.autoscalerIntervals.inc({ result: 'success' }))
        .catch((error: unknown) => {
          this.deps.metrics.autoscalerIntervals.inc({ result: 'error' });
          this.deps.logger.error({ msg: 'autoscaler interval failed', error: String(error) });
        })
        .finally(() => this.schedule(this.deps.intervalMs));
    }, delayMs);
  }

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }
}

/**
 * GPUs of the pool still placeable: pods on its nodes (`bound`: every pod bound to a node), its
 * own unplaced pods and replicas not yet created count.
 */
function freeGpus(nodes: readonly V1Node[], bound: readonly V1Pod[], pool: GpuPool, group: readonly Sized[]): number {
  const promised = group.reduce(
    (sum, { input, pods }) => sum + Math.max(0, input.signals.currentReplicas - pods.length) * input.gpusPerReplica,
    0,
  );
  const unbound = group.flatMap(({ pods }) => pods.filter((pod) => !pod.spec?.nodeName));
  return freeGpusOf(nodes, [...bound, ...unbound], pool, promised);
}

/** Items by key, in their order; those whose key is undefined are left out. */
function groupBy<T>(items: readonly T[], keyOf: (item: T) => string | undefined): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    if (key === undefined) continue;
    const group = out.get(key);
    if (group) group.push(item);
    else out.set(key, [item]);
  }
  return out;
}
