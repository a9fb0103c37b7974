import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { ApiError } from './api-error.js';
import { planAnswer } from './answer-plan.js';
import { parseChatRequest } from './chat-request.js';

const MODEL = 'sim-model';
const request = (extra: Record<string, unknown> = {}, content = 'What is in this invoice?') =>
  parseChatRequest({ model: MODEL, messages: [{ role: 'user', content }], ...extra }, MODEL);

describe('planAnswer', () => {
  it('answers plain text of outputTokens word tokens, finishing with stop', () => {
    const plan = planAnswer(request(), 12);
    expect(plan.finishReason).toBe('stop');
    expect(plan.tokens).toHaveLength(12);
    expect(plan.tokens[0]).toMatch(/^[a-z]+$/);
    for (const token of plan.tokens.slice(1)) expect(token).toMatch(/^ [a-z]+$/);
  });

  it('runs plain text to max_tokens, finishing with length', () => {
    const plan = planAnswer(request({ max_tokens: 3 }), 12);
    expect(plan).toMatchObject({ finishReason: 'length' });
    expect(plan.tokens).toHaveLength(3);
  });

  it('answers the same request the same way, and another request differently', () => {
    expect(planAnswer(request(), 16)).toEqual(planAnswer(request(), 16));
    expect(planAnswer(request(), 16)).not.toEqual(planAnswer(request({}, 'Something else'), 16));
    expect(planAnswer(request({ stream: true }), 16)).toEqual(planAnswer(request(), 16));
  });

  it('answers JSON satisfying the response schema, one token per chunk, finishing with stop', () => {
    const schema = {
      type: 'object',
      properties: {
        total: { type: 'number', minimum: 0 },
        lines: { type: 'array', items: { type: 'string' }, minItems: 2 },
      },
      required: ['total', 'lines'],
      additionalProperties: false,
    };
    const plan = planAnswer(
      request({ response_format: { type: 'json_schema', json_schema: { name: 'invoice', schema } } }),
      4,
    );
    expect(plan.finishReason).toBe('stop');
    expect(plan.tokens.length).toBeGreaterThan(4); // JSON has its own length, not outputTokens
    expect(new Ajv().validate(schema, JSON.parse(plan.tokens.join('')))).toBe(true);
  });

  it('answers json_object mode with a JSON object', () => {
    const plan = planAnswer(request({ response_format: { type: 'json_object' } }), 4);
    expect(JSON.parse(plan.tokens.join(''))).toEqual({ answer: expect.any(String) });
  });

  it('cuts JSON short at max_tokens, finishing with length', () => {
    const format = {
      type: 'json_schema',
      json_schema: { name: 'x', schema: { type: 'object', properties: { a: { type: 'string' } } } },
    };
    const plan = planAnswer(request({ response_format: format, max_tokens: 2 }), 16);
    expect(plan).toMatchObject({ finishReason: 'length' });
    expect(plan.tokens).toEqual(['{"', 'a']);
  });

  it('refuses a schema it cannot satisfy with a 400 naming the schema', () => {
    const format = { type: 'json_schema', json_schema: { name: 'x', schema: { $ref: 'http://example.com/s.json' } } };
    expect(() => planAnswer(request({ response_format: format }), 16)).toThrow(
      expect.objectContaining({ status: 400, param: 'response_format.json_schema.schema' }) as ApiError,
    );
  });
});
