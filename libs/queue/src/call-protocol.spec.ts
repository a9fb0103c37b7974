import { describe, expect, it } from 'vitest';
import { callProtocolVersionOf, type CallJobData } from './call-protocol.js';

type Versioned = Pick<CallJobData, 'messages' | 'params' | 'tools' | 'toolChoice' | 'parallelToolCalls'>;

const plain: Versioned = {
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Total of the invoice?' },
    { role: 'assistant', content: '12.50' },
    { role: 'user', content: '' },
  ],
  params: {
    max_tokens: 100,
    temperature: 0.2,
    top_p: 0.9,
    stop: ['END'],
    seed: 7,
    frequency_penalty: 0.5,
    presence_penalty: -0.5,
  },
};

const TOOL = { type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object' } } };
const CALL = { id: 'c1', type: 'function' as const, function: { name: 'get_weather', arguments: '{}' } };

describe('callProtocolVersionOf', () => {
  it.each<[string, Versioned]>([
    ['text messages and the usual parameters', plain],
    ['a single user message and no parameters', { messages: [{ role: 'user', content: 'hi' }], params: {} }],
    [
      'fields present but undefined',
      {
        ...plain,
        tools: undefined,
        toolChoice: undefined,
        parallelToolCalls: undefined,
        params: { logprobs: undefined, top_logprobs: undefined },
        messages: [{ role: 'user', content: 'hi', name: undefined, tool_calls: undefined, tool_call_id: undefined }],
      },
    ],
  ])('is 1 for %s', (_, data) => {
    expect(callProtocolVersionOf(data)).toBe(1);
  });

  it.each<[string, Versioned]>([
    ['tools', { ...plain, tools: [TOOL] }],
    ['an empty tools array', { ...plain, tools: [] }],
    ['tool_choice', { ...plain, toolChoice: 'none' }],
    ['a named tool_choice', { ...plain, toolChoice: { type: 'function', function: { name: 'get_weather' } } }],
    ['parallel_tool_calls false', { ...plain, parallelToolCalls: false }],
    ['parallel_tool_calls true', { ...plain, parallelToolCalls: true }],
    ['logprobs true', { ...plain, params: { ...plain.params, logprobs: true } }],
    ['logprobs false', { ...plain, params: { ...plain.params, logprobs: false } }],
    ['top_logprobs', { ...plain, params: { ...plain.params, top_logprobs: 0 } }],
    [
      'a null content',
      { ...plain, messages: [...plain.messages, { role: 'assistant', content: null, tool_calls: [CALL] }] },
    ],
    ['a null content alone', { ...plain, messages: [{ role: 'assistant', content: null }] }],
    ['a name', { ...plain, messages: [{ role: 'user', content: 'hi', name: 'ann' }] }],
    ['an empty name', { ...plain, messages: [{ role: 'user', content: 'hi', name: '' }] }],
    ['tool_calls', { ...plain, messages: [{ role: 'assistant', content: 'Checking.', tool_calls: [CALL] }] }],
    ['an empty tool_calls array', { ...plain, messages: [{ role: 'assistant', content: 'x', tool_calls: [] }] }],
    ['tool_call_id', { ...plain, messages: [...plain.messages, { role: 'tool', content: '{}', tool_call_id: 'c1' }] }],
    [
      'v2 only in the last of many messages',
      { ...plain, messages: [...plain.messages, ...plain.messages, { role: 'user', content: 'hi', name: 'bob' }] },
    ],
  ])('is 2 with %s', (_, data) => {
    expect(callProtocolVersionOf(data)).toBe(2);
  });
});
