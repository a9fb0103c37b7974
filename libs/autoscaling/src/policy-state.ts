// The memory the policy carries between decisions: plain JSON, so it survives an operator
// restart through an annotation and replays identically.
import type { PolicyState } from './types.js';

/** The state of a Specialist never decided for: no recommendations, idle clock not started. */
export function initialPolicyState(): PolicyState {
  return { recommendations: [] };
}

/**
 * The recommendations still inside the scale-down window, oldest first. An empty window
 * (first decision, or the operator was down longer than the window) is seeded with the
 * current count: the policy has not watched the load for a whole window yet, so it must
 * not scale down before it has.
 */
export function windowOf(
  state: PolicyState,
  now: number,
  delayMs: number,
  current: number,
): PolicyState['recommendations'] {
  const kept = state.recommendations.filter((entry) => entry.at > now - delayMs);
  if (kept.length > 0 || delayMs <= 0) return kept.map((entry) => ({ ...entry }));
  return [{ at: now, replicas: current }];
}

/**
 * The state after someone else set the replica count (`kubectl scale`, a pipeline): the count
 * they chose joins the window as a recommendation, so it holds for one scale-down delay
 * before the policy takes over again, like a bump the load asked for. `lastAsked` is the
 * count the autoscaler last asked for or saw; undefined when it has not seen the Specialist.
 */
export function noteReplicasSetElsewhere(
  state: PolicyState | undefined,
  current: number,
  lastAsked: number | undefined,
  now: number,
): PolicyState | undefined {
  if (lastAsked === undefined || lastAsked === current) return state;
  const recommendations = [...(state?.recommendations ?? []), { at: now, replicas: current }];
  return { ...(state ?? initialPolicyState()), recommendations };
}
