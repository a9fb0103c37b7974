import { describe, expect, it } from 'vitest';
import { CompletionStreamReader } from './completion-stream.js';
import { EngineError } from './engine-error.js';

const event = (data: unknown): string => `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
const delta = (content: string, finish: string | null = null): unknown => ({
  model: 'm1',
  choices: [{ index: 0, delta: { content }, finish_reason: finish }],
});

describe('CompletionStreamReader', () => {
  it('collects the deltas in order, the finish reason and the usage chunk', () => {
    const deltas: string[] = [];
    const reader = new CompletionStreamReader((delta) => deltas.push(delta.text ?? ''));
    const body =
      event({ choices: [{ delta: { role: 'assistant' } }] }) +
      event(delta('Hel')) +
      event(delta('lo')) +
      event(delta(' world', 'length')) +
      event({ choices: [], usage: { prompt_tokens: 7, completion_tokens: 3 } }) +
      event('[DONE]');
    // Split mid-event, as TCP does.
    for (let i = 0; i < body.length; i += 13) reader.feed(body.slice(i, i + 13));

    expect(deltas).toEqual(['Hel', 'lo', ' world']);
    expect(reader.finish()).toEqual({
      output: 'Hello world',
      toolCalls: undefined,
      logprobs: undefined,
      finishReason: 'length',
      model: 'm1',
      usage: { promptTokens: 7, completionTokens: 3 },
      done: true,
    });
  });

  it('fails transiently when the stream ends before the answer is complete', () => {
    const reader = new CompletionStreamReader();
    reader.feed(event(delta('Hel')));
    expect(() => reader.finish()).toThrow(/closed the stream/);
  });

  it('accepts a stream with a finish reason but no [DONE]', () => {
    const reader = new CompletionStreamReader();
    reader.feed(event(delta('ok', 'stop')));
    expect(reader.finish()).toMatchObject({ output: 'ok', finishReason: 'stop', done: false, usage: undefined });
  });

  it('turns an error event after a 200 into a transient EngineError', () => {
    const reader = new CompletionStreamReader();
    let thrown: unknown;
    try {
      reader.feed(event(delta('a')) + event({ error: { message: 'CUDA out of memory' } }));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(EngineError);
    expect((thrown as EngineError).kind).toBe('transient');
    expect((thrown as EngineError).message).toContain('CUDA out of memory');
  });

  it('rejects events that are not JSON', () => {
    const reader = new CompletionStreamReader();
    expect(() => reader.feed(event('{oops'))).toThrow(/not JSON/);
  });

  it('assembles streamed tool calls, forwarding each piece, and keeps the logprobs', () => {
    const pieces: unknown[] = [];
    const reader = new CompletionStreamReader((delta) => pieces.push(delta));
    const call = (piece: object, logprob?: number): unknown => ({
      choices: [
        {
          delta: { tool_calls: [piece] },
          logprobs: logprob === undefined ? null : { content: [{ token: 't', logprob, top_logprobs: [] }] },
        },
      ],
    });
    reader.feed(
      event(call({ index: 0, id: 'call_a', type: 'function', function: { name: 'refund', arguments: '' } }, -0.5)) +
        event(call({ index: 0, function: { arguments: '{"id":' } }, -0.25)) +
        event(call({ index: 0, function: { arguments: '7}' } })) +
        // No id from this engine: the reader makes one, so the call can be answered.
        event(call({ index: 1, function: { name: 'escalate', arguments: '{}' } })) +
        event({ choices: [{ delta: {}, finish_reason: 'tool_calls' }] }) +
        event('[DONE]'),
    );
    const answer = reader.finish();
    expect(answer.toolCalls).toMatchObject([
      { id: 'call_a', type: 'function', function: { name: 'refund', arguments: '{"id":7}' } },
      { type: 'function', function: { name: 'escalate', arguments: '{}' } },
    ]);
    expect(answer.toolCalls?.[1]?.id).toMatch(/^call_\w+/);
    expect(answer.finishReason).toBe('tool_calls');
    expect(answer.logprobs?.map((l) => l.logprob)).toEqual([-0.5, -0.25]);
    expect(pieces[0]).toEqual({ toolCalls: [{ index: 0, id: 'call_a', name: 'refund' }] });
    expect(pieces[1]).toEqual({ toolCalls: [{ index: 0, arguments: '{"id":' }] });
  });
});
