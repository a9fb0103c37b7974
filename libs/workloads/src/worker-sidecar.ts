import type { V1Container, V1Deployment, V1EnvVar, V1Lifecycle } from '@kubernetes/client-node';
import { DEFAULT_CALL_TIMEOUT_SECONDS, servedModelName, type Specialist, type SpecialistSpec } from '@slm-fleet/api';
import { DEFAULT_QUEUE_PREFIX, specialistQueueName } from '@slm-fleet/queue';

export const WORKER_HTTP_PORT = 8082;
/** The worker sidecar's container name (test harnesses find the worker's settings by it). */
export const WORKER_CONTAINER_NAME = 'worker';

/** Time the engine gets to stop after its SIGTERM, once the worker no longer needs it. */
export const ENGINE_STOP_SECONDS = 30;

/** The worker's variable holding the drain token GET /drain requires. */
export const DRAIN_TOKEN_ENV = 'SLM_FLEET_DRAIN_TOKEN';

/**
 * Both containers' preStop hook: the worker's GET /drain, which answers once its calls have
 * finished or gone back to the queue. On the worker it starts the drain before its SIGTERM;
 * on the engine it holds the engine's SIGTERM (sent to every container at once otherwise)
 * until the worker is done with it, so no call is cut. The kubelet calls from the node, so
 * the hook carries the drain token (without one the worker answers loopback callers only).
 */
export function workerDrainHook(drainToken: string | undefined): V1Lifecycle {
  const headers =
    drainToken === undefined ? {} : { httpHeaders: [{ name: 'Authorization', value: `Bearer ${drainToken}` }] };
  return { preStop: { httpGet: { path: '/drain', port: WORKER_HTTP_PORT, ...headers } } };
}

/**
 * The drain token of a Deployment the operator rendered (its worker container's
 * SLM_FLEET_DRAIN_TOKEN), so a reconcile renders the same one again and never rolls the pods.
 */
export function drainTokenOf(deployment: V1Deployment | undefined): string | undefined {
  const worker = deployment?.spec?.template?.spec?.containers?.find((c) => c.name === WORKER_CONTAINER_NAME);
  const value = worker?.env?.find((e) => e.name === DRAIN_TOKEN_ENV)?.value;
  return value ? value : undefined;
}

/** How long the worker's drain waits for calls before handing the rest back. */
export function callTimeoutSeconds(spec: SpecialistSpec): number {
  return spec.engine.callTimeoutSeconds ?? DEFAULT_CALL_TIMEOUT_SECONDS;
}

/**
 * The pod's termination grace: the kubelet counts the preStop hooks in it, so the drain
 * (at most the call timeout) comes first, then the engine's stop.
 */
export function terminationGraceSeconds(spec: SpecialistSpec): number {
  return callTimeoutSeconds(spec) + ENGINE_STOP_SECONDS;
}

export interface WorkerSettings {
  /** The slm-fleet image; the sidecar runs its `worker` subcommand. */
  image: string;
  /** The Secret (and key) holding REDIS_URL: by reference, never inlined. */
  redisSecret: { name: string; key: string };
  /**
   * The operator's own queue prefix and Redis Cluster mode: the workers must use the same keys
   * as the routers, or their queues are other keys and nothing serves the calls.
   */
  queue?: { prefix: string; cluster: boolean };
}

/**
 * The worker beside the engine: pulls the Specialist's queue with the engine's concurrency
 * and calls the engine on localhost. Runs locked down (non-root, read-only root filesystem,
 * no capabilities): it needs nothing else. `drainToken` (the operator always gives one) is
 * what GET /drain then requires.
 */
export function workerContainer(
  specialist: Specialist,
  engineUrl: string,
  settings: WorkerSettings,
  drainToken?: string,
): V1Container {
  const { name, namespace } = specialist.metadata;
  return {
    name: WORKER_CONTAINER_NAME,
    image: settings.image,
    args: ['worker', '--host', '0.0.0.0', '--http-port', String(WORKER_HTTP_PORT)],
    env: [
      {
        name: 'REDIS_URL',
        valueFrom: { secretKeyRef: { name: settings.redisSecret.name, key: settings.redisSecret.key } },
      },
      { name: 'SLM_FLEET_SPECIALIST', value: `${namespace}/${name}` },
      { name: 'SLM_FLEET_QUEUE', value: specialistQueueName(namespace, name) },
      { name: 'SLM_FLEET_CONCURRENCY', value: String(specialist.spec.engine.maxConcurrency) },
      { name: 'SLM_FLEET_ENGINE_URL', value: engineUrl },
      { name: 'SLM_FLEET_MODEL', value: servedModelName(specialist) },
      { name: 'SLM_FLEET_DRAIN_TIMEOUT', value: `${callTimeoutSeconds(specialist.spec)}s` },
      ...(drainToken === undefined ? [] : [{ name: DRAIN_TOKEN_ENV, value: drainToken }]),
      ...queueEnv(settings.queue),
    ],
    ports: [{ name: 'http-worker', containerPort: WORKER_HTTP_PORT }],
    readinessProbe: { httpGet: { path: '/readyz', port: WORKER_HTTP_PORT }, periodSeconds: 5 },
    livenessProbe: { httpGet: { path: '/healthz', port: WORKER_HTTP_PORT }, periodSeconds: 15, failureThreshold: 3 },
    lifecycle: workerDrainHook(drainToken),
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
    securityContext: {
      runAsNonRoot: true,
      runAsUser: 65532,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    },
    volumeMounts: [{ name: 'worker-tmp', mountPath: '/tmp' }],
  };
}

/** SLM_FLEET_QUEUE_PREFIX and REDIS_CLUSTER as the operator runs, when not the defaults (templates stay as they were). */
function queueEnv(queue: WorkerSettings['queue']): V1EnvVar[] {
  return [
    ...(queue && queue.prefix !== DEFAULT_QUEUE_PREFIX
      ? [{ name: 'SLM_FLEET_QUEUE_PREFIX', value: queue.prefix }]
      : []),
    ...(queue?.cluster ? [{ name: 'REDIS_CLUSTER', value: 'true' }] : []),
  ];
}
