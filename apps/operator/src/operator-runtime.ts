import { hostname } from 'node:os';
import {
  CoreV1Api,
  DiscoveryV1Api,
  KubernetesObjectApi,
  type KubeConfig,
  type KubernetesObject,
  type V1Deployment,
  type V1Node,
  type V1Pod,
} from '@kubernetes/client-node';
import type { LoggerService } from '@nestjs/common';
import type { AgentTask, Specialist } from '@slm-fleet/api';
import {
  Informer,
  LeaderElector,
  ServerSideApplier,
  WorkQueue,
  objectKey,
  workQueueMetrics,
  type ResourceRef,
} from '@slm-fleet/k8s';
import type { ControllerMetrics } from '@slm-fleet/telemetry';
import { QueueReader, RouterScraper, routerMetricsUrls } from '@slm-fleet/load-signals';
import { shadowStatsKey, type RedisClient } from '@slm-fleet/queue';
import { MANAGED_BY, SPECIALIST_LABEL } from '@slm-fleet/workloads';
import { Autoscaler } from './autoscaler/autoscaler.js';
import { gpuPoolOf } from './autoscaler/scaling-inputs.js';
import { ScalingObservations } from './autoscaler/scaling-observations.js';
import { SpecialistScaleWriter } from './autoscaler/specialist-scale-writer.js';
import type { OperatorConfig } from './config.js';
import { AgentTaskReconciler } from './controllers/agent-task-reconciler.js';
import { SpecialistReconciler } from './controllers/specialist-reconciler.js';
import { endpointCheck } from './endpoints/endpoint-check.js';
import { EndpointProbes } from './endpoints/endpoint-probes.js';
import { EventRecorder } from './events.js';
import { AGENT_TASKS, DEPLOYMENTS, NETWORK_POLICIES, NODES, PDBS, PODS, SERVICES, SPECIALISTS } from './resources.js';

export const FIELD_MANAGER = 'slm-fleet-operator';
const RECONCILE_CONCURRENCY = 4;
/** engine.kind openai endpoints are probed again this often (and at once on a spec change). */
const ENDPOINT_PROBE_INTERVAL_MS = 30_000;
/** AgentTasks with a shadow read their agreement counts from Redis again this often. */
const SHADOW_REFRESH_MS = 15_000;

const managedBy = Object.entries(MANAGED_BY)
  .map(([k, v]) => `${k}=${v}`)
  .join(',');

/**
 * The operator's moving parts: informers (run on every replica, so a standby is warm), one
 * work queue per kind (workers run only on the leader), and the leader election that
 * switches them on.
 */
export class OperatorRuntime {
  private readonly informers: Informer<KubernetesObject>[] = [];
  private readonly specialists: Informer<Specialist>;
  private readonly agentTasks: Informer<AgentTask>;
  private readonly specialistQueue: WorkQueue;
  private readonly agentTaskQueue: WorkQueue;
  private readonly elector: LeaderElector | undefined;
  private readonly autoscaler: Autoscaler | undefined;
  private readonly probes: EndpointProbes;
  /** The leader's periodic work beside the queues: endpoint probes, shadow counts. */
  private timers: NodeJS.Timeout[] = [];
  private stopping = false;

  /**
   * `redis` holds the queues the autoscaler reads and the routers' shadow counts; without it
   * Specialists keep their replicas and AgentTasks show no shadow agreement.
   */
  constructor(
    kubeConfig: KubeConfig,
    private readonly config: OperatorConfig,
    private readonly metrics: ControllerMetrics,
    private readonly logger: LoggerService,
    private readonly onLostLeadership: () => void,
    redis?: { client: RedisClient; queuePrefix: string },
  ) {
    const informer = <T extends KubernetesObject>(
      resource: ResourceRef,
      labelSelector?: string,
      scope: { clusterScoped?: boolean } = {},
    ): Informer<T> => {
      const created = new Informer<T>({
        kubeConfig,
        resource,
        namespaces: scope.clusterScoped ? [] : config.namespaces,
        logger,
        resyncPeriodMs: config.resyncSeconds * 1000,
        ...(labelSelector ? { labelSelector } : {}),
      });
      this.informers.push(created as unknown as Informer<KubernetesObject>);
      return created;
    };
    this.specialists = informer<Specialist>(SPECIALISTS);
    this.agentTasks = informer<AgentTask>(AGENT_TASKS);
    const deployments = informer<V1Deployment>(DEPLOYMENTS, managedBy);
    const services = informer(SERVICES, managedBy);
    const podDisruptionBudgets = informer(PDBS, managedBy);
    // Watched even when disabled: turning the policy off removes the ones already made.
    const networkPolicies = informer(NETWORK_POLICIES, managedBy);
    const pods = informer<V1Pod>(PODS, SPECIALIST_LABEL);

    this.specialistQueue = new WorkQueue({
      name: 'specialist',
      logger,
      hooks: workQueueMetrics(metrics, 'specialist'),
    });
    this.agentTaskQueue = new WorkQueue({ name: 'agenttask', logger, hooks: workQueueMetrics(metrics, 'agenttask') });

    const observations = new ScalingObservations();
    const identity = `${hostname()}-${process.pid}`;
    const applier = new ServerSideApplier(kubeConfig, FIELD_MANAGER);
    const objects = KubernetesObjectApi.makeApiClient(kubeConfig);
    const events = new EventRecorder(kubeConfig, logger, identity);
    this.probes = new EndpointProbes({
      check: endpointCheck(kubeConfig.makeApiClient(CoreV1Api)),
      onChange: (key) => this.specialistQueue.add(key),
      // Just under the interval: each tick re-probes what the last one probed.
      maxAgeMs: ENDPOINT_PROBE_INTERVAL_MS - 5_000,
    });
    const specialistReconciler = new SpecialistReconciler({
      specialists: this.specialists,
      deployments,
      pods,
      services,
      podDisruptionBudgets,
      networkPolicies,
      applier,
      deleteObject: async (object) => {
        try {
          await objects.delete(object as KubernetesObject, undefined, undefined, undefined, undefined, 'Background');
        } catch (error) {
          // Gone already (deleted by hand, or the informer had not seen a delete yet): done.
          if ((error as { code?: unknown }).code !== 404) throw error;
        }
      },
      events,
      settings: config.workloads,
      scalingOf: (key) => observations.get(key),
      endpointHealth: (specialist) => this.probes.healthOf(specialist),
      logger,
    });
    const agentTaskReconciler = new AgentTaskReconciler({
      agentTasks: this.agentTasks,
      specialists: this.specialists,
      applier,
      events,
      ...(redis
        ? {
            shadowStats: (namespace: string, task: string, shadow: string) =>
              redis.client.hgetall(shadowStatsKey(redis.queuePrefix, namespace, task, shadow)).catch(() => undefined),
          }
        : {}),
    });
    this.reconcileSpecialist = (key) => specialistReconciler.reconcile(key);
    this.reconcileAgentTask = (key) => agentTaskReconciler.reconcile(key);

    // Any change to a Specialist or one of its children re-reconciles the Specialist, and
    // re-resolves the AgentTasks of its namespace (their status shows its readiness).
    this.specialists.on(({ type, object }) => {
      if (type === 'resync') specialistReconciler.forgetApplied(objectKey(object));
      this.specialistQueue.add(objectKey(object));
      this.enqueueTasksOf(object.metadata.namespace);
    });
    for (const child of [deployments, pods, services, podDisruptionBudgets, networkPolicies]) {
      child.on(({ object }) => {
        const owner = object.metadata?.labels?.[SPECIALIST_LABEL];
        if (owner && object.metadata?.namespace) this.specialistQueue.add(`${object.metadata.namespace}/${owner}`);
      });
    }
    this.agentTasks.on(({ object }) => this.agentTaskQueue.add(objectKey(object)));

    this.autoscaler =
      redis && config.autoscaler.enabled
        ? new Autoscaler({
            specialists: this.specialists,
            agentTasks: this.agentTasks,
            pods,
            // Free GPUs are counted from the nodes, so the informer runs only when they are.
            ...(config.autoscaler.countFreeGpus
              ? { nodes: informer<V1Node>(NODES, undefined, { clusterScoped: true }) }
              : {}),
            queues: new QueueReader(redis.client, redis.queuePrefix),
            routers: new RouterScraper(routerUrls(kubeConfig, config)),
            writer: new SpecialistScaleWriter(kubeConfig),
            events,
            observations,
            onObserved: (key) => this.specialistQueue.add(key),
            gpuPoolOf: (specialist) => gpuPoolOf(specialist, config.workloads),
            intervalMs: config.autoscaler.intervalSeconds * 1000,
            metrics,
            logger,
          })
        : undefined;
    if (!this.autoscaler) logger.log({ msg: 'autoscaler off: Specialists keep the replicas they ask for' });

    this.elector = config.leaderElection.enabled
      ? new LeaderElector({
          kubeConfig,
          namespace: config.leaderElection.namespace,
          leaseName: config.leaderElection.leaseName,
          identity,
          logger,
          onStartedLeading: () => this.startWorkers(),
          onStoppedLeading: () => this.stoppedLeading(),
        })
      : undefined;
  }

  private readonly reconcileSpecialist: (key: string) => Promise<void>;
  private readonly reconcileAgentTask: (key: string) => Promise<void>;

  /** Starts the informers and, once they have synced, leader election (or the workers directly). */
  async start(): Promise<void> {
    for (const informer of this.informers) informer.start();
    await Promise.all(this.informers.map((i) => i.waitForSync()));
    this.logger.log({
      msg: 'caches synced',
      specialists: this.specialists.list().length,
      agentTasks: this.agentTasks.list().length,
    });
    if (this.elector) this.elector.start();
    else this.startWorkers();
  }

  hasSynced(): boolean {
    return this.informers.every((i) => i.hasSynced());
  }

  isLeader(): boolean {
    return this.elector ? this.elector.isLeader() : true;
  }

  /** Stops taking work, lets in-flight reconciles finish, releases the lease, stops watching. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const timer of this.timers) clearInterval(timer);
    await this.autoscaler?.stop();
    await Promise.all([this.specialistQueue.shutdown(), this.agentTaskQueue.shutdown()]);
    await this.elector?.stop({ release: true });
    await Promise.all(this.informers.map((i) => i.stop()));
  }

  private startWorkers(): void {
    this.metrics.leader.set(1);
    this.logger.log({ msg: 'leading: reconciling', specialists: this.specialists.list().length });
    this.specialistQueue.run(this.reconcileSpecialist, RECONCILE_CONCURRENCY);
    this.agentTaskQueue.run(this.reconcileAgentTask, RECONCILE_CONCURRENCY);
    for (const s of this.specialists.list()) this.specialistQueue.add(objectKey(s));
    for (const t of this.agentTasks.list()) this.agentTaskQueue.add(objectKey(t));
    this.autoscaler?.start();
    this.timers = [
      setInterval(() => this.refreshEndpoints(), ENDPOINT_PROBE_INTERVAL_MS),
      // The routers count shadow comparisons in Redis, which no informer watches.
      setInterval(() => {
        for (const t of this.agentTasks.list()) if (t.spec.shadow) this.agentTaskQueue.add(objectKey(t));
      }, SHADOW_REFRESH_MS),
    ];
  }

  /** Re-probes the endpoints of engine.kind openai Specialists; a changed answer reconciles one. */
  private refreshEndpoints(): void {
    const openai = this.specialists
      .list()
      .filter((s) => s.spec.engine.kind === 'openai' && !s.metadata.deletionTimestamp);
    this.probes.forgetAllBut(new Set(openai.map(objectKey)));
    this.probes.refresh(openai);
  }

  private stoppedLeading(): void {
    this.metrics.leader.set(0);
    if (this.stopping) return;
    // As controller-runtime does: a replica that lost the lease exits, and restarts as a standby,
    // rather than risk reconciling beside the new leader.
    this.logger.error({ msg: 'lost leadership; exiting' });
    this.onLostLeadership();
  }

  private enqueueTasksOf(namespace: string | undefined): void {
    for (const task of this.agentTasks.list()) {
      if (task.metadata.namespace === namespace) this.agentTaskQueue.add(objectKey(task));
    }
  }
}

/** The routers to scrape: the configured URLs, and one per ready pod of the routers' Service. */
function routerUrls(kubeConfig: KubeConfig, config: OperatorConfig): () => Promise<string[]> {
  const { routerMetricsUrls: fixed, routerService } = config.autoscaler;
  const discovery = kubeConfig.makeApiClient(DiscoveryV1Api);
  return async () => {
    if (!routerService) return fixed;
    const slices = await discovery.listNamespacedEndpointSlice({
      namespace: routerService.namespace,
      labelSelector: `kubernetes.io/service-name=${routerService.name}`,
    });
    return [...fixed, ...routerMetricsUrls(slices.items, routerService.port)];
  };
}
