// The autoscaling policy: pure functions of signals, settings, state and time.
// The operator runs decideReplicas per Specialist, shares scarce GPUs between the
// scale-ups with shareGpus, and holds any Specialist whose pods cannot be placed with
// capForPlacement; bench/ replays the same functions against traces.
export { capForPlacement, type PlacementCap } from './cap-for-placement.js';
export { decideReplicas } from './decide-replicas.js';
export { initialPolicyState, noteReplicasSetElsewhere } from './policy-state.js';
export {
  parsePolicyState,
  planScaling,
  type SpecialistScalingInput,
  type SpecialistScalingPlan,
} from './plan-scaling.js';
export { policySpecOf, priorityOf } from './policy-spec-of.js';
// M/M/c queueing, which the policy sizes against a latency target; bench/'s oracle uses it too.
export { erlangC } from './queueing.js';
export { shareGpus } from './share-gpus.js';
export type {
  GpuGrant,
  GpuRequest,
  PolicyState,
  ScalingDecision,
  ScalingPolicySpec,
  SpecialistSignals,
} from './types.js';
// Signals: the routers' Prometheus metrics and the queue's counts, turned into policy inputs.
export { counterDeltas, ratesOf, type SpecialistRates } from './signals/rates.js';
export { OLDEST_SAMPLE, oldestTimestamp, queueSignalsFrom, type QueueSignals } from './signals/queue-signals.js';
export { parseRouterMetrics, sumRouterScrapes, type RouterScrape } from './signals/router-metrics.js';
