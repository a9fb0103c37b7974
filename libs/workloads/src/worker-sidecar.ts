import type { V1Container, V1Lifecycle } from '@kubernetes/client-node';
import { DEFAULT_CALL_TIMEOUT_SECONDS, type Specialist, type SpecialistSpec } from '@slm-fleet/api';
import { specialistQueueName } from '@slm-fleet/queue';

export const WORKER_HTTP_PORT = 8082;
/** The worker sidecar's container name (test harnesses find the worker's settings by it). */
export const WORKER_CONTAINER_NAME = 'worker';

/** Time the engine gets to stop after its SIGTERM, once the worker no longer needs it. */
export const ENGINE_STOP_SECONDS = 30;

/**
 * Both containers' preStop hook: the worker's GET /drain, which answers once its calls have
 * finished or gone back to the queue. On the worker it starts the drain before its SIGTERM;
 * on the engine it holds the engine's SIGTERM (sent to every container at once otherwise)
 * until the worker is done with it, so no call is cut.
 */
export const WORKER_DRAIN_HOOK: V1Lifecycle = { preStop: { httpGet: { path: '/drain', port: WORKER_HTTP_PORT } } };

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
}

/**
 * The worker beside the engine: pulls the Specialist's queue with the engine's concurrency
 * and calls the engine on localhost. Runs locked down (non-root, read-only root filesystem,
 * no capabilities): it needs nothing else.
 */
export function workerContainer(specialist: Specialist, engineUrl: string, settings: WorkerSettings): V1Container {
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
      { name: 'SLM_FLEET_MODEL', value: specialist.spec.model.servedName ?? name },
      { name: 'SLM_FLEET_DRAIN_TIMEOUT', value: `${callTimeoutSeconds(specialist.spec)}s` },
    ],
    ports: [{ name: 'http-worker', containerPort: WORKER_HTTP_PORT }],
    readinessProbe: { httpGet: { path: '/readyz', port: WORKER_HTTP_PORT }, periodSeconds: 5 },
    livenessProbe: { httpGet: { path: '/healthz', port: WORKER_HTTP_PORT }, periodSeconds: 15, failureThreshold: 3 },
    lifecycle: WORKER_DRAIN_HOOK,
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
