// The engine simulator's logic, free of I/O: what to answer, when each token is due, who gets
// a batch slot, which faults to inject. apps/engine-sim serves it over HTTP.
export { ApiError, type OpenAiErrorBody } from './api-error.js';
export {
  planAnswer,
  type AnswerFaults,
  type AnswerPlan,
  type FinishReason,
  type PlannedToolCall,
} from './answer-plan.js';
export { BatchScheduler } from './batch-scheduler.js';
export { MAX_MODEL_LEN, parseChatRequest, type ChatRequest, type ResponseFormat } from './chat-request.js';
export type { ToolChoice, ToolSpec } from './chat-tools.js';
export { ChunkStream } from './chunk-stream.js';
export {
  MAX_RETRY_AFTER_SECONDS,
  drawFaults,
  parseSwitchUpdate,
  type Fault,
  type FaultDraw,
  type FaultRates,
  type RuntimeSwitches,
} from './faults.js';
export { breakInstance } from './off-schema.js';
export {
  SIMULATOR_PROFILES,
  isSimulatorProfile,
  profileLatency,
  type ProfileLatency,
  type SimulatorProfile,
} from './profiles.js';
export { instanceForSchema } from './json-schema-instance.js';
export { UnsupportedSchemaError, type JsonSchema, type JsonValue } from './json-schema.js';
export { splitJsonTokens } from './json-tokens.js';
export { TokenSchedule, tokenDelay, type LatencySettings } from './latency.js';
export type { TokenLogprob, TopLogprob } from './logprobs.js';
export { chatCompletion, modelList, usageOf, type CompletionMeta, type Usage } from './openai-responses.js';
export { createRng, hashString, type Rng } from './prng.js';
export {
  RECENT_REQUESTS,
  RequestLog,
  zeroCounters,
  type RequestRecord,
  type SimCounters,
  type SimStats,
} from './stats.js';
export { SIMULATOR_DEFAULTS, type SimulatorSettings } from './defaults.js';
