import { describe, expect, it } from 'vitest';
import type { CallResult, StreamDelta } from '@slm-fleet/queue';
import { PendingCall } from './pending-call.js';

const result = (output: string): CallResult => ({
  output,
  finishReason: 'stop',
  model: 'm',
  replica: 'r',
  usage: { promptTokens: 1, completionTokens: 2 },
  timings: { queueMs: 0, serviceMs: 0, timeToFirstTokenMs: 0 },
});

function streaming(): { call: PendingCall; deltas: string[]; pieces: StreamDelta[] } {
  const deltas: string[] = [];
  const pieces: StreamDelta[] = [];
  const onDelta = (d: StreamDelta): void => {
    pieces.push(d);
    if (d.text) deltas.push(d.text);
  };
  return { call: new PendingCall('c', 'j', 'q', 'ns/a', 0, onDelta, 0), deltas, pieces };
}

const toolChunk = (attempt: string, seq: number, toolCalls: StreamDelta['toolCalls']) =>
  ({ callId: 'c', type: 'chunk', attempt, seq, text: '', toolCalls }) as const;

describe('PendingCall', () => {
  it('forwards chunks and resolves on done', async () => {
    const { call, deltas } = streaming();
    call.onReply({ callId: 'c', type: 'chunk', attempt: 'a1', seq: 0, text: 'Hel' });
    call.onReply({ callId: 'c', type: 'chunk', attempt: 'a1', seq: 1, text: 'lo' });
    call.onReply({ callId: 'c', type: 'done', result: result('Hello') });
    expect(deltas).toEqual(['Hel', 'lo']);
    await expect(call.result).resolves.toMatchObject({ output: 'Hello' });
  });

  it('does not repeat text when a new attempt regenerates it', () => {
    const { call, deltas } = streaming();
    call.onReply({ callId: 'c', type: 'chunk', attempt: 'a1', seq: 0, text: 'Hello' });
    call.onReply({ callId: 'c', type: 'chunk', attempt: 'a2', seq: 0, text: 'Hel' });
    call.onReply({ callId: 'c', type: 'chunk', attempt: 'a2', seq: 1, text: 'lo world' });
    expect(deltas).toEqual(['Hello', ' world']);
  });

  it('fails the call when a new attempt says something else', async () => {
    const { call } = streaming();
    call.onReply({ callId: 'c', type: 'chunk', attempt: 'a1', seq: 0, text: 'Hello' });
    call.onReply({ callId: 'c', type: 'chunk', attempt: 'a2', seq: 0, text: 'Bye' });
    await expect(call.result).rejects.toMatchObject({ code: 'UNAVAILABLE', reason: 'STREAM_INTERRUPTED' });
  });

  it('sends the rest of the text when the answer is recovered from the job', () => {
    const { call, deltas } = streaming();
    call.onReply({ callId: 'c', type: 'chunk', attempt: 'a1', seq: 0, text: 'He' });
    call.complete(result('Hello'));
    expect(deltas).toEqual(['He', 'llo']);
  });

  it('ignores replies after it settled', async () => {
    const { call } = streaming();
    call.onReply({ callId: 'c', type: 'error', error: { kind: 'engine', message: 'boom' } });
    expect(call.onReply({ callId: 'c', type: 'done', result: result('late') })).toBe(false);
    await expect(call.result).rejects.toMatchObject({ code: 'UNAVAILABLE', reason: 'SPECIALIST_FAILED' });
  });

  it.each([
    ['deadline', 'DEADLINE_EXCEEDED'],
    ['cancelled', 'CANCELLED'],
    ['invalid', 'INVALID_ARGUMENT'],
  ] as const)('maps a worker %s error to %s', async (kind, code) => {
    const { call } = streaming();
    call.onReply({ callId: 'c', type: 'error', error: { kind, message: 'x' } });
    await expect(call.result).rejects.toMatchObject({ code });
  });

  describe('tool calls', () => {
    const call0 = { index: 0, id: 'call_1', name: 'lookup_order' };

    it('forwards a tool call once its id and name are known, then its arguments in pieces', async () => {
      const { call, pieces } = streaming();
      call.onReply(toolChunk('a1', 0, [{ ...call0, arguments: '' }]));
      call.onReply(toolChunk('a1', 1, [{ index: 0, arguments: '{"id":' }]));
      call.onReply(toolChunk('a1', 2, [{ index: 0, arguments: '7}' }]));
      const calls = [
        { id: 'call_1', type: 'function' as const, function: { name: 'lookup_order', arguments: '{"id":7}' } },
      ];
      call.onReply({
        callId: 'c',
        type: 'done',
        result: { ...result(''), toolCalls: calls, finishReason: 'tool_calls' },
      });
      expect(pieces).toEqual([
        { toolCalls: [{ ...call0, arguments: '' }] },
        { toolCalls: [{ index: 0, arguments: '{"id":' }] },
        { toolCalls: [{ index: 0, arguments: '7}' }] },
      ]);
      await expect(call.result).resolves.toMatchObject({ toolCalls: calls });
    });

    it('holds a tool call whose name has not come yet', () => {
      const { call, pieces } = streaming();
      call.onReply(toolChunk('a1', 0, [{ index: 0, id: 'call_1', arguments: '{' }]));
      expect(pieces).toEqual([]);
      call.onReply(toolChunk('a1', 1, [{ index: 0, name: 'refund', arguments: '}' }]));
      expect(pieces).toEqual([{ toolCalls: [{ index: 0, id: 'call_1', name: 'refund', arguments: '{}' }] }]);
    });

    it('does not repeat a tool call when a new attempt regenerates it', () => {
      const { call, pieces } = streaming();
      call.onReply(toolChunk('a1', 0, [{ ...call0, arguments: '{"id":7' }]));
      call.onReply(toolChunk('a2', 0, [{ ...call0, arguments: '{"i' }]));
      call.onReply(toolChunk('a2', 1, [{ index: 0, arguments: 'd":7}' }]));
      expect(pieces).toEqual([
        { toolCalls: [{ ...call0, arguments: '{"id":7' }] },
        { toolCalls: [{ index: 0, arguments: '}' }] },
      ]);
    });

    it('fails the call when a new attempt calls another tool', async () => {
      const { call } = streaming();
      call.onReply(toolChunk('a1', 0, [{ ...call0, arguments: '{' }]));
      call.onReply(toolChunk('a2', 0, [{ index: 0, id: 'call_1', name: 'refund', arguments: '{' }]));
      await expect(call.result).rejects.toMatchObject({ reason: 'STREAM_INTERRUPTED' });
    });

    it('sends the rest of the tool calls when the answer is recovered from the job', () => {
      const { call, pieces } = streaming();
      call.onReply(toolChunk('a1', 0, [{ ...call0, arguments: '{"id"' }]));
      const calls = [
        { id: 'call_1', type: 'function' as const, function: { name: 'lookup_order', arguments: '{"id":7}' } },
        { id: 'call_2', type: 'function' as const, function: { name: 'refund', arguments: '{}' } },
      ];
      call.complete({ ...result(''), toolCalls: calls });
      expect(pieces.at(-1)).toEqual({
        toolCalls: [
          { index: 0, arguments: ':7}' },
          { index: 1, id: 'call_2', name: 'refund', arguments: '{}' },
        ],
      });
    });
  });
});
