import { httpStatusOf, type CallFailure } from '@slm-fleet/calls';
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
        message: { role: 'assistant', content: result.output, refusal: null },
        finish_reason: result.finishReason,
        logprobs: null,
      },
    ],
    usage: usageBody(answer),
    // Beyond OpenAI's shape, ignored by its clients: who answered and where the time went.
    slm: { specialist: answer.specialist, replica: result.replica, timings: result.timings },
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

export function chunkBody(id: string, task: string, delta: object, finishReason: string | null = null): object {
  return {
    id,
    object: 'chat.completion.chunk',
    created: created(),
    model: task,
    choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
  };
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
  413: 'invalid_request_error',
  422: 'invalid_response_error',
  429: 'rate_limit_error',
};

export function errorBody(failure: CallFailure): { status: number; body: object } {
  const status = httpStatusOf(failure);
  return {
    status,
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
