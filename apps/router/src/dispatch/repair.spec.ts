import { describe, expect, it } from 'vitest';
import type { CallResult, ChatMessage } from '@slm-fleet/queue';
import { repairMessages } from './repair.js';

const asked: ChatMessage[] = [{ role: 'user', content: 'Invoice: 12 EUR' }];
const result = (fields: Partial<CallResult>): CallResult => ({
  output: '',
  finishReason: 'stop',
  model: 'm',
  replica: 'r',
  usage: { promptTokens: 1, completionTokens: 1 },
  timings: { queueMs: 0, serviceMs: 0, timeToFirstTokenMs: 0 },
  ...fields,
});

describe('repairMessages', () => {
  it('echoes an invalid text answer and says what was wrong', () => {
    const messages = repairMessages(asked, result({ output: '{"total":"x"}' }), 'total must be number');
    expect(messages).toEqual([
      ...asked,
      { role: 'assistant', content: '{"total":"x"}' },
      { role: 'user', content: expect.stringMatching(/^Your previous answer is not valid: total must be number\./) },
    ]);
  });

  it('describes an invalid tool call instead of echoing it (its results would be missing)', () => {
    const call = { id: 'c1', type: 'function' as const, function: { name: 'refund', arguments: '{"amount":-1}' } };
    const messages = repairMessages(asked, result({ toolCalls: [call], finishReason: 'tool_calls' }), 'amount >= 0');
    expect(messages).toHaveLength(2);
    expect(messages[1]).toEqual({
      role: 'user',
      content: expect.stringMatching(/called refund\(\{"amount":-1\}\), which is not valid: amount >= 0/),
    });
  });
});
