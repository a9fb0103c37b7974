import { describe, expect, it } from 'vitest';
import type { CallJobData } from '@slm-fleet/queue';
import { callResult, engineRequest } from './replies.js';

const data: CallJobData = {
  v: 1,
  callId: 'c1',
  task: 'demo/t',
  specialist: 'demo/s',
  messages: [{ role: 'user', content: 'hi' }],
  params: { max_tokens: 5, temperature: 0 },
  deadline: 20_000,
  enqueuedAt: 1_000,
  stream: false,
  replyTo: 'slm:replies:{r1}',
  retries: 1,
};

describe('engineRequest', () => {
  it("uses the call's model, else the worker's, and passes the parameters", () => {
    expect(engineRequest({ ...data, model: 'lora-a' }, 'base')).toEqual({
      model: 'lora-a',
      messages: data.messages,
      max_tokens: 5,
      temperature: 0,
    });
    expect(engineRequest(data, 'base').model).toBe('base');
    expect(engineRequest(data, undefined)).not.toHaveProperty('model');
  });

  it('asks for a strict JSON schema answer when the call has a schema', () => {
    const schema = { type: 'object', properties: { a: { type: 'number' } }, required: ['a'] };
    expect(engineRequest({ ...data, jsonSchema: schema }, 'm').response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'answer', schema, strict: true },
    });
    expect(engineRequest(data, 'm')).not.toHaveProperty('response_format');
  });
});

describe('callResult', () => {
  it('measures queue time from enqueue and service time from the start of processing', () => {
    const answer = {
      output: 'hello',
      finishReason: 'stop',
      model: 'm',
      usage: { promptTokens: 3, completionTokens: 1 },
      timeToFirstTokenMs: 12,
    };
    expect(callResult(data, answer, { startedAt: 1_500, finishedAt: 1_800 }, 'pod-a')).toEqual({
      output: 'hello',
      finishReason: 'stop',
      model: 'm',
      replica: 'pod-a',
      usage: { promptTokens: 3, completionTokens: 1 },
      timings: { queueMs: 500, serviceMs: 300, timeToFirstTokenMs: 12 },
    });
    // A router clock ahead of ours does not make the wait negative.
    expect(callResult(data, answer, { startedAt: 900, finishedAt: 1_000 }, 'p').timings.queueMs).toBe(0);
  });
});
