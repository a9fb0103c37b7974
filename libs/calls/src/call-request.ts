import type { ChatMessage, GenerationParams } from '@slm-fleet/queue';

/** An agent call as the router receives it, from gRPC or the OpenAI-compatible front door. */
export interface CallRequest {
  task: string;
  messages: { role: string; content: string }[];
  /** A single user message, as a shorthand for messages. */
  prompt?: string;
  params: {
    maxTokens?: number;
    temperature?: number;
    topP?: number;
    stop?: string[];
    seed?: number;
  };
  /** JSON Schema text the answer must satisfy (overrides the task's). */
  jsonSchema?: string;
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
  jsonSchema: string;
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
  jsonSchema: 'json_schema',
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
  jsonSchema: 'response_format.json_schema.schema',
  idempotencyKey: 'Idempotency-Key header',
  sessionKey: 'user',
  priority: 'X-Slm-Priority header',
};
