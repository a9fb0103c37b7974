// One control interval of the autoscaler for a whole fleet, as a pure function: each
// Specialist's decision, held while its pods cannot be placed, then free GPUs shared among
// the scale-ups by task priority. The operator loop reads the inputs and applies the outputs.
import { capForPlacement } from './cap-for-placement.js';
import { decideReplicas } from './decide-replicas.js';
import { initialPolicyState } from './policy-state.js';
import { shareGpus } from './share-gpus.js';
import type { PolicyState, ScalingPolicySpec, SpecialistSignals } from './types.js';

export interface SpecialistScalingInput {
  /** namespace/name */
  specialist: string;
  spec: ScalingPolicySpec;
  signals: SpecialistSignals;
  /** The state kept from the last interval; undefined after a restart with nothing stored. */
  state: PolicyState | undefined;
  /** Pods of this Specialist Pending because no node can take them. */
  pendingUnschedulable: number;
  gpusPerReplica: number;
  /** The highest priority among the tasks it serves (a higher one gets free GPUs first). */
  priority: number;
}

export interface SpecialistScalingPlan {
  specialist: string;
  /** The replica count to ask for. */
  replicas: number;
  /** True when it differs from the count asked for now. */
  changed: boolean;
  /** Why, for events and status. */
  reason: string;
  state: PolicyState;
  /** Set when it wanted more than it gets: pods cannot be placed, or GPUs went to others. */
  limitedBy?: string | undefined;
}

/**
 * Plans one interval. `freeGpus` is what the cluster can still place, or undefined when not
 * known (then only the placement hold applies).
 */
export function planScaling(
  inputs: readonly SpecialistScalingInput[],
  freeGpus: number | undefined,
  now: number,
): SpecialistScalingPlan[] {
  const decided = inputs.map((input) => {
    const decision = decideReplicas(input.spec, input.signals, input.state ?? initialPolicyState(), now);
    const cap = capForPlacement(decision.replicas, input.signals.currentReplicas, input.pendingUnschedulable);
    return { input, decision, cap };
  });
  const grants =
    freeGpus === undefined
      ? undefined
      : new Map(
          shareGpus(
            decided.map(({ input, cap }) => ({
              specialist: input.specialist,
              priority: input.priority,
              currentReplicas: input.signals.currentReplicas,
              desiredReplicas: cap.replicas,
              gpusPerReplica: input.gpusPerReplica,
            })),
            freeGpus,
          ).map((grant) => [grant.specialist, grant]),
        );

  return decided.map(({ input, decision, cap }) => {
    const grant = grants?.get(input.specialist);
    const replicas = grant ? Math.min(grant.replicas, cap.replicas) : cap.replicas;
    const limitedBy = cap.capped ? cap.reason : grant?.shortBy;
    return {
      specialist: input.specialist,
      replicas,
      changed: replicas !== input.signals.currentReplicas,
      reason: limitedBy ? `${decision.reason}; ${limitedBy}` : decision.reason,
      state: decision.state,
      ...(limitedBy ? { limitedBy } : {}),
    };
  });
}

/**
 * Reads a stored state (an annotation's JSON). Anything unreadable gives undefined, so the
 * policy starts afresh: it then holds the current count for a whole window before scaling
 * down, which is the safe way to forget.
 */
export function parsePolicyState(text: string | undefined): PolicyState | undefined {
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null) return undefined;
    const { recommendations } = value as { recommendations?: unknown };
    const valid =
      Array.isArray(recommendations) &&
      recommendations.every(
        (r: unknown) =>
          typeof r === 'object' &&
          r !== null &&
          Number.isFinite((r as { at?: unknown }).at) &&
          Number.isInteger((r as { replicas?: unknown }).replicas),
      );
    return valid ? (value as PolicyState) : undefined;
  } catch {
    return undefined;
  }
}
