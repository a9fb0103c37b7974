// The client's own request and answer types: plain objects with every field present, so an
// agent service never handles protobuf defaults or the generated code's optional wrappers.

/**
 * One chat message. A tool-calling conversation adds two kinds: the assistant's turn that
 * called tools (`toolCalls`, as `InvokeResult.toolCalls` returned them; `content` may be
 * `''`), and one `tool` message per call with its result (`toolCallId` quoting the call's id).
 */
export interface ChatMessage {
  /** `developer` is read as `system` (OpenAI's newer name for it). */
  role: 'system' | 'developer' | 'user' | 'assistant' | 'tool';
  /** The text; `''` on an assistant message that only calls tools. */
  content: string;
  /** assistant: the tools it called, in order. */
  toolCalls?: ToolCall[];
  /** tool: the `id` of the tool call this message answers. */
  toolCallId?: string;
  /** An optional participant name. */
  name?: string;
}

/** A function the model may call. */
export interface Tool {
  /** Letters, digits, `_` and `-`, at most 64 characters; unique within a call. */
  name: string;
  /** What the function does, for the model. */
  description?: string;
  /** The JSON Schema of the arguments object (an object or JSON text); none: no arguments. */
  parameters?: object | string;
  /** The arguments must satisfy `parameters`: the router checks them (`TOOL_ARGUMENTS_INVALID`). */
  strict?: boolean;
}

/**
 * Whether and which tool the model calls: `none` (answer in text), `auto` (the model decides;
 * the default when tools are given), `required` (call at least one tool), or `{ name }` (call
 * that tool).
 */
export type ToolChoice = 'none' | 'auto' | 'required' | { name: string };

/** A tool call the model made. */
export interface ToolCall {
  /** Unique within the conversation; the `tool` message answering the call quotes it. */
  id: string;
  /** The function called. */
  name: string;
  /** The arguments as JSON text, as the model wrote them: parse them with `parseToolArguments`. */
  arguments: string;
}

/** A candidate token and its log probability. */
export interface TopLogprob {
  token: string;
  logprob: number;
}

/** One generated token's log probability, with the most likely alternatives when asked. */
export interface TokenLogprob {
  token: string;
  logprob: number;
  /** `parameters.topLogprobs` alternatives (empty when not asked). */
  topLogprobs: TopLogprob[];
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
  /** Return each output token's log probability (`InvokeResult.logprobs`), where the engine gives them. */
  logprobs?: boolean;
  /** With `logprobs`: also the most likely alternatives per token, 0 to 20. */
  topLogprobs?: number;
  /** -2 to 2: penalizes tokens by how often they appeared so far. */
  frequencyPenalty?: number;
  /** -2 to 2: penalizes tokens that appeared at all. */
  presencePenalty?: number;
}

interface InvokeInputFields {
  parameters?: GenerationParameters;
  /** A JSON Schema the answer must satisfy (an object or JSON text); overrides the task's. */
  jsonSchema?: object | string;
  /** -1000 to 1000, higher first; negative calls are shed when the Specialist's queue is full. */
  priority?: number;
  /** Groups the calls of one agent session (kept with the call for tracing). */
  sessionKey?: string;
  /**
   * Functions the model may call, at most 128. A task with its own tool set (`TaskInfo.tools`)
   * accepts only tools from it.
   */
  tools?: Tool[];
  /** Whether and which tool the model calls; `auto` when tools are given and this is not. */
  toolChoice?: ToolChoice;
  /** Whether the model may call several tools in one answer (the engine's default when unset). */
  parallelToolCalls?: boolean;
}

/** What to run: a single user prompt, or a conversation. */
export type InvokeInput = InvokeInputFields &
  ({ prompt: string; messages?: never } | { messages: ChatMessage[]; prompt?: never });

/** Per-call options of every method. */
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

/** Per-call options of `invoke` and `invokeStream`. */
export interface InvokeOptions extends CallOptions {
  /**
   * Makes the call run once however often it is sent (per task, for 10 minutes). Letters,
   * digits, ".", "_" and "-", at most 128 characters. A UUID is generated when not given.
   */
  idempotencyKey?: string;
}

/** Who answered the call. */
export interface AnsweredBy {
  /** The Specialist, namespace/name. */
  specialist: string;
  model: string;
  /** The LoRA adapter, or '' when none. */
  adapter: string;
  /** The replica (pod or process) whose worker ran the call. */
  replica: string;
  /** 'specialist', or 'fallback' when the task's fallback model answered. */
  tier: 'specialist' | 'fallback';
  /** Why the fallback answered ('' on the specialist tier): no_ready_replica, queue_delay, overflow, invalid_output, specialist_error or low_confidence. */
  fallbackReason: string;
}

/** Tokens, as the engine counted them. */
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

/** A call's whole answer, with every field present. */
export interface InvokeResult<T = unknown> {
  /** The answer text (`''` when the model only called tools). */
  output: string;
  /**
   * The answer parsed as JSON when a schema applied (the call's or the task's), which the
   * router checked it against; undefined otherwise. `T` is the caller's word for its shape.
   */
  json: T | undefined;
  /** stop, length, tool_calls, ...: as the engine reported it. */
  finishReason: string;
  answeredBy: AnsweredBy;
  usage: Usage;
  timings: Timings;
  /** The router's id for the call; calls sharing an idempotency key share it. */
  callId: string;
  /** The tools the model called, in order (`finishReason` is then `tool_calls`); empty if none. */
  toolCalls: ToolCall[];
  /** Per output token, when `parameters.logprobs` asked and the engine gave them; empty otherwise. */
  logprobs: TokenLogprob[];
}

/** Text generated since the previous chunk. */
export interface TextDelta {
  type: 'delta';
  text: string;
}

/**
 * A piece of a streamed tool call. A call's first piece carries its `id` and `name`; its
 * `arguments` (JSON text) come in pieces, to be joined in order per `index`. The `done` result's
 * `toolCalls` has every call whole.
 */
export interface ToolCallDelta {
  type: 'toolCall';
  /** Which tool call of the answer (0 for the first). */
  index: number;
  /** Set on the call's first piece only. */
  id?: string;
  /** Set on the call's first piece only. */
  name?: string;
  /** The next piece of the arguments' JSON text (may be `''`). */
  arguments: string;
}

/** The end of a streamed answer: the whole result, as `invoke` resolves to it. */
export interface StreamDone<T = unknown> {
  type: 'done';
  result: InvokeResult<T>;
}

/**
 * A streamed answer: text deltas and tool call pieces in the order the engine generated them,
 * then one `done` with the whole result.
 */
export type InvokeStreamChunk<T = unknown> = TextDelta | ToolCallDelta | StreamDone<T>;

/** One Specialist a task's calls go to. */
export interface TaskRoute {
  /** The Specialist, namespace/name. */
  specialist: string;
  weight: number;
  /** Whether its Ready condition is True. */
  ready: boolean;
}

/** A task the router serves, from `listTasks`. */
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
  /**
   * The task's tool set, if it has one (empty otherwise): calls may offer only these tools.
   * `parameters` is the parsed schema, or undefined for a tool without arguments.
   */
  tools: TaskTool[];
}

/** A tool of a task's tool set; it can be passed as is in `InvokeInput.tools`. */
export interface TaskTool extends Tool {
  description: string;
  parameters: object | undefined;
  strict: boolean | undefined;
}
