import type { ChatCompletionRequest, ChatCompletionResult } from '@slm-fleet/engines';
import {
  replyPusher,
  type CallError,
  type CallJobData,
  type CallReply,
  type CallResult,
  type RedisClient,
  type StreamDelta,
} from '@slm-fleet/queue';

/** The engine request for a call: the call's model, or the worker's when it names none. */
export function engineRequest(data: CallJobData, defaultModel: string | undefined): ChatCompletionRequest {
  const model = data.model ?? defaultModel;
  return {
    ...data.params,
    ...(model === undefined ? {} : { model }),
    messages: data.messages,
    ...(data.tools ? { tools: data.tools } : {}),
    ...(data.toolChoice ? { tool_choice: data.toolChoice } : {}),
    ...(data.parallelToolCalls === undefined ? {} : { parallel_tool_calls: data.parallelToolCalls }),
    ...(data.jsonSchema
      ? {
          response_format: {
            type: 'json_schema',
            json_schema: { name: 'answer', schema: data.jsonSchema, strict: true },
          },
        }
      : {}),
  };
}

export interface CallClock {
  /** When the worker took the job, epoch ms. */
  startedAt: number;
  /** When the answer was complete, epoch ms. */
  finishedAt: number;
}

export function callResult(
  data: CallJobData,
  answer: ChatCompletionResult,
  clock: CallClock,
  replica: string,
): CallResult {
  return {
    output: answer.output,
    ...(answer.toolCalls ? { toolCalls: answer.toolCalls } : {}),
    ...(answer.logprobs ? { logprobs: answer.logprobs } : {}),
    finishReason: answer.finishReason,
    model: answer.model,
    replica,
    usage: answer.usage,
    timings: {
      // Clocks of router and worker hosts differ a little; never report a negative wait.
      queueMs: Math.max(0, clock.startedAt - data.enqueuedAt),
      serviceMs: clock.finishedAt - clock.startedAt,
      timeToFirstTokenMs: answer.timeToFirstTokenMs,
    },
  };
}

export const doneReply = (callId: string, result: CallResult): CallReply => ({ callId, type: 'done', result });
export const errorReply = (callId: string, error: CallError): CallReply => ({ callId, type: 'error', error });
export const chunkReply = (callId: string, attempt: string, seq: number, delta: StreamDelta): CallReply => ({
  callId,
  type: 'chunk',
  attempt,
  seq,
  text: delta.text ?? '',
  ...(delta.toolCalls ? { toolCalls: delta.toolCalls } : {}),
});

/** Sends replies onto a router's reply list. */
export type ReplySender = (replyTo: string, replies: CallReply[]) => Promise<void>;

/** Sends replies onto a router's reply list: one script call (see libs/queue reply-list.ts). */
export function redisReplySender(redis: RedisClient): ReplySender {
  const push = replyPusher(redis);
  return (replyTo, replies) =>
    push(
      replyTo,
      replies.map((reply) => JSON.stringify(reply)),
    );
}
