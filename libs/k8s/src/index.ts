export { loadKubeConfig } from './kube-config.js';
export { KubeModule } from './kube.module.js';
export { systemClock, type Clock, type TimerHandle } from './clock.js';
export { ManualClock } from './manual-clock.js';
export { DEFAULT_BACKOFF, backoffDelay, type BackoffOptions } from './backoff.js';
export {
  WorkQueue,
  type KeyHandler,
  type ProcessOutcome,
  type ProcessResult,
  type WorkQueueHooks,
  type WorkQueueOptions,
} from './work-queue.js';
export { workQueueMetrics } from './work-queue-metrics.js';
export { collectionPath, objectKey, parseObjectKey, type ApiObject, type ResourceRef } from './resource.js';
export {
  Informer,
  type InformerEvent,
  type InformerEventType,
  type InformerHandler,
  type InformerOptions,
} from './informer.js';
export {
  DEFAULT_LEASE_DURATIONS,
  checkLeaseDurations,
  decide,
  renewDeadlinePassed,
  type LeaseAction,
  type LeaseDurations,
  type ObservedLease,
} from './lease-decision.js';
export { LeaderElector, type LeaderElectorOptions } from './leader-election.js';
export { ServerSideApplier, type WithStatus } from './server-side-apply.js';
export { ApplyTracker } from './apply-tracker.js';
