import { describe, expect, it } from 'vitest';
import type { CallResult } from '@slm-fleet/queue';
import { PendingCall } from './pending-call.js';

const result = (output: string): CallResult => ({
  output,
  finishReason: 'stop',
  model: 'm',
  replica: 'r',
  usage: { promptTokens: 1, completionTokens: 2 },
  timings: { queueMs: 0, serviceMs: 0, timeToFirstTokenMs: 0 },
});

function streaming(): { call: PendingCall; deltas: string[] } {
  const deltas: string[] = [];
  return { call: new PendingCall('c', 'j', 'q', 'ns/a', 0, (d) => deltas.push(d), 0), deltas };
}

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
});
