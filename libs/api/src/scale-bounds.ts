// `kubectl scale --replicas=7` on a Specialist whose scaling.maxReplicas is 4: the scale
// subresource takes any count, and in managed mode the Deployment gets it clamped to the bounds.
// The API server cannot refuse it (HPA and KEDA write the same field, and external mode has no
// bounds), so the status says what runs instead, naming both numbers.
import type { Condition } from './conditions.js';
import { setCondition } from './conditions.js';
import type { SpecialistSpec } from './specialist.js';

/** Present, with status True, while spec.replicas is outside the scaling bounds of managed mode. */
export const REPLICAS_LIMITED = 'ReplicasLimited';

export interface ScaleBoundsDecision {
  reason: 'AboveMaxReplicas';
  message: string;
}

/**
 * Why the replica count asked for (spec.replicas) is not the one that runs, if it asks for more
 * than scaling.maxReplicas. Below scaling.minReplicas is not reported: spec.replicas defaults to
 * 1, so every Specialist with minReplicas above 1 would carry the condition until scaled.
 */
export function replicasOutsideBounds(spec: SpecialistSpec): ScaleBoundsDecision | undefined {
  if (spec.scaling.mode !== 'managed' || spec.replicas === undefined) return undefined;
  const { maxReplicas } = spec.scaling;
  if (spec.replicas <= maxReplicas) return undefined;
  return {
    reason: 'AboveMaxReplicas',
    message: `spec.replicas is ${spec.replicas} but scaling.maxReplicas is ${maxReplicas}: ${maxReplicas} run. In managed mode replicas stay within the scaling bounds: raise scaling.maxReplicas, or set scaling.mode external to size the Specialist with kubectl scale, HPA or KEDA`,
  };
}

/** `conditions` with the ReplicasLimited condition set while the count is clamped, removed otherwise. */
export function withScaleBounds(
  conditions: readonly Condition[],
  spec: SpecialistSpec,
  generation: number | undefined,
  now: string,
): Condition[] {
  const decision = replicasOutsideBounds(spec);
  if (!decision) return conditions.filter((c) => c.type !== REPLICAS_LIMITED);
  return setCondition(
    conditions,
    {
      type: REPLICAS_LIMITED,
      status: 'True',
      ...decision,
      ...(generation === undefined ? {} : { observedGeneration: generation }),
    },
    now,
  );
}
