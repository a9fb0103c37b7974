// From cluster objects to the policy's inputs: pure, so each rule is tested without a cluster.
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import type { Specialist } from '@slm-fleet/api';
import { placementFor } from '@slm-fleet/placement';
import { desiredReplicas, type WorkloadSettings } from '@slm-fleet/workloads';

/** The GPUs a Specialist's pods can land on: one resource, on nodes of its GPU profiles. */
export interface GpuPool {
  /** Specialists with the same key share the pool's free GPUs. */
  key: string;
  resourceName: string;
  /** A node is in the pool when it has every label of one of these. */
  nodeSelectors: Record<string, string>[];
}

/** Replicas asked for now: spec.replicas within the bounds, as the Deployment gets it. */
export function currentReplicasOf(specialist: Specialist): number {
  return desiredReplicas(specialist.spec);
}

export function gpusPerReplicaOf(specialist: Specialist): number {
  return specialist.spec.resources?.gpu.count ?? 0;
}

/** The pool of a Specialist with GPUs; undefined without GPUs or with profiles the reconciler rejects. */
export function gpuPoolOf(specialist: Specialist, settings: WorkloadSettings): GpuPool | undefined {
  const gpu = specialist.spec.resources?.gpu;
  if (!gpu || gpu.count === 0) return undefined;
  const names = gpu.profiles ?? settings.defaultGpuProfiles;
  let resourceName: string;
  try {
    resourceName = placementFor(names, settings.gpuProfiles).resourceName;
  } catch {
    return undefined; // reported by the reconciler as InvalidSpec
  }
  const profiles = settings.gpuProfiles.filter((p) => names.includes(p.name));
  return {
    key: `${resourceName} on ${[...names].sort().join(',')}`,
    resourceName,
    nodeSelectors: profiles.map((p) => p.nodeSelector),
  };
}

/** Pods the scheduler tried and could not place (PodScheduled=False, Unschedulable). */
export function pendingUnschedulableOf(pods: readonly V1Pod[]): number {
  return pods.filter(
    (pod) =>
      !pod.metadata?.deletionTimestamp &&
      pod.status?.conditions?.some(
        (c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable',
      ),
  ).length;
}

/**
 * GPUs of a pool the cluster can still place: allocatable on its Ready, schedulable nodes,
 * less what pods request there, less `promised` (replicas asked for whose pods do not exist
 * yet). `pods` are the pods bound to nodes plus the pool's own pods not bound yet (a Pending
 * pod takes its GPU first). GPUs taken by pods slm-fleet does not run are not seen; pods that
 * then cannot be placed stop further scale-ups (capForPlacement).
 */
export function freeGpusOf(nodes: readonly V1Node[], pods: readonly V1Pod[], pool: GpuPool, promised: number): number {
  const inPool = new Set<string>();
  let allocatable = 0;
  for (const node of nodes) {
    const ready = node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
    if (!ready || node.spec?.unschedulable || !matchesPool(node, pool)) continue;
    inPool.add(node.metadata?.name ?? '');
    allocatable += wholeNumber(node.status?.allocatable?.[pool.resourceName]);
  }
  let requested = 0;
  for (const pod of pods) {
    if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') continue;
    const node = pod.spec?.nodeName;
    if (node === undefined || inPool.has(node)) requested += gpuRequestOf(pod, pool.resourceName);
  }
  return Math.max(0, allocatable - requested - promised);
}

function matchesPool(node: V1Node, pool: GpuPool): boolean {
  const labels = node.metadata?.labels ?? {};
  return pool.nodeSelectors.some((selector) => Object.entries(selector).every(([k, v]) => labels[k] === v));
}

function gpuRequestOf(pod: V1Pod, resourceName: string): number {
  let total = 0;
  for (const container of pod.spec?.containers ?? []) {
    const { requests, limits } = container.resources ?? {};
    // Extended resources are requested through limits; a request, when set, must equal them.
    total += wholeNumber(requests?.[resourceName] ?? limits?.[resourceName]);
  }
  return total;
}

/** Extended resources are whole numbers; anything else counts as none. */
function wholeNumber(quantity: string | undefined): number {
  const value = Number(quantity);
  return Number.isInteger(value) && value > 0 ? value : 0;
}
