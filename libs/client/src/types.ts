// The client's own request and answer types: plain objects with every field present, so an
// agent service never handles protobuf defaults or the generated code's optional wrappers.

/** One chat message. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
}

/** Passed to the engine; unset fields take the engine's defaults. */
export interface GenerationParameters {
  /** 1 to 32768. */
  maxTokens?: number;
  /** 0 to 2. */
  temperature?: number;
  /** Greater than 0, at most 1. */
  topP?: number;
  /** Up to 4 stop sequences. */
  stop?: string[];
  seed?: number;
}

interface InvokeInputFields {
  parameters?: GenerationParameters;
  /** A JSON Schema the answer must satisfy (an object or JSON text); overrides the task's. */
  jsonSchema?: object | string;
  /** -1000 to 1000, higher first; negative calls are shed when the Specialist's queue is full. */
  priority?: number;
  /** Groups the calls of one agent session (kept with the call for tracing). */
  sessionKey?: string;
}

/** What to run: a single user prompt, or a conversation. */
export type InvokeInput = InvokeInputFields &
  ({ prompt: string; messages?: never } | { messages: ChatMessage[]; prompt?: never });

export interface CallOptions {
  /** How long the call may take, retries included; the client's `defaultTimeoutMs` otherwise. */
  timeoutMs?: number;
  /** An absolute deadline (a Date or epoch milliseconds); wins over `timeoutMs`. */
  deadline?: Date | number;
  /** Cancels the call (the router withdraws it from the queue or stops it in the worker). */
  signal?: AbortSignal;
  /** Extra request metadata, such as `traceparent`. */
  metadata?: Record<string, string>;
}

export interface InvokeOptions extends CallOptions {
  /**
   * Makes the call run once however often it is sent (per task, for 10 minutes). Letters,
   * digits, ".", "_" and "-", at most 128 characters. A UUID is generated when not given.
   */
  idempotencyKey?: string;
}

export interface AnsweredBy {
  /** The Specialist, namespace/name. */
  specialist: string;
  model: string;
  /** The LoRA adapter, or '' when none. */
  adapter: string;
  /** The replica (pod or process) whose worker ran the call. */
  replica: string;
}

export interface Usage {
  promptTokens: number;
  completionTokens: number;
}

/** Where the time went, in milliseconds. */
export interface Timings {
  queueMs: number;
  serviceMs: number;
  timeToFirstTokenMs: number;
  /** As the router saw it, from receiving the call to answering it. */
  totalMs: number;
}

export interface InvokeResult<T = unknown> {
  output: string;
  /**
   * The answer parsed as JSON when a schema applied (the call's or the task's), which the
   * router checked it against; undefined otherwise. `T` is the caller's word for its shape.
   */
  json: T | undefined;
  /** stop, length, ...: as the engine reported it. */
  finishReason: string;
  answeredBy: AnsweredBy;
  usage: Usage;
  timings: Timings;
  /** The router's id for the call; calls sharing an idempotency key share it. */
  callId: string;
}

/** A streamed answer: text deltas, then one `done` with the whole result. */
export type InvokeStreamChunk<T = unknown> =
  { type: 'delta'; text: string } | { type: 'done'; result: InvokeResult<T> };

export interface TaskRoute {
  /** The Specialist, namespace/name. */
  specialist: string;
  weight: number;
  /** Whether its Ready condition is True. */
  ready: boolean;
}

export interface TaskInfo {
  name: string;
  namespace: string;
  /** AgentTask, or Specialist when only a Specialist lists the task. */
  source: string;
  priority: number;
  timeoutMs: number;
  /** The task's output JSON Schema, if it has one. */
  jsonSchema: object | undefined;
  routes: TaskRoute[];
}
