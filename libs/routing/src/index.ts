export { agentTaskStatus, specialistIsReady } from './agent-task-status.js';
export {
  buildRoutingTable,
  pickRoute,
  DEFAULT_TASK_POLICY,
  DEFAULT_MAX_WAITING,
  type FallbackRoute,
  type FallbackTriggers,
  type ShadowRoute,
  type SpecialistRoute,
  type TaskRoute,
} from './routing-table.js';
export { shedding, taskNotFound } from './admission.js';
export {
  fallbackForFailure,
  isLowConfidence,
  meanLogprob,
  needsLogprobs,
  placeCall,
  repairBeforeFallback,
  sendToShadow,
  type FallbackReason,
  type Placement,
  type QueueLoad,
  type Tier,
} from './fallback.js';
export {
  compareAnswers,
  schemaCheckOf,
  jsonEqual,
  normaliseWords,
  textSimilarity,
  DEFAULT_SIMILARITY_THRESHOLD,
  type AgreementKind,
  type AnswerAgreement,
  type ComparableAnswer,
  type ComparableTool,
  type ComparableToolCall,
  type CompareAnswersInput,
  type DisagreementReason,
  type FieldComparison,
  type SchemaCheck,
  type SchemaValidatorSource,
} from './agreement.js';
export {
  predictQueueWaitMs,
  shouldOverflow,
  overflowOnArrival,
  recentServiceStats,
  RECENT_SERVICE_WINDOW,
  SERVICE_TAIL_QUANTILE,
  type QueueState,
  type OverflowInput,
} from './overflow.js';
