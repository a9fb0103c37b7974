export { CompletionStreamReader, type StreamedCompletion } from './completion-stream.js';
export {
  EngineError,
  engineErrorMessage,
  errorForStatus,
  errorForThrown,
  type EngineErrorKind,
} from './engine-error.js';
export { OpenAIClient, type OpenAIClientOptions } from './openai-client.js';
export type {
  ChatCompletionMessage,
  ChatCompletionRequest,
  ChatCompletionResult,
  CompletionUsage,
  StreamOptions,
} from './types.js';
