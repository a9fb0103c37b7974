import { describe, expect, it } from 'vitest';
import { chatCompletion, modelList } from './openai-responses.js';

const meta = { id: 'chatcmpl-sim-1', created: 1700000000, model: 'sim-model' };

describe('chatCompletion', () => {
  it('is an OpenAI chat.completion with the joined text and usage', () => {
    expect(chatCompletion(meta, { tokens: ['Hello', ' world'], finishReason: 'stop' }, 7)).toEqual({
      ...meta,
      object: 'chat.completion',
      choices: [
        { index: 0, message: { role: 'assistant', content: 'Hello world' }, logprobs: null, finish_reason: 'stop' },
      ],
      usage: { prompt_tokens: 7, completion_tokens: 2, total_tokens: 9 },
    });
  });

  it('answers tool calls with no content, each call its arguments, finishing with tool_calls', () => {
    const plan = {
      tokens: ['{"', 'id', '":', '7', '}', '{}'],
      finishReason: 'tool_calls' as const,
      toolCalls: [
        { id: 'call_a', name: 'lookup_order', start: 0, end: 5 },
        { id: 'call_b', name: 'now', start: 5, end: 6 },
      ],
    };
    const choice = chatCompletion(meta, plan, 7).choices[0];
    expect(choice).toEqual({
      index: 0,
      message: {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_a', type: 'function', function: { name: 'lookup_order', arguments: '{"id":7}' } },
          { id: 'call_b', type: 'function', function: { name: 'now', arguments: '{}' } },
        ],
      },
      logprobs: null,
      finish_reason: 'tool_calls',
    });
  });

  it('reports the logprobs of every token under logprobs.content when the plan has them', () => {
    const entry = (token: string) => ({ token, logprob: -0.5, bytes: [...Buffer.from(token)], top_logprobs: [] });
    const plan = { tokens: ['a', ' b'], finishReason: 'stop' as const, logprobs: [entry('a'), entry(' b')] };
    expect(chatCompletion(meta, plan, 1).choices[0]?.logprobs).toEqual({ content: [entry('a'), entry(' b')] });
  });
});

describe('modelList', () => {
  it('names the simulator as owner, never a model vendor', () => {
    expect(modelList('sim-model', 1, 4096).data).toEqual([
      expect.objectContaining({ id: 'sim-model', object: 'model', owned_by: 'slm-fleet-simulator' }),
    ]);
  });

  it('lists LoRA adapters after the model, as vLLM does, with the model as parent', () => {
    expect(modelList('base', 1, 4096, ['sql']).data).toEqual([
      expect.objectContaining({ id: 'base', parent: null }),
      expect.objectContaining({ id: 'sql', parent: 'base', owned_by: 'slm-fleet-simulator' }),
    ]);
  });
});
