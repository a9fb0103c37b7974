import type { JobsOptions } from 'bullmq';
import type { ChatMessage, TokenLogprob, ToolCall, ToolCallDelta, ToolChoice, ToolDefinition } from './chat-types.js';

// The contract between router and worker: what a queued call carries, and what the worker
// sends back. Versioned (`v`), because routers and workers are upgraded one pod at a time:
// - v1: text messages and generation parameters;
// - v2: adds tools, tool calls and tool results, logprobs.
// A router writes the lowest version that carries the call (callProtocolVersionOf), so a v1
// worker still serves every call it can during a rolling upgrade; a v2 worker reads both.

export const CALL_PROTOCOL_VERSION = 2;
export type CallProtocolVersion = 1 | 2;
export const SUPPORTED_CALL_PROTOCOL_VERSIONS: readonly CallProtocolVersion[] = [1, 2];

/** The BullMQ job name of every call. */
export const CALL_JOB_NAME = 'call';

/** Generation parameters, as the engine's OpenAI-compatible API names them. */
export interface GenerationParams {
  max_tokens?: number;
  temperature?: number;
  top_p?: number;
  stop?: string[];
  seed?: number;
  frequency_penalty?: number;
  presence_penalty?: number;
  /** v2: the answer's token log probabilities, returned in CallResult.logprobs. */
  logprobs?: boolean;
  top_logprobs?: number;
}

/** The data of a call's job on a specialist's queue. The job id is the call id. */
export interface CallJobData {
  v: CallProtocolVersion;
  /** The router's id for this call; replies carry it so the router can match them. */
  callId: string;
  /** namespace/name of the AgentTask (or task) called. */
  task: string;
  /** namespace/name of the Specialist whose queue holds the job. */
  specialist: string;
  /** The model name to ask the engine for (a LoRA adapter's name when the task uses one). */
  model?: string;
  messages: ChatMessage[];
  params: GenerationParams;
  /** v2: the functions the model may call, passed to the engine as `tools`. */
  tools?: ToolDefinition[];
  /** v2: passed to the engine as `tool_choice`. */
  toolChoice?: ToolChoice;
  /** v2: passed to the engine as `parallel_tool_calls`. */
  parallelToolCalls?: boolean;
  /** JSON Schema the answer must satisfy, passed to the engine as response_format. */
  jsonSchema?: Record<string, unknown>;
  /** Absolute deadline, epoch milliseconds. A worker never starts a job after it. */
  deadline: number;
  /** When the router queued the call, epoch milliseconds. */
  enqueuedAt: number;
  /** Whether the router wants the answer token by token (chunk replies). */
  stream: boolean;
  /** Redis list the worker pushes replies onto (the router instance's reply list). */
  replyTo: string;
  /** Engine retries after a transient error (from AgentTask.spec.retries). */
  retries: number;
  /** For a call with an idempotency key: a hash of the request, so a key reused for another is refused. */
  requestFingerprint?: string;
  /** W3C trace context of the call, when the caller sent one. */
  traceparent?: string;
  sessionKey?: string;
}

export interface CallUsage {
  promptTokens: number;
  completionTokens: number;
}

export interface CallTimings {
  /** From enqueue to the worker taking the job. */
  queueMs: number;
  /** From the worker taking the job to the answer. */
  serviceMs: number;
  /** From the engine request to its first token. */
  timeToFirstTokenMs: number;
}

/** A completed call: the job's return value, and the body of a `done` reply. */
export interface CallResult {
  output: string;
  /** v2: the tools the model called (finishReason is then `tool_calls`). */
  toolCalls?: ToolCall[];
  /** v2: per output token, when the call asked for logprobs and the engine gave them. */
  logprobs?: TokenLogprob[];
  finishReason: string;
  model: string;
  /** The replica (pod name, or host:pid) whose worker ran the call. */
  replica: string;
  usage: CallUsage;
  timings: CallTimings;
}

/**
 * Why a call failed in the worker:
 * - deadline: the deadline passed before or while it ran (it is not run late);
 * - cancelled: the caller went away;
 * - engine: the engine failed after the retries (retryable by the caller);
 * - invalid: the engine rejected the request (4xx): retrying will not help.
 */
export type CallErrorKind = 'deadline' | 'cancelled' | 'engine' | 'invalid';

export interface CallError {
  kind: CallErrorKind;
  message: string;
}

/** What a worker pushes onto the router's reply list, as JSON. */
export type CallReply =
  | {
      callId: string;
      type: 'chunk';
      attempt: string;
      seq: number;
      text: string;
      /** v2: pieces of tool calls generated since the previous chunk. */
      toolCalls?: ToolCallDelta[];
    }
  | { callId: string; type: 'done'; result: CallResult }
  | { callId: string; type: 'error'; error: CallError };

/**
 * The lowest protocol version that carries a call: v1 unless it uses tools, tool messages or
 * logprobs, so workers not yet upgraded keep serving plain calls during a rolling upgrade.
 */
export function callProtocolVersionOf(
  data: Pick<CallJobData, 'messages' | 'params' | 'tools' | 'toolChoice' | 'parallelToolCalls'>,
): CallProtocolVersion {
  const needsV2 =
    data.tools !== undefined ||
    data.toolChoice !== undefined ||
    data.parallelToolCalls !== undefined ||
    data.params.logprobs !== undefined ||
    data.params.top_logprobs !== undefined ||
    data.messages.some(
      (m) => m.content === null || m.name !== undefined || m.tool_calls !== undefined || m.tool_call_id !== undefined,
    );
  return needsV2 ? 2 : 1;
}

/** The prefix of the job's failedReason when the worker fails a job with a CallError. */
export const CALL_ERROR_PREFIX = 'slm-call-error:';

export function encodeCallError(error: CallError): string {
  return `${CALL_ERROR_PREFIX}${JSON.stringify(error)}`;
}

/** Reads a CallError back from a job's failedReason; other failures become `engine` errors. */
export function decodeCallError(failedReason: string | undefined): CallError {
  if (failedReason?.startsWith(CALL_ERROR_PREFIX)) {
    try {
      return JSON.parse(failedReason.slice(CALL_ERROR_PREFIX.length)) as CallError;
    } catch {
      // fall through: a garbled reason is still an engine-side failure
    }
  }
  return { kind: 'engine', message: failedReason ?? 'the worker failed the call without a reason' };
}

/**
 * The reply list of one router instance. Each router pops its own list (reply-list.ts); the hash tag keeps
 * a list's key on one Redis Cluster slot.
 */
export function replyListKey(prefix: string, routerId: string): string {
  return `${prefix}:replies:{${routerId}}`;
}

/** Reply lists expire when no router reads them any more (a router that went away). */
export const REPLY_LIST_TTL_SECONDS = 300;

/** How long a finished call's job (and so its answer) is kept for idempotent retries. */
export const IDEMPOTENCY_WINDOW_SECONDS = 600;

/**
 * The BullMQ options of a call's job: the job id is the call id (or the idempotency key's),
 * and a finished job keeps its answer for the idempotency window. Tests that queue calls as
 * the router does use the same. With a task priority, the job takes its level's neutral size
 * class; the router sets `priority` itself from libs/routing's queueOrder.
 */
export function callJobOptions(jobId: string, taskPriority?: number): JobsOptions {
  return {
    jobId,
    ...(taskPriority === undefined ? {} : { priority: bullPriority(taskPriority) }),
    removeOnComplete: { age: IDEMPOTENCY_WINDOW_SECONDS },
    removeOnFail: { age: IDEMPOTENCY_WINDOW_SECONDS },
  };
}

/**
 * Size classes within one task priority level (libs/routing's shortest-first policy): class 0
 * holds calls promoted after waiting (aging), classes 1 to 61 expected answer lengths of 1 to
 * 32768 tokens, four classes per doubling.
 */
export const SIZE_CLASSES = 62;
/** The class of a call whose answer length nothing predicts: the middle of classes 1 to 61 (181 to 215 tokens). */
export const NEUTRAL_SIZE_CLASS = 31;

/**
 * BullMQ priority (1 is BullMQ's highest, at most 2001 * SIZE_CLASSES = 124062, far below its
 * limit of 2^21 - 1) from a task priority (-1000..1000, higher first; NaN counts as 0) and a
 * size class within its level (lower first): every class of a higher task priority goes before
 * any class of a lower one. Reading a task priority back: 1000 - floor((p - 1) / SIZE_CLASSES).
 */
export function bullPriority(taskPriority: number, sizeClass: number = NEUTRAL_SIZE_CLASS): number {
  const level = Number.isNaN(taskPriority) ? 0 : Math.max(-1000, Math.min(1000, Math.trunc(taskPriority)));
  const size = Number.isNaN(sizeClass)
    ? NEUTRAL_SIZE_CLASS
    : Math.max(0, Math.min(SIZE_CLASSES - 1, Math.trunc(sizeClass)));
  return (1000 - level) * SIZE_CLASSES + size + 1;
}

/** The Redis pub/sub channel on which routers ask workers to cancel running calls. */
export function cancelChannel(prefix: string): string {
  return `${prefix}:cancel-calls`;
}
