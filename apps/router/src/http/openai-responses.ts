import { httpStatusOf, type CallFailure } from '@slm-fleet/calls';
import type { StreamDelta } from '@slm-fleet/queue';
import type { TaskRoute } from '@slm-fleet/routing';
import type { Answer } from '../dispatch/call-dispatcher.js';

// Response bodies in the shapes the OpenAI API uses, so its clients parse them unchanged.

const created = (): number => Math.floor(Date.now() / 1000);

export function completionBody(answer: Answer, task: string): object {
  const { result } = answer;
  return {
    id: `chatcmpl-${answer.callId}`,
    object: 'chat.completion',
    created: created(),
    model: task,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          // OpenAI's shape: an answer that only calls tools has null content.
          content: result.toolCalls?.length && result.output === '' ? null : result.output,
          refusal: null,
          ...(result.toolCalls?.length ? { tool_calls: result.toolCalls } : {}),
        },
        finish_reason: result.finishReason,
        logprobs: logprobsBody(answer),
      },
    ],
    usage: usageBody(answer),
    // Beyond OpenAI's shape, ignored by its clients: who answered and where the time went.
    slm: {
      specialist: answer.specialist,
      tier: answer.tier,
      ...(answer.fallbackReason ? { fallback_reason: answer.fallbackReason } : {}),
      ...(answer.adapter ? { adapter: answer.adapter } : {}),
      replica: result.replica,
      timings: result.timings,
    },
  };
}

function usageBody({ result }: Answer): object {
  const { promptTokens, completionTokens } = result.usage;
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
}

function logprobsBody({ result }: Answer): object | null {
  return result.logprobs ? { content: result.logprobs, refusal: null } : null;
}

export function chunkBody(
  id: string,
  task: string,
  delta: object,
  finishReason: string | null = null,
  logprobs: object | null = null,
): object {
  return {
    id,
    object: 'chat.completion.chunk',
    created: created(),
    model: task,
    choices: [{ index: 0, delta, finish_reason: finishReason, logprobs }],
  };
}

/** A streamed delta in OpenAI's chunk shape: a tool call's first piece has its id, type and name. */
export function deltaBody({ text, toolCalls }: StreamDelta): object {
  return {
    ...(text ? { content: text } : {}),
    ...(toolCalls?.length
      ? {
          tool_calls: toolCalls.map((piece) =>
            piece.id
              ? {
                  index: piece.index,
                  id: piece.id,
                  type: 'function',
                  function: { name: piece.name, arguments: piece.arguments ?? '' },
                }
              : { index: piece.index, function: { arguments: piece.arguments ?? '' } },
          ),
        }
      : {}),
  };
}

/** The last chunk: the finish reason, and the answer's logprobs (all at once) when asked for. */
export function finishChunkBody(id: string, task: string, answer: Answer): object {
  return chunkBody(id, task, {}, answer.result.finishReason, logprobsBody(answer));
}

export function usageChunkBody(id: string, task: string, answer: Answer): object {
  return {
    id,
    object: 'chat.completion.chunk',
    created: created(),
    model: task,
    choices: [],
    usage: usageBody(answer),
  };
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  404: 'not_found_error',
  409: 'invalid_request_error',
  413: 'invalid_request_error',
  422: 'invalid_response_error',
  429: 'rate_limit_error',
};

/**
 * Headers that tell OpenAI's SDKs (which retry 408, 409, 429 and 5xx twice by default) what to
 * do: wait a second and retry a passing unavailability (a router or Redis restarting, a full
 * queue), and never retry a key reused for another request, which fails the same way again.
 */
function retryHeadersOf(status: number, failure: CallFailure): Record<string, string> {
  if (status === 503 || (status === 429 && failure.reason === 'QUEUE_FULL')) return { 'Retry-After': '1' };
  if (failure.reason === 'IDEMPOTENCY_KEY_REUSED') return { 'X-Should-Retry': 'false' };
  return {};
}

export function errorBody(failure: CallFailure): {
  status: number;
  body: object;
  headers: Record<string, string>;
} {
  const status = httpStatusOf(failure);
  return {
    status,
    headers: retryHeadersOf(status, failure),
    body: {
      error: {
        message: failure.message,
        type: ERROR_TYPES[status] ?? 'server_error',
        param: failure.field ?? null,
        code: failure.reason,
      },
    },
  };
}

export function modelsBody(tasks: Iterable<TaskRoute>): object {
  return {
    object: 'list',
    data: [...tasks]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((t) => ({ id: t.name, object: 'model', created: 0, owned_by: 'slm-fleet' })),
  };
}
