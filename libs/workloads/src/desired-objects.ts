import type {
  V1Affinity,
  V1Deployment,
  V1NetworkPolicy,
  V1PodDisruptionBudget,
  V1PodSpec,
  V1Service,
} from '@kubernetes/client-node';
import { servedModelName, type Specialist } from '@slm-fleet/api';
import { renderEngine, type EngineWorkload } from '@slm-fleet/engines';
import { placementFor, type GpuProfile, type Placement } from '@slm-fleet/placement';
import { commonLabels, ownerReference, selectorLabels } from './labels.js';
import { specialistNetworkPolicy, type SpecialistNetworkPolicySettings } from './network-policy.js';
import { openaiWorkerPod } from './openai-worker.js';
import { desiredReplicas } from './replicas.js';
import {
  WORKER_HTTP_PORT,
  terminationGraceSeconds,
  workerContainer,
  workerDrainHook,
  type WorkerSettings,
} from './worker-sidecar.js';

export interface WorkloadSettings {
  worker: WorkerSettings;
  gpuProfiles: GpuProfile[];
  /** Used when a Specialist names no profile. */
  defaultGpuProfiles: string[];
  /**
   * The image of each engine kind, over slm-fleet's defaults (a registry mirror, a pinned
   * build); a Specialist's own `engine.image` wins over both.
   */
  engineImages?: Partial<Record<string, string>>;
  /** Absent or disabled: the pods get no NetworkPolicy (and the operator removes one it made). */
  networkPolicy?: SpecialistNetworkPolicySettings;
}

/** What a render takes beyond the Specialist and the settings: values made at the edge. */
export interface WorkloadInputs {
  /**
   * The bearer token of the worker's GET /drain, in the worker's env and both preStop hooks.
   * The operator makes one when it first creates the Deployment and reads it back after
   * (drainTokenOf), so the template never changes for it. Absent: no token (the worker then
   * answers loopback callers only, which the kubelet is not).
   */
  drainToken?: string;
}

export interface DesiredObjects {
  deployment: V1Deployment;
  service: V1Service;
  podDisruptionBudget: V1PodDisruptionBudget;
  /** Only ingress the pods need; absent when the settings turn it off. */
  networkPolicy?: V1NetworkPolicy;
  /** The GPU resource the pods request (for diagnosing why they do not schedule). */
  gpuResourceName: string;
}

/**
 * The children a Specialist should have: a Deployment (engine + worker sidecar; for engine.kind
 * openai the workers alone), a Service, a PodDisruptionBudget and, when enabled, a
 * NetworkPolicy. Every engine gets the same kinds of children, so switching engines is an apply,
 * never a delete. Pure: the same Specialist, settings and inputs give the same objects, so
 * applying them is idempotent.
 */
export function desiredObjects(
  specialist: Specialist,
  settings: WorkloadSettings,
  inputs: WorkloadInputs = {},
): DesiredObjects {
  const { spec } = specialist;
  if (spec.engine.kind === 'openai') {
    return children(specialist, openaiWorkerPod(specialist, settings.worker, inputs.drainToken), undefined, settings);
  }
  const gpuCount = spec.resources?.gpu.count ?? 0;
  const placement =
    gpuCount > 0
      ? placementFor(spec.resources?.gpu.profiles ?? settings.defaultGpuProfiles, settings.gpuProfiles)
      : undefined;
  const image = imageOf(spec.engine, settings);
  const engine = renderEngine({
    kind: spec.engine.kind,
    ...(image ? { image } : {}),
    ...(spec.engine.args ? { extraArgs: spec.engine.args } : {}),
    ...(spec.engine.env ? { env: spec.engine.env } : {}),
    model: { uri: spec.model.uri, servedName: servedModelName(specialist) },
    adapters: spec.model.adapters ?? [],
    ...(spec.engine.toolCallParser !== undefined ? { toolCallParser: spec.engine.toolCallParser } : {}),
    maxConcurrency: spec.engine.maxConcurrency,
    gpuCount,
    ...(placement ? { gpuResourceName: placement.resourceName } : {}),
    ...(spec.model.credentials
      ? { credentials: { secretName: spec.model.credentials.name, key: spec.model.credentials.key } }
      : {}),
    ...(spec.resources?.cpu !== undefined ? { cpu: String(spec.resources.cpu) } : {}),
    ...(spec.resources?.memory !== undefined ? { memory: String(spec.resources.memory) } : {}),
  });
  const pod = podSpec(specialist, engine, placement, settings, inputs.drainToken);
  return {
    ...children(specialist, pod, engine.port, settings, gpuCount > 0),
    gpuResourceName: placement?.resourceName ?? 'nvidia.com/gpu',
  };
}

/** The children around a pod template; `enginePort` is absent when the pods run no engine. */
function children(
  specialist: Specialist,
  pod: V1PodSpec,
  enginePort: number | undefined,
  settings: WorkloadSettings,
  usesGpus = false,
): DesiredObjects {
  const metadata = {
    name: specialist.metadata.name,
    namespace: specialist.metadata.namespace,
    labels: commonLabels(specialist),
    ownerReferences: [ownerReference(specialist)],
  };
  const ports = [WORKER_HTTP_PORT, ...(enginePort === undefined ? [] : [enginePort])];
  return {
    deployment: deployment(specialist, metadata, pod, usesGpus),
    service: service(metadata, enginePort, selectorLabels(specialist)),
    podDisruptionBudget: {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata,
      // Pods that are not running yet (Pending for GPUs, crash-looping) must not block node drains.
      spec: {
        maxUnavailable: 1,
        selector: { matchLabels: selectorLabels(specialist) },
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      },
    },
    ...(settings.networkPolicy?.enabled
      ? { networkPolicy: specialistNetworkPolicy(metadata, selectorLabels(specialist), ports, settings.networkPolicy) }
      : {}),
    gpuResourceName: 'nvidia.com/gpu',
  };
}

type ChildMetadata = NonNullable<V1Deployment['metadata']>;

function deployment(specialist: Specialist, metadata: ChildMetadata, pod: V1PodSpec, usesGpus: boolean): V1Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata,
    spec: {
      replicas: desiredReplicas(specialist.spec),
      selector: { matchLabels: selectorLabels(specialist) },
      // GPUs are rarely spare: replace a pod in place rather than surge one more.
      strategy: usesGpus
        ? { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } }
        : { type: 'RollingUpdate' },
      template: { metadata: { labels: commonLabels(specialist) }, spec: pod },
    },
  };
}

function podSpec(
  specialist: Specialist,
  engine: EngineWorkload,
  placement: Placement | undefined,
  settings: WorkloadSettings,
  drainToken: string | undefined,
): V1PodSpec {
  const extra = specialist.spec.placement;
  const affinity = mergeAffinity(placement?.nodeAffinity, extra?.affinity as V1Affinity | undefined);
  return {
    // The engine's preStop waits for the worker's drain: see workerDrainHook.
    containers: [
      { ...engine.container, lifecycle: workerDrainHook(drainToken) },
      workerContainer(specialist, engine.openaiBaseUrl, settings.worker, drainToken),
    ],
    volumes: [...engine.volumes, { name: 'worker-tmp', emptyDir: {} }],
    // The pods call nothing in the cluster API.
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
    terminationGracePeriodSeconds: terminationGraceSeconds(specialist.spec),
    tolerations: [...(placement?.tolerations ?? []), ...(extra?.tolerations ?? [])],
    ...(extra?.nodeSelector ? { nodeSelector: extra.nodeSelector } : {}),
    ...(affinity ? { affinity } : {}),
    ...(extra?.priorityClassName ? { priorityClassName: extra.priorityClassName } : {}),
  };
}

/** The GPU profile decides node affinity; a user affinity adds pod (anti-)affinity to it. */
function mergeAffinity(
  nodeAffinity: V1Affinity['nodeAffinity'] | undefined,
  user: V1Affinity | undefined,
): V1Affinity | undefined {
  if (!nodeAffinity && !user) return undefined;
  return { ...user, ...(nodeAffinity ? { nodeAffinity } : {}) };
}

/** The pods' ports by name, for scrapers (the worker's /metrics; the engine's when there is one). */
function service(metadata: ChildMetadata, enginePort: number | undefined, selector: Record<string, string>): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata,
    spec: {
      selector,
      ports: [
        ...(enginePort === undefined ? [] : [{ name: 'http-engine', port: enginePort, targetPort: enginePort }]),
        { name: 'http-worker', port: WORKER_HTTP_PORT, targetPort: WORKER_HTTP_PORT },
      ],
    },
  };
}

function imageOf(engine: Specialist['spec']['engine'], settings: WorkloadSettings): string | undefined {
  return engine.image ?? settings.engineImages?.[engine.kind];
}
