// Our policy, `decideReplicas` from @slm-fleet/autoscaling, every 5 s, fed the signals the
// operator reads from Redis and the routers. The state it returns is passed back next time,
// as the operator does through the Specialist's annotation.
import {
  decideReplicas,
  initialPolicyState,
  type PolicyState,
  type ScalingPolicySpec,
  type SpecialistSignals,
} from '@slm-fleet/autoscaling';
import type { Controller, Observation } from './controller.js';

export const OURS_INTERVAL_SECONDS = 5;
/** Simulated time 0 as epoch ms: the policy works in wall-clock milliseconds. */
export const EPOCH_MS = Date.UTC(2026, 0, 1);

export function toSignals(o: Observation, intervalSeconds: number): SpecialistSignals {
  return {
    at: EPOCH_MS + o.now * 1000,
    waiting: o.waiting,
    active: o.active,
    arrivalRate: o.arrivedInInterval / intervalSeconds,
    serviceTimeSeconds: o.serviceTimeSeconds,
    oldestWaitingSeconds: o.oldestWaitingSeconds,
    readyReplicas: o.readyReplicas,
    currentReplicas: o.currentReplicas,
    latencySeconds: o.latencyP99Seconds,
  };
}

export function oursController(spec: ScalingPolicySpec): Controller {
  let state: PolicyState = initialPolicyState();
  return {
    name: 'ours',
    intervalSeconds: OURS_INTERVAL_SECONDS,
    initialReplicas: spec.minReplicas,
    decide: (o) => {
      const signals = toSignals(o, OURS_INTERVAL_SECONDS);
      const decision = decideReplicas(spec, signals, state, signals.at);
      state = decision.state;
      return decision.replicas;
    },
  };
}
