// The slice of the OpenAI chat completions API that a worker uses. Engines (vLLM, SGLang,
// llama.cpp, TGI, the simulator) all speak it; only what we send and read is typed here.

export interface ChatCompletionMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
}

export interface ChatCompletionRequest {
  model?: string;
  messages: ChatCompletionMessage[];
  max_tokens?: number;
  temperature?: number;
  top_p?: number;
  stop?: string[];
  seed?: number;
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
  /** Called with each piece of generated text, in order. */
  onDelta?: (text: string) => void;
}
