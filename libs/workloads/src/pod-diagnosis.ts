import type { V1Pod } from '@kubernetes/client-node';

export type DegradedReason = 'InsufficientGPU' | 'Unschedulable' | 'EngineCrashLoop' | 'ImagePullFailed';

export interface Diagnosis {
  reason: DegradedReason;
  message: string;
}

const IMAGE_PULL_REASONS = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull']);

/**
 * Why a Specialist's pods are not serving, from their status, worst first: pods that
 * cannot be placed for lack of GPUs, other unschedulable pods, engines crash-looping,
 * images that cannot be pulled. Undefined when nothing is wrong.
 */
export function diagnosePods(pods: readonly V1Pod[], gpuResourceName: string): Diagnosis | undefined {
  const found: Diagnosis[] = [];
  for (const pod of pods) {
    // A pod on its way out (scaled down, replaced) is no reason to call the Specialist degraded.
    if (pod.metadata?.deletionTimestamp) continue;
    const name = pod.metadata?.name ?? '?';
    const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') {
      const message = scheduled.message ?? '';
      const reason = message.includes(`Insufficient ${gpuResourceName}`) ? 'InsufficientGPU' : 'Unschedulable';
      found.push({ reason, message: `pod ${name} cannot be scheduled: ${message}` });
    }
    for (const container of pod.status?.containerStatuses ?? []) {
      const waiting = container.state?.waiting;
      if (waiting?.reason === 'CrashLoopBackOff') {
        found.push({
          reason: 'EngineCrashLoop',
          message: `container ${container.name} of pod ${name} is crash-looping`,
        });
      } else if (waiting?.reason && IMAGE_PULL_REASONS.has(waiting.reason)) {
        found.push({
          reason: 'ImagePullFailed',
          message: `pod ${name} cannot pull ${container.image}: ${waiting.message ?? waiting.reason}`,
        });
      }
    }
  }
  const order: DegradedReason[] = ['InsufficientGPU', 'Unschedulable', 'EngineCrashLoop', 'ImagePullFailed'];
  found.sort((a, b) => order.indexOf(a.reason) - order.indexOf(b.reason));
  const worst = found[0];
  if (!worst) return undefined;
  const same = found.filter((d) => d.reason === worst.reason).length;
  return same > 1 ? { reason: worst.reason, message: `${worst.message} (and ${same - 1} more)` } : worst;
}
