export { CompletionStreamReader, type StreamedCompletion } from './completion-stream.js';
export {
  EngineError,
  engineErrorMessage,
  errorForStatus,
  errorForThrown,
  redactSecret,
  type EngineErrorKind,
} from './engine-error.js';
export { OpenAIClient, type ModelsProbe, type OpenAIClientOptions } from './openai-client.js';
export {
  DEFAULT_RETRY_AFTER_MS,
  MAX_RETRY_AFTER_MS,
  MIN_RETRY_AFTER_MS,
  retryAfterMs,
  type RetryAfterHeaders,
} from './retry-after.js';
export type {
  ChatCompletionMessage,
  ChatCompletionRequest,
  ChatCompletionResult,
  CompletionUsage,
  StreamOptions,
} from './types.js';
