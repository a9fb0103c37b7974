// The slice of the OpenAI chat completions API that a worker uses. Engines (vLLM, SGLang,
// llama.cpp, TGI, the simulator) all speak it; only what we send and read is typed here. The
// chat parts are the call protocol's own (@slm-fleet/queue), which uses the engines' names.
import type { ChatMessage, StreamDelta, TokenLogprob, ToolCall, ToolChoice, ToolDefinition } from '@slm-fleet/queue';

export type ChatCompletionMessage = ChatMessage;

export interface ChatCompletionRequest {
  model?: string;
  messages: ChatCompletionMessage[];
  max_tokens?: number;
  temperature?: number;
  top_p?: number;
  stop?: string[];
  seed?: number;
  frequency_penalty?: number;
  presence_penalty?: number;
  logprobs?: boolean;
  top_logprobs?: number;
  tools?: ToolDefinition[];
  tool_choice?: ToolChoice;
  parallel_tool_calls?: boolean;
  response_format?: {
    type: 'json_schema';
    json_schema: { name: string; schema: Record<string, unknown>; strict: boolean };
  };
}

export interface CompletionUsage {
  promptTokens: number;
  completionTokens: number;
}

export interface ChatCompletionResult {
  output: string;
  /** The tools the model called, ids filled in where the engine gave none. */
  toolCalls?: ToolCall[];
  /** Per output token, when asked for and the engine gave them. */
  logprobs?: TokenLogprob[];
  finishReason: string;
  /** The model the engine says answered (falls back to the requested one). */
  model: string;
  usage: CompletionUsage;
  /** From sending the request to the first generated text (the whole call when there was none). */
  timeToFirstTokenMs: number;
}

export interface StreamOptions {
  /** Aborts the request; the client then throws an `aborted` EngineError carrying the reason. */
  signal?: AbortSignal;
  /** Called with each piece of generated text and tool calls, in order. */
  onDelta?: (delta: StreamDelta) => void;
}
