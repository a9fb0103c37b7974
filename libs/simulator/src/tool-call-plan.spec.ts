import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import type { ApiError } from './api-error.js';
import type { ToolSpec } from './chat-tools.js';
import { createRng } from './prng.js';
import { planToolCalls } from './tool-call-plan.js';

const ORDER = {
  type: 'object',
  properties: {
    order_id: { type: 'string', format: 'uuid' },
    quantity: { type: 'integer', minimum: 1, maximum: 9 },
    express: { type: 'boolean' },
  },
  required: ['order_id', 'quantity'],
  additionalProperties: false,
};
const lookup: ToolSpec = { name: 'lookup_order', parameters: ORDER, index: 0 };
const now: ToolSpec = { name: 'now', parameters: { type: 'object' }, index: 1 };

/** The arguments of each call as JSON text. */
const argumentsOf = (plan: ReturnType<typeof planToolCalls>) =>
  (plan.toolCalls ?? []).map(({ start, end }) => plan.tokens.slice(start, end).join(''));

describe('planToolCalls', () => {
  it('calls the tool with arguments that satisfy its parameters, finishing with tool_calls', () => {
    const plan = planToolCalls([lookup], undefined, createRng(1));
    expect(plan.finishReason).toBe('tool_calls');
    expect(plan.toolCalls).toEqual([
      { id: expect.stringMatching(/^call_[A-Za-z0-9]{24}$/), name: 'lookup_order', start: 0, end: plan.tokens.length },
    ]);
    const [text] = argumentsOf(plan);
    expect(new Ajv({ formats: { uuid: true } }).validate(ORDER, JSON.parse(text!))).toBe(true);
    expect(plan.tokens.length).toBeGreaterThan(5); // arguments cut into tokens, one chunk each
  });

  it('gives a tool without parameters empty arguments, one token', () => {
    const plan = planToolCalls([now], undefined, createRng(1));
    expect(plan.tokens).toEqual(['{}']);
  });

  it('places several calls one after another, with distinct ids', () => {
    const plan = planToolCalls([lookup, now], undefined, createRng(3));
    const [first, second] = plan.toolCalls!;
    expect(first!.end).toBe(second!.start);
    expect(second!.end).toBe(plan.tokens.length);
    expect(first!.id).not.toBe(second!.id);
    expect(argumentsOf(plan)[1]).toBe('{}');
  });

  it('answers the same seed with the same ids and arguments', () => {
    expect(planToolCalls([lookup, now], undefined, createRng(5))).toEqual(
      planToolCalls([lookup, now], undefined, createRng(5)),
    );
    expect(planToolCalls([lookup], undefined, createRng(5)).toolCalls![0]!.id).not.toBe(
      planToolCalls([lookup], undefined, createRng(6)).toolCalls![0]!.id,
    );
  });

  it.each<[string, (firstEnd: number, total: number) => number, number]>([
    ['inside the first call: its arguments partial, the second call dropped', () => 2, 1],
    ['at the end of the first call: the second call dropped', (firstEnd) => firstEnd, 1],
    ['at the first token of the second call', (firstEnd) => firstEnd + 1, 2],
    ['inside the second call', (_firstEnd, total) => total - 1, 2],
  ])('cuts at max_tokens %s, finishing with length', (_case, at, calls) => {
    const refund: ToolSpec = { ...lookup, name: 'refund_order', index: 1 };
    const whole = planToolCalls([lookup, refund], undefined, createRng(2));
    const maxTokens = at(whole.toolCalls![0]!.end, whole.tokens.length);
    const plan = planToolCalls([lookup, refund], maxTokens, createRng(2));
    expect(plan.finishReason).toBe('length');
    expect(plan.tokens).toEqual(whole.tokens.slice(0, maxTokens));
    expect(plan.toolCalls).toHaveLength(calls);
    expect(plan.toolCalls!.map((call) => call.id)).toEqual(whole.toolCalls!.slice(0, calls).map((call) => call.id));
    expect(plan.toolCalls!.at(-1)!.end).toBe(maxTokens);
  });

  it('does not cut when max_tokens leaves room', () => {
    const whole = planToolCalls([lookup], undefined, createRng(2));
    expect(planToolCalls([lookup], whole.tokens.length, createRng(2))).toEqual(whole);
  });

  it('refuses a parameters schema it cannot satisfy with a 400 naming the tool parameters', () => {
    const remote: ToolSpec = { name: 'x', parameters: { $ref: 'http://example.com/s.json' }, index: 3 };
    expect(() => planToolCalls([remote], undefined, createRng(1))).toThrow(
      expect.objectContaining({ status: 400, param: 'tools[3].function.parameters' }) as ApiError,
    );
  });
});
