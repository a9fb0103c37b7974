import { describe, expect, it } from 'vitest';
import type { InvokeChunk, InvokeResponse } from '@slm-fleet/proto';
import { deadlineOf, invokeRequestOf, resultOf, taskInfoOf, toolCallDeltasOf } from './request-mapping.js';

describe('invokeRequestOf', () => {
  it('maps a prompt with defaults for every unset field', () => {
    expect(invokeRequestOf('summarize', { prompt: 'hello' }, 'key-1')).toEqual({
      task: 'summarize',
      messages: [],
      prompt: 'hello',
      jsonSchema: '',
      idempotencyKey: 'key-1',
      sessionKey: '',
      tools: [],
    });
  });

  it('maps messages, parameters, a schema object as JSON text, priority and session', () => {
    const schema = { type: 'object', properties: { total: { type: 'number' } } };
    const request = invokeRequestOf(
      'extract-invoice',
      {
        messages: [
          { role: 'system', content: 'Extract.' },
          { role: 'user', content: 'Invoice 7: 12 EUR' },
        ],
        parameters: { maxTokens: 64, temperature: 0, stop: ['\n\n'] },
        jsonSchema: schema,
        priority: -5,
        sessionKey: 'session-9',
      },
      'key-2',
    );
    expect(request).toEqual({
      task: 'extract-invoice',
      messages: [
        { role: 'system', content: 'Extract.', toolCalls: [], toolCallId: '', name: '' },
        { role: 'user', content: 'Invoice 7: 12 EUR', toolCalls: [], toolCallId: '', name: '' },
      ],
      prompt: '',
      parameters: { maxTokens: 64, temperature: 0, stop: ['\n\n'] },
      jsonSchema: JSON.stringify(schema),
      idempotencyKey: 'key-2',
      sessionKey: 'session-9',
      priority: -5,
      tools: [],
    });
  });

  it('passes a schema given as JSON text unchanged, and priority 0 as set', () => {
    const request = invokeRequestOf('t', { prompt: 'x', jsonSchema: '{"type":"object"}', priority: 0 }, 'k');
    expect(request.jsonSchema).toBe('{"type":"object"}');
    expect(request.priority).toBe(0);
  });
});

describe('invokeRequestOf with tools', () => {
  const lookup = { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] };

  it('maps tools (schema objects as JSON text, text unchanged, none as empty) and a named choice', () => {
    const request = invokeRequestOf(
      'support',
      {
        prompt: 'Where is order 42?',
        tools: [
          { name: 'lookup_order', description: 'Find an order', parameters: lookup, strict: true },
          { name: 'refund', parameters: '{"type":"object"}', strict: false },
          { name: 'current_time' },
        ],
        toolChoice: { name: 'lookup_order' },
        parallelToolCalls: false,
      },
      'k',
    );
    expect(request.tools).toEqual([
      { name: 'lookup_order', description: 'Find an order', parameters: JSON.stringify(lookup), strict: true },
      { name: 'refund', description: '', parameters: '{"type":"object"}', strict: false },
      { name: 'current_time', description: '', parameters: '', strict: undefined },
    ]);
    expect(request.toolChoice).toEqual({ function: 'lookup_order' });
    expect(request.parallelToolCalls).toBe(false);
  });

  it.each(['none', 'auto', 'required'] as const)('maps toolChoice %s to the mode', (mode) => {
    const request = invokeRequestOf('t', { prompt: 'x', tools: [{ name: 'a' }], toolChoice: mode }, 'k');
    expect(request.toolChoice).toEqual({ mode });
  });

  it('leaves toolChoice and parallelToolCalls unset when not given', () => {
    const request = invokeRequestOf('t', { prompt: 'x', tools: [{ name: 'a' }] }, 'k');
    expect(request.toolChoice).toBeUndefined();
    expect(request.parallelToolCalls).toBeUndefined();
  });

  it('maps a tool loop: developer, an assistant turn with calls, and a tool result', () => {
    const call = { id: 'call_1', name: 'lookup_order', arguments: '{"order_id":"42"}' };
    // A call copied from an OpenAI answer carries more than the three fields: they are dropped.
    const openAiShaped = { ...call, type: 'function' };
    const request = invokeRequestOf(
      'support',
      {
        messages: [
          { role: 'developer', content: 'You help with orders.' },
          { role: 'user', content: 'Where is order 42?', name: 'ada' },
          { role: 'assistant', content: '', toolCalls: [openAiShaped] },
          { role: 'tool', content: '{"status":"shipped"}', toolCallId: 'call_1' },
        ],
      },
      'k',
    );
    expect(request.messages).toEqual([
      { role: 'developer', content: 'You help with orders.', toolCalls: [], toolCallId: '', name: '' },
      { role: 'user', content: 'Where is order 42?', toolCalls: [], toolCallId: '', name: 'ada' },
      { role: 'assistant', content: '', toolCalls: [call], toolCallId: '', name: '' },
      { role: 'tool', content: '{"status":"shipped"}', toolCalls: [], toolCallId: 'call_1', name: '' },
    ]);
  });

  it('passes logprobs and penalties in the parameters', () => {
    const parameters = { logprobs: true, topLogprobs: 3, frequencyPenalty: 0.5, presencePenalty: -1 };
    expect(invokeRequestOf('t', { prompt: 'x', parameters }, 'k').parameters).toEqual({ ...parameters, stop: [] });
  });
});

describe('resultOf', () => {
  it('fills the messages protobuf left out', () => {
    expect(resultOf({ output: 'hi', finishReason: 'stop', callId: 'c1', toolCalls: [], logprobs: [] })).toEqual({
      output: 'hi',
      json: undefined,
      finishReason: 'stop',
      answeredBy: { specialist: '', model: '', adapter: '', replica: '', tier: 'specialist', fallbackReason: '' },
      usage: { promptTokens: 0, completionTokens: 0 },
      timings: { queueMs: 0, serviceMs: 0, timeToFirstTokenMs: 0, totalMs: 0 },
      callId: 'c1',
      toolCalls: [],
      logprobs: [],
    });
  });

  it('maps tool calls and logprobs', () => {
    const response: InvokeResponse = {
      output: '',
      finishReason: 'tool_calls',
      callId: 'c2',
      toolCalls: [
        { id: 'call_a', name: 'lookup_order', arguments: '{"order_id":"42"}' },
        { id: 'call_b', name: 'current_time', arguments: '{}' },
      ],
      logprobs: [
        { token: '{"', logprob: -0.1, topLogprobs: [{ token: '{"', logprob: -0.1 }] },
        { token: 'order', logprob: -0.5, topLogprobs: [] },
      ],
    };
    const result = resultOf(response);
    expect(result.toolCalls).toEqual(response.toolCalls);
    expect(result.logprobs).toEqual(response.logprobs);
    expect(result.finishReason).toBe('tool_calls');
  });

  it('keeps the parsed JSON answer', () => {
    const result = resultOf<{ total: number }>({
      output: '{"total":3}',
      json: { total: 3 },
      finishReason: '',
      callId: '',
      toolCalls: [],
      logprobs: [],
    });
    expect(result.json?.total).toBe(3);
  });
});

describe('toolCallDeltasOf', () => {
  it('yields the pieces in order, with id and name only where the chunk set them', () => {
    const chunk: InvokeChunk = {
      delta: '',
      toolCalls: [
        { index: 0, id: 'call_a', name: 'lookup_order', arguments: '' },
        { index: 0, id: '', name: '', arguments: '{"order_id":' },
        { index: 1, id: 'call_b', name: 'refund', arguments: '{"' },
      ],
    };
    expect(toolCallDeltasOf(chunk)).toEqual([
      { type: 'toolCall', index: 0, id: 'call_a', name: 'lookup_order', arguments: '' },
      { type: 'toolCall', index: 0, arguments: '{"order_id":' },
      { type: 'toolCall', index: 1, id: 'call_b', name: 'refund', arguments: '{"' },
    ]);
    expect(toolCallDeltasOf({ delta: 'text', toolCalls: [] })).toEqual([]);
  });
});

describe('taskInfoOf', () => {
  const task = { name: 'a', namespace: 'n', source: 'AgentTask', priority: 1, timeoutMs: 5, routes: [], tools: [] };

  it('parses the JSON schema and leaves it undefined when the task has none', () => {
    expect(taskInfoOf({ ...task, jsonSchema: '{"type":"object"}' }).jsonSchema).toEqual({ type: 'object' });
    expect(taskInfoOf({ ...task, jsonSchema: '' }).jsonSchema).toBeUndefined();
  });

  it("maps the task's tool set with parsed parameters", () => {
    const tools = [
      { name: 'lookup_order', description: 'Find an order', parameters: '{"type":"object"}', strict: true },
      { name: 'current_time', description: '', parameters: '' },
    ];
    expect(taskInfoOf({ ...task, jsonSchema: '', tools }).tools).toEqual([
      { name: 'lookup_order', description: 'Find an order', parameters: { type: 'object' }, strict: true },
      { name: 'current_time', description: '', parameters: undefined, strict: undefined },
    ]);
    expect(taskInfoOf({ ...task, jsonSchema: '' }).tools).toEqual([]);
  });
});

describe('deadlineOf', () => {
  it('takes the deadline, else the timeout, else the default, from now', () => {
    expect(deadlineOf({ deadline: new Date(5_000), timeoutMs: 1 }, 30_000, 1_000)).toBe(5_000);
    expect(deadlineOf({ deadline: 7_000 }, 30_000, 1_000)).toBe(7_000);
    expect(deadlineOf({ timeoutMs: 2_000 }, 30_000, 1_000)).toBe(3_000);
    expect(deadlineOf({}, 30_000, 1_000)).toBe(31_000);
  });
});
