import { describe, expect, it } from 'vitest';
import { deadlineOf, invokeRequestOf, resultOf, taskInfoOf } from './request-mapping.js';

describe('invokeRequestOf', () => {
  it('maps a prompt with defaults for every unset field', () => {
    expect(invokeRequestOf('summarize', { prompt: 'hello' }, 'key-1')).toEqual({
      task: 'summarize',
      messages: [],
      prompt: 'hello',
      jsonSchema: '',
      idempotencyKey: 'key-1',
      sessionKey: '',
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
        { role: 'system', content: 'Extract.' },
        { role: 'user', content: 'Invoice 7: 12 EUR' },
      ],
      prompt: '',
      parameters: { maxTokens: 64, temperature: 0, stop: ['\n\n'] },
      jsonSchema: JSON.stringify(schema),
      idempotencyKey: 'key-2',
      sessionKey: 'session-9',
      priority: -5,
    });
  });

  it('passes a schema given as JSON text unchanged, and priority 0 as set', () => {
    const request = invokeRequestOf('t', { prompt: 'x', jsonSchema: '{"type":"object"}', priority: 0 }, 'k');
    expect(request.jsonSchema).toBe('{"type":"object"}');
    expect(request.priority).toBe(0);
  });
});

describe('resultOf', () => {
  it('fills the messages protobuf left out', () => {
    expect(resultOf({ output: 'hi', finishReason: 'stop', callId: 'c1' })).toEqual({
      output: 'hi',
      json: undefined,
      finishReason: 'stop',
      answeredBy: { specialist: '', model: '', adapter: '', replica: '' },
      usage: { promptTokens: 0, completionTokens: 0 },
      timings: { queueMs: 0, serviceMs: 0, timeToFirstTokenMs: 0, totalMs: 0 },
      callId: 'c1',
    });
  });

  it('keeps the parsed JSON answer', () => {
    const result = resultOf<{ total: number }>({
      output: '{"total":3}',
      json: { total: 3 },
      finishReason: '',
      callId: '',
    });
    expect(result.json?.total).toBe(3);
  });
});

describe('taskInfoOf', () => {
  it('parses the JSON schema and leaves it undefined when the task has none', () => {
    const task = { name: 'a', namespace: 'n', source: 'AgentTask', priority: 1, timeoutMs: 5, routes: [] };
    expect(taskInfoOf({ ...task, jsonSchema: '{"type":"object"}' }).jsonSchema).toEqual({ type: 'object' });
    expect(taskInfoOf({ ...task, jsonSchema: '' }).jsonSchema).toBeUndefined();
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
