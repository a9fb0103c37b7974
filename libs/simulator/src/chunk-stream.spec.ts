import { describe, expect, it } from 'vitest';
import type { AnswerPlan } from './answer-plan.js';
import { ChunkStream } from './chunk-stream.js';
import { tokenLogprobs } from './logprobs.js';
import { chatCompletion } from './openai-responses.js';

const meta = { id: 'chatcmpl-sim-1', created: 1700000000, model: 'sim-model' };

interface Choice {
  delta: Record<string, unknown>;
  logprobs: { content: unknown[] } | null;
  finish_reason: string | null;
}
const choiceOf = (chunk: Record<string, unknown>): Choice | undefined => (chunk.choices as Choice[])[0];

/** The JSON objects of an SSE text, and whether it ends with [DONE]. */
function events(text: string): { chunks: Record<string, unknown>[]; done: boolean } {
  const lines = text.split('\n\n').filter(Boolean);
  expect(lines.every((line) => line.startsWith('data: '))).toBe(true);
  const payloads = lines.map((line) => line.slice('data: '.length));
  const done = payloads.at(-1) === '[DONE]';
  return { chunks: payloads.filter((p) => p !== '[DONE]').map((p) => JSON.parse(p) as Record<string, unknown>), done };
}

describe('ChunkStream', () => {
  it('streams role, one chunk per token, finish reason and [DONE], all valid JSON', () => {
    const stream = new ChunkStream(meta, false);
    const tokens = ['He said "hi"', '\n', ' ok'];
    const { chunks, done } = events(stream.role() + stream.content(tokens, 0, 3) + stream.end('length', 5, 3));
    expect(done).toBe(true);
    expect(chunks.map((c) => (c.choices as { delta: unknown }[])[0]?.delta)).toEqual([
      { role: 'assistant', content: '' },
      { content: 'He said "hi"' },
      { content: '\n' },
      { content: ' ok' },
      {},
    ]);
    expect(chunks.at(-1)).toEqual({
      ...meta,
      object: 'chat.completion.chunk',
      choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'length' }],
    });
  });

  it('writes only the tokens in the range asked for', () => {
    const { chunks } = events(new ChunkStream(meta, false).content(['a', 'b', 'c', 'd'], 1, 3));
    expect(chunks.map((c) => (c.choices as { delta: { content: string } }[])[0]?.delta.content)).toEqual(['b', 'c']);
  });

  it('adds a usage chunk with no choices when include_usage is set, and usage null before it', () => {
    const stream = new ChunkStream(meta, true);
    const { chunks } = events(stream.role() + stream.end('stop', 4, 0));
    expect(chunks[0]).toMatchObject({ usage: null });
    expect(chunks.at(-1)).toEqual({
      ...meta,
      object: 'chat.completion.chunk',
      choices: [],
      usage: { prompt_tokens: 4, completion_tokens: 0, total_tokens: 4 },
    });
  });

  const toolPlan: AnswerPlan = {
    tokens: ['{"', 'order', '":"', 'A', ' 7', '"}', '{}'],
    finishReason: 'tool_calls',
    toolCalls: [
      { id: 'call_one', name: 'lookup_order', start: 0, end: 6 },
      { id: 'call_two', name: 'now', start: 6, end: 7 },
    ],
  };

  it('streams tool calls as OpenAI and vLLM do: id and name first, then one argument token per chunk', () => {
    const stream = new ChunkStream(meta, false);
    const text = stream.role() + stream.tokens(toolPlan, 0, 7) + stream.end('tool_calls', 3, 7);
    const { chunks } = events(text);
    expect(chunks.map((chunk) => choiceOf(chunk)?.delta)).toEqual([
      { role: 'assistant', content: '' },
      {
        tool_calls: [{ index: 0, id: 'call_one', type: 'function', function: { name: 'lookup_order', arguments: '' } }],
      },
      ...['{"', 'order', '":"', 'A', ' 7', '"}'].map((piece) => ({
        tool_calls: [{ index: 0, function: { arguments: piece } }],
      })),
      { tool_calls: [{ index: 1, id: 'call_two', type: 'function', function: { name: 'now', arguments: '' } }] },
      { tool_calls: [{ index: 1, function: { arguments: '{}' } }] },
      {},
    ]);
    expect(choiceOf(chunks.at(-1)!)?.finish_reason).toBe('tool_calls');
  });

  it.each([
    [1, 6],
    [5, 6],
    [6, 7],
    [2, 2],
  ])('writes the same chunks whichever tokens fall due together (split at %i and %i)', (a, b) => {
    const stream = new ChunkStream(meta, false);
    const split = stream.tokens(toolPlan, 0, a) + stream.tokens(toolPlan, a, b) + stream.tokens(toolPlan, b, 7);
    expect(split).toBe(stream.tokens(toolPlan, 0, 7));
  });

  it('streamed tool calls add up to the non-streamed message', () => {
    const stream = new ChunkStream(meta, false);
    const { chunks } = events(stream.tokens(toolPlan, 0, 7));
    const calls: { id?: string; type?: string; function: { name?: string; arguments: string } }[] = [];
    for (const chunk of chunks) {
      const deltas = choiceOf(chunk)?.delta.tool_calls as {
        index: number;
        id?: string;
        type?: string;
        function: { name?: string; arguments: string };
      }[];
      for (const { index, id, type, function: fn } of deltas) {
        const call = (calls[index] ??= { function: { arguments: '' } });
        if (id) Object.assign(call, { id, type, function: { name: fn.name, arguments: call.function.arguments } });
        call.function.arguments += fn.arguments;
      }
    }
    expect(calls).toEqual(chatCompletion(meta, toolPlan, 0).choices[0]?.message.tool_calls);
  });

  it("puts each token's logprobs on its own chunk, and none on the chunks without a token", () => {
    const tokens = ['Hi', ' there'];
    const plan: AnswerPlan = { tokens, finishReason: 'stop', logprobs: tokenLogprobs(tokens, 2, 42) };
    const stream = new ChunkStream(meta, false);
    const { chunks } = events(stream.role() + stream.tokens(plan, 0, 2) + stream.end('stop', 1, 2));
    expect(chunks.map((chunk) => choiceOf(chunk)?.logprobs)).toEqual([
      null,
      { content: [plan.logprobs![0]] },
      { content: [plan.logprobs![1]] },
      null,
    ]);
    expect(chunks.map((chunk) => choiceOf(chunk)?.delta.content)).toEqual(['', 'Hi', ' there', undefined]);
  });

  it('puts logprobs on argument chunks too, but not on the chunk that opens a call', () => {
    const plan: AnswerPlan = { ...toolPlan, logprobs: tokenLogprobs(toolPlan.tokens, 0, 7) };
    const { chunks } = events(new ChunkStream(meta, false).tokens(plan, 0, 7));
    const logprobs = chunks.map((chunk) => choiceOf(chunk)?.logprobs?.content);
    expect(logprobs.filter((content) => content === undefined)).toHaveLength(2); // two openings
    expect(logprobs.flatMap((content) => content ?? [])).toEqual(plan.logprobs);
  });

  it('writes plain text the same through tokens() as through content()', () => {
    const stream = new ChunkStream(meta, true);
    const tokens = ['a', ' "b"', '\n'];
    expect(stream.tokens({ tokens, finishReason: 'stop' }, 0, 3)).toBe(stream.content(tokens, 0, 3));
  });
});
