import { CallFailure, type ResponseSettings } from '@slm-fleet/calls';
import type { CallResult } from '@slm-fleet/queue';
import type { TaskRoute } from '@slm-fleet/routing';
import { describe, expect, it } from 'vitest';
import type { Answer } from '../dispatch/call-dispatcher.js';
import { responseBody, slotsOf, type ResponseHead } from './responses-bodies.js';
import { ResponseEvents } from './responses-stream.js';

const settings: ResponseSettings = {
  instructions: null,
  metadata: {},
  temperature: null,
  top_p: null,
  max_output_tokens: null,
  top_logprobs: 0,
  text: { format: { type: 'text' } },
  tools: [],
  tool_choice: 'auto',
  parallel_tool_calls: true,
};
const head: ResponseHead = { id: 'resp_1', createdAt: 1700000000, task: 'agent', settings };

function answerOf(result: Partial<CallResult>): Answer {
  return {
    callId: 'c1',
    task: { name: 'agent' } as TaskRoute,
    specialist: 'ns/helper',
    tier: 'specialist',
    result: {
      output: '',
      finishReason: 'stop',
      model: 'sim-model',
      replica: 'pod-1',
      usage: { promptTokens: 7, completionTokens: 3 },
      timings: { queueMs: 1, serviceMs: 2, timeToFirstTokenMs: 1 },
      ...result,
    },
  };
}

const call = (id: string, name: string, args: string) => ({
  id,
  type: 'function' as const,
  function: { name, arguments: args },
});

describe('responseBody', () => {
  it('is a completed response with a message and a function_call per tool call', () => {
    const answer = answerOf({
      output: 'Checking.',
      toolCalls: [call('call_1', 'get_weather', '{"city":"Paris"}')],
      finishReason: 'tool_calls',
      logprobs: [{ token: 'Check', logprob: -0.5 }],
    });
    const body = responseBody(head, answer, slotsOf(answer), 1700000005_000);
    expect(body).toMatchObject({
      id: 'resp_1',
      object: 'response',
      created_at: 1700000000,
      completed_at: 1700000005,
      status: 'completed',
      model: 'agent',
      error: null,
      incomplete_details: null,
      previous_response_id: null,
      store: false,
      output: [
        {
          type: 'message',
          id: expect.stringMatching(/^msg_[0-9a-f]{48}$/),
          status: 'completed',
          role: 'assistant',
          content: [
            {
              type: 'output_text',
              text: 'Checking.',
              annotations: [],
              logprobs: [{ token: 'Check', logprob: -0.5, bytes: [], top_logprobs: [] }],
            },
          ],
        },
        {
          type: 'function_call',
          id: expect.stringMatching(/^fc_[0-9a-f]{48}$/),
          call_id: 'call_1',
          name: 'get_weather',
          arguments: '{"city":"Paris"}',
          status: 'completed',
        },
      ],
      usage: {
        input_tokens: 7,
        output_tokens: 3,
        total_tokens: 10,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens_details: { reasoning_tokens: 0 },
      },
      slm: { specialist: 'ns/helper', replica: 'pod-1' },
    });
  });

  it('is incomplete, for max_output_tokens, when the answer was cut off', () => {
    const answer = answerOf({ output: 'Once upon', finishReason: 'length' });
    expect(responseBody(head, answer, slotsOf(answer))).toMatchObject({
      status: 'incomplete',
      completed_at: null,
      incomplete_details: { reason: 'max_output_tokens' },
      output: [{ type: 'message', status: 'incomplete' }],
    });
  });

  it('has only function_call items when the answer only calls tools', () => {
    const answer = answerOf({ toolCalls: [call('a', 'f', '{}'), call('b', 'g', '{}')], finishReason: 'tool_calls' });
    const body = responseBody(head, answer, slotsOf(answer)) as { output: { type: string; call_id?: string }[] };
    expect(body.output.map((o) => [o.type, o.call_id])).toEqual([
      ['function_call', 'a'],
      ['function_call', 'b'],
    ]);
  });
});

describe('ResponseEvents', () => {
  const typesOf = (events: { type: string }[]): string[] => events.map((e) => e.type);

  it('streams text, then each tool call, in OpenAI order with rising sequence numbers', () => {
    const stream = new ResponseEvents(head);
    const events = [
      ...stream.delta({ text: 'Check' }),
      ...stream.delta({ text: 'ing.' }),
      ...stream.delta({ toolCalls: [{ index: 0, id: 'call_1', name: 'get_weather', arguments: '{"city":' }] }),
      ...stream.delta({ toolCalls: [{ index: 0, arguments: '"Paris"}' }] }),
      ...stream.delta({ toolCalls: [{ index: 1, id: 'call_2', name: 'get_time', arguments: '{}' }] }),
      ...stream.finish(
        answerOf({
          output: 'Checking.',
          toolCalls: [call('call_1', 'get_weather', '{"city":"Paris"}'), call('call_2', 'get_time', '{}')],
          finishReason: 'tool_calls',
        }),
      ),
    ];
    expect(typesOf(events)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    expect(events[0]).toMatchObject({ response: { id: 'resp_1', status: 'in_progress', output: [], usage: null } });
    expect(events[2]).toMatchObject({ output_index: 0, item: { type: 'message', status: 'in_progress', content: [] } });
    expect(events[6]).toMatchObject({ output_index: 0, content_index: 0, text: 'Checking.' });
    expect(events[9]).toMatchObject({
      output_index: 1,
      item: { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '', status: 'in_progress' },
    });
    expect(events[12]).toMatchObject({ output_index: 1, name: 'get_weather', arguments: '{"city":"Paris"}' });
    const completed = events.at(-1) as unknown as { response: { output: { id: string }[]; status: string } };
    expect(completed.response.status).toBe('completed');
    // The final response lists the items the stream opened, under the same ids.
    const added = events
      .filter((e) => e.type === 'response.output_item.added')
      .map((e) => (e.item as { id: string }).id);
    expect(completed.response.output.map((o) => o.id)).toEqual(added);
  });

  it('sends what never came as a delta, and ends an empty answer with an empty message', () => {
    const stream = new ResponseEvents(head);
    const events = stream.finish(answerOf({ output: 'Hi', finishReason: 'length' }));
    expect(typesOf(events)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.incomplete',
    ]);
    expect(events.at(-2)).toMatchObject({ item: { status: 'incomplete' } });
    expect(typesOf(new ResponseEvents(head).finish(answerOf({ output: '' })))).toContain('response.output_item.done');
  });

  it('ends a failed stream with an error event and response.failed', () => {
    const stream = new ResponseEvents(head);
    stream.delta({ text: 'Hel' });
    const events = stream.fail(new CallFailure('UNAVAILABLE', 'STREAM_INTERRUPTED', 'the replica failed'));
    expect(events).toMatchObject([
      { type: 'error', code: 'STREAM_INTERRUPTED', message: 'the replica failed', param: null, sequence_number: 5 },
      {
        type: 'response.failed',
        response: {
          status: 'failed',
          error: { code: 'STREAM_INTERRUPTED', message: 'the replica failed' },
          output: [{ type: 'message', status: 'incomplete', content: [{ text: 'Hel' }] }],
        },
      },
    ]);
  });
});
