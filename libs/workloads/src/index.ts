export { desiredReplicas } from './replicas.js';
export { diagnosePods, type DegradedReason, type Diagnosis } from './pod-diagnosis.js';
export {
  specialistStatus,
  type ObservedDeployment,
  type ScalingObservation,
  type StatusInput,
} from './specialist-status.js';
export { desiredObjects, type DesiredObjects, type WorkloadInputs, type WorkloadSettings } from './desired-objects.js';
export { commonLabels, selectorLabels, selectorString, SPECIALIST_LABEL, MANAGED_BY } from './labels.js';
export {
  drainTokenOf,
  workerContainer,
  DRAIN_TOKEN_ENV,
  WORKER_CONTAINER_NAME,
  WORKER_HTTP_PORT,
  type WorkerSettings,
} from './worker-sidecar.js';
export { type SpecialistNetworkPolicySettings } from './network-policy.js';
export {
  classifyProbe,
  shownUrl,
  type EndpointHealth,
  type EndpointReason,
  type ProbedEndpoint,
  type ProbeOutcome,
} from './endpoint-health.js';
export { ENGINE_API_KEY_ENV, openaiWorkerArgs } from './openai-worker.js';
