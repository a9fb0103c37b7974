import type { ChatMessage, GenerationParams, ToolChoice, ToolDefinition } from '@slm-fleet/queue';

/** A tool call in a request's assistant message, before validation. */
export interface CallToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** A message as the router receives it (content parts already joined into text). */
export interface CallMessage {
  role: string;
  /** null: an assistant message that only calls tools. */
  content: string | null;
  name?: string;
  toolCalls?: CallToolCall[];
  toolCallId?: string;
}

/** A tool offered in a request, before validation. */
export interface CallTool {
  name: string;
  description?: string;
  /** A JSON Schema object, or its JSON text (gRPC); undefined: no arguments. */
  parameters?: unknown;
  strict?: boolean;
}

/** tool_choice before validation: a mode, or the name of a function to call. */
export type CallToolChoice = { mode: string } | { function: string };

/** An agent call as the router receives it, from gRPC or the OpenAI-compatible front door. */
export interface CallRequest {
  task: string;
  messages: CallMessage[];
  /** A single user message, as a shorthand for messages. */
  prompt?: string;
  params: {
    maxTokens?: number;
    temperature?: number;
    topP?: number;
    stop?: string[];
    seed?: number;
    frequencyPenalty?: number;
    presencePenalty?: number;
    logprobs?: boolean;
    topLogprobs?: number;
  };
  /** JSON Schema text the answer must satisfy (overrides the task's). */
  jsonSchema?: string;
  tools?: CallTool[];
  toolChoice?: CallToolChoice;
  parallelToolCalls?: boolean;
  idempotencyKey?: string;
  sessionKey?: string;
  priority?: number;
}

/** A call that passed validation, ready to route. */
export interface ValidCall {
  task: string;
  messages: ChatMessage[];
  params: GenerationParams;
  /** The parsed JSON Schema from the call (the task's own applies when absent). */
  jsonSchema?: Record<string, unknown>;
  /** In the engines' shape; parameters parsed. */
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  parallelToolCalls?: boolean;
  idempotencyKey?: string;
  sessionKey?: string;
  priority?: number;
}

/** How the caller names each field, so an error points at what they sent. */
export interface FieldNames {
  task: string;
  messages: string;
  prompt: string;
  maxTokens: string;
  temperature: string;
  topP: string;
  stop: string;
  seed: string;
  frequencyPenalty: string;
  presencePenalty: string;
  logprobs: string;
  topLogprobs: string;
  jsonSchema: string;
  tools: string;
  /** Between `tools[i].` (or `messages[i].tool_calls[j].`) and `name`: OpenAI nests a function. */
  functionPrefix: string;
  toolChoice: string;
  /** Where tool_choice names its function. */
  toolChoiceFunction: string;
  parallelToolCalls: string;
  idempotencyKey: string;
  sessionKey: string;
  priority: string;
}

export const GRPC_FIELD_NAMES: FieldNames = {
  task: 'task',
  messages: 'messages',
  prompt: 'prompt',
  maxTokens: 'parameters.max_tokens',
  temperature: 'parameters.temperature',
  topP: 'parameters.top_p',
  stop: 'parameters.stop',
  seed: 'parameters.seed',
  frequencyPenalty: 'parameters.frequency_penalty',
  presencePenalty: 'parameters.presence_penalty',
  logprobs: 'parameters.logprobs',
  topLogprobs: 'parameters.top_logprobs',
  jsonSchema: 'json_schema',
  tools: 'tools',
  functionPrefix: '',
  toolChoice: 'tool_choice',
  toolChoiceFunction: 'tool_choice.function',
  parallelToolCalls: 'parallel_tool_calls',
  idempotencyKey: 'idempotency_key',
  sessionKey: 'session_key',
  priority: 'priority',
};

export const OPENAI_FIELD_NAMES: FieldNames = {
  task: 'model',
  messages: 'messages',
  prompt: 'messages',
  maxTokens: 'max_tokens',
  temperature: 'temperature',
  topP: 'top_p',
  stop: 'stop',
  seed: 'seed',
  frequencyPenalty: 'frequency_penalty',
  presencePenalty: 'presence_penalty',
  logprobs: 'logprobs',
  topLogprobs: 'top_logprobs',
  jsonSchema: 'response_format.json_schema.schema',
  tools: 'tools',
  functionPrefix: 'function.',
  toolChoice: 'tool_choice',
  toolChoiceFunction: 'tool_choice.function.name',
  parallelToolCalls: 'parallel_tool_calls',
  idempotencyKey: 'Idempotency-Key header',
  sessionKey: 'user',
  priority: 'X-Slm-Priority header',
};
