// Builders for the policy specs: one field varied at a time, and a loop that feeds a
// sequence of samples through successive decisions as the operator would.
import { decideReplicas } from './decide-replicas.js';
import { initialPolicyState } from './policy-state.js';
import type { PolicyState, ScalingDecision, ScalingPolicySpec, SpecialistSignals } from './types.js';

export const T0 = 1_700_000_000_000;
export const INTERVAL_MS = 10_000;

export function specWith(overrides: Partial<ScalingPolicySpec> = {}): ScalingPolicySpec {
  return {
    minReplicas: 0,
    maxReplicas: 20,
    targetQueuePerReplica: 4,
    maxConcurrency: 4,
    scaleDownDelaySeconds: 300,
    ...overrides,
  };
}

export function signalsWith(overrides: Partial<SpecialistSignals> = {}): SpecialistSignals {
  return {
    at: T0,
    waiting: 0,
    active: 0,
    arrivalRate: undefined,
    serviceTimeSeconds: undefined,
    oldestWaitingSeconds: 0,
    readyReplicas: 0,
    currentReplicas: 0,
    ...overrides,
  };
}

export interface RunOptions {
  start?: number;
  state?: PolicyState;
  currentReplicas?: number;
  /** Passes each state through JSON between decisions, as a restarted operator would read it. */
  roundTrip?: boolean;
}

/**
 * One decision per sample, INTERVAL_MS apart; each decision's replicas become the next
 * sample's current count (the operator applied it), unless the sample sets its own.
 */
export function run(
  spec: ScalingPolicySpec,
  samples: Partial<SpecialistSignals>[],
  options: RunOptions = {},
): ScalingDecision[] {
  let state = options.state ?? initialPolicyState();
  let current = options.currentReplicas ?? 0;
  const start = options.start ?? T0;
  return samples.map((sample, index) => {
    const now = start + index * INTERVAL_MS;
    const signals = signalsWith({ at: now, currentReplicas: current, readyReplicas: current, ...sample });
    const made = decideReplicas(spec, signals, state, now);
    state = options.roundTrip ? (JSON.parse(JSON.stringify(made.state)) as PolicyState) : made.state;
    current = made.replicas;
    return made;
  });
}

/** The replica counts of a run. */
export const replicasOf = (decisions: ScalingDecision[]): number[] => decisions.map((made) => made.replicas);

/** `count` copies of a sample. */
export const repeat = (count: number, sample: Partial<SpecialistSignals>): Partial<SpecialistSignals>[] =>
  Array.from({ length: count }, () => sample);
