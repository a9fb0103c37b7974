import { describe, expect, it } from 'vitest';
import { ChunkStream, chatCompletion, modelList } from './openai-responses.js';

const meta = { id: 'chatcmpl-sim-1', created: 1700000000, model: 'sim-model' };

/** The JSON objects of an SSE text, and whether it ends with [DONE]. */
function events(text: string): { chunks: Record<string, unknown>[]; done: boolean } {
  const lines = text.split('\n\n').filter(Boolean);
  expect(lines.every((line) => line.startsWith('data: '))).toBe(true);
  const payloads = lines.map((line) => line.slice('data: '.length));
  const done = payloads.at(-1) === '[DONE]';
  return { chunks: payloads.filter((p) => p !== '[DONE]').map((p) => JSON.parse(p) as Record<string, unknown>), done };
}

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
});

describe('modelList', () => {
  it('names the simulator as owner, never a model vendor', () => {
    expect(modelList('sim-model', 1, 4096).data).toEqual([
      expect.objectContaining({ id: 'sim-model', object: 'model', owned_by: 'slm-fleet-simulator' }),
    ]);
  });
});

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
});
