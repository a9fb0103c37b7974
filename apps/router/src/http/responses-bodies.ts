import { randomBytes } from 'node:crypto';
import type { CallFailure, ResponseSettings } from '@slm-fleet/calls';
import type { TokenLogprob } from '@slm-fleet/queue';
import type { Answer } from '../dispatch/call-dispatcher.js';

// The Responses API's `response` object and its output items, in OpenAI's shapes (the
// `openai` package's Response type), so its clients parse them unchanged. Nothing here is
// stored: `store` is always false.

/** What a response is about, fixed from response.created on. */
export interface ResponseHead {
  id: string;
  /** Unix seconds. */
  createdAt: number;
  task: string;
  settings: ResponseSettings;
}

/**
 * An output item's place and id: the text message, or the tool call at `index` of the answer.
 * A stream opens items as their first piece arrives; the final response lists the same.
 */
export type OutputSlot = { type: 'message'; id: string } | { type: 'function_call'; id: string; index: number };

/** OpenAI-style ids: resp_…, msg_…, fc_… with 48 hex digits. */
export const newId = (prefix: 'resp' | 'msg' | 'fc'): string => `${prefix}_${randomBytes(24).toString('hex')}`;

export const unixSeconds = (ms = Date.now()): number => Math.floor(ms / 1000);

type ItemStatus = 'in_progress' | 'completed' | 'incomplete';

/** The Responses API's logprob shape: bytes and top_logprobs are always arrays. */
export function logprobsOf(logprobs: readonly TokenLogprob[] | undefined): object[] {
  return (logprobs ?? []).map((l) => ({
    token: l.token,
    logprob: l.logprob,
    bytes: l.bytes ?? [],
    top_logprobs: (l.top_logprobs ?? []).map((t) => ({ token: t.token, logprob: t.logprob, bytes: t.bytes ?? [] })),
  }));
}

export const outputTextPart = (text: string, logprobs: object[] = []): object => ({
  type: 'output_text',
  text,
  annotations: [],
  logprobs,
});

export function messageItem(id: string, status: ItemStatus, content: object[]): object {
  return { type: 'message', id, status, role: 'assistant', content };
}

export function functionCallItem(
  id: string,
  status: ItemStatus,
  call: { callId: string; name: string; arguments: string },
): object {
  return { type: 'function_call', id, call_id: call.callId, name: call.name, arguments: call.arguments, status };
}

/** The output slots of an answer given at once: its text as a message (also when it is empty and calls nothing), then each tool call. */
export function slotsOf(answer: Answer): OutputSlot[] {
  const calls = answer.result.toolCalls ?? [];
  const message: OutputSlot[] =
    answer.result.output !== '' || calls.length === 0 ? [{ type: 'message', id: newId('msg') }] : [];
  return [...message, ...calls.map((_, index): OutputSlot => ({ type: 'function_call', id: newId('fc'), index }))];
}

/** Why an answer is incomplete, in the Responses API's words; undefined when it is complete. */
export function incompleteReason(finishReason: string): 'max_output_tokens' | 'content_filter' | undefined {
  if (finishReason === 'length') return 'max_output_tokens';
  if (finishReason === 'content_filter') return 'content_filter';
  return undefined;
}

/** An item's status in the final response: the last one is cut off when the answer is. */
export const itemStatus = (answer: Answer, last: boolean): 'completed' | 'incomplete' =>
  last && incompleteReason(answer.result.finishReason) ? 'incomplete' : 'completed';

/** The output items of a finished answer, in the slots' order. */
export function outputOf(answer: Answer, slots: readonly OutputSlot[]): object[] {
  const { result } = answer;
  return slots.map((slot, i) => {
    const status = itemStatus(answer, i === slots.length - 1);
    if (slot.type === 'message') {
      return messageItem(slot.id, status, [outputTextPart(result.output, logprobsOf(result.logprobs))]);
    }
    const call = result.toolCalls?.[slot.index];
    return functionCallItem(slot.id, status, {
      callId: call?.id ?? '',
      name: call?.function.name ?? '',
      arguments: call?.function.arguments ?? '',
    });
  });
}

/** A response object in one of its states; the settings repeat the request, as OpenAI's do. */
function responseObject(
  head: ResponseHead,
  state: {
    status: 'in_progress' | 'completed' | 'incomplete' | 'failed';
    output: object[];
    usage: object | null;
    error: object | null;
    incompleteDetails: object | null;
    completedAt: number | null;
  },
): Record<string, unknown> {
  const { settings } = head;
  return {
    id: head.id,
    object: 'response',
    created_at: head.createdAt,
    status: state.status,
    background: false,
    completed_at: state.completedAt,
    error: state.error,
    incomplete_details: state.incompleteDetails,
    instructions: settings.instructions,
    max_output_tokens: settings.max_output_tokens,
    max_tool_calls: null,
    model: head.task,
    output: state.output,
    parallel_tool_calls: settings.parallel_tool_calls,
    previous_response_id: null,
    prompt_cache_key: settings.prompt_cache_key ?? null,
    reasoning: null,
    safety_identifier: settings.safety_identifier ?? null,
    service_tier: 'default',
    store: false,
    temperature: settings.temperature,
    text: settings.text,
    tool_choice: settings.tool_choice,
    tools: settings.tools,
    top_logprobs: settings.top_logprobs,
    top_p: settings.top_p,
    truncation: 'disabled',
    usage: state.usage,
    user: settings.user ?? null,
    metadata: settings.metadata,
  };
}

/** The response as response.created and response.in_progress show it: nothing generated yet. */
export function inProgressBody(head: ResponseHead): object {
  return responseObject(head, {
    status: 'in_progress',
    output: [],
    usage: null,
    error: null,
    incompleteDetails: null,
    completedAt: null,
  });
}

function usageOf({ result }: Answer): object {
  const { promptTokens, completionTokens } = result.usage;
  return {
    input_tokens: promptTokens,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: completionTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: promptTokens + completionTokens,
  };
}

/** The finished response: completed, or incomplete when the answer was cut off (max_output_tokens). */
export function responseBody(
  head: ResponseHead,
  answer: Answer,
  slots: readonly OutputSlot[],
  now = Date.now(),
): object {
  const reason = incompleteReason(answer.result.finishReason);
  return {
    ...responseObject(head, {
      status: reason ? 'incomplete' : 'completed',
      output: outputOf(answer, slots),
      usage: usageOf(answer),
      error: null,
      incompleteDetails: reason ? { reason } : null,
      completedAt: reason ? null : unixSeconds(now),
    }),
    // Beyond OpenAI's shape, ignored by its clients (as on chat completions): who answered and where the time went.
    slm: { specialist: answer.specialist, replica: answer.result.replica, timings: answer.result.timings },
  };
}

/** The response of a stream that failed, with the items streamed before the failure. */
export function failedBody(head: ResponseHead, failure: CallFailure, output: object[] = []): object {
  return responseObject(head, {
    status: 'failed',
    output,
    usage: null,
    error: { code: failure.reason, message: failure.message },
    incompleteDetails: null,
    completedAt: null,
  });
}
