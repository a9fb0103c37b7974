// @slm-fleet/client: call slm-fleet tasks from an agent service (see docs/client.md).
export { SlmFleetClient, CLIENT_VERSION } from './client.js';
export { DEFAULT_TIMEOUT_MS, type RetryEvent, type SlmFleetClientOptions } from './client-options.js';
export { SlmFleetError, type StatusName } from './errors.js';
// The trailer that carries the router's reason for a failure (SlmFleetError's `reason`).
export { ERROR_REASON_TRAILER } from '@slm-fleet/proto';
export { DEFAULT_RETRY_POLICY, isRetryable, type RetryPolicy } from './retry-policy.js';
export { parseToolArguments } from './tool-calls.js';
export type {
  AnsweredBy,
  CallOptions,
  ChatMessage,
  GenerationParameters,
  InvokeInput,
  InvokeOptions,
  InvokeResult,
  InvokeStreamChunk,
  StreamDone,
  TaskInfo,
  TaskRoute,
  TaskTool,
  TextDelta,
  Timings,
  TokenLogprob,
  Tool,
  ToolCall,
  ToolCallDelta,
  ToolChoice,
  TopLogprob,
  Usage,
} from './types.js';
// Credentials come from the client's own grpc-js: grpc-js checks them with instanceof, so
// credentials made by another copy of grpc-js would be refused.
export { credentials, type ChannelCredentials } from '@grpc/grpc-js';
