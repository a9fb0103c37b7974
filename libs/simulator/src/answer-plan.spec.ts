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

  it('plans no tool calls and no logprobs for a plain request', () => {
    const plan = planAnswer(request(), 8);
    expect(plan.toolCalls).toBeUndefined();
    expect(plan.logprobs).toBeUndefined();
  });
});

describe('planAnswer with tools', () => {
  const ORDER = {
    type: 'object',
    properties: { order_id: { type: 'string' }, quantity: { type: 'integer', minimum: 1 } },
    required: ['order_id', 'quantity'],
    additionalProperties: false,
  };
  const tools = [
    { type: 'function', function: { name: 'lookup_order', description: 'Finds an order', parameters: ORDER } },
    { type: 'function', function: { name: 'get_weather' } },
  ];
  const named = (name: string) => ({ type: 'function', function: { name } });
  const toolTurn = (result: string) => [
    { role: 'user', content: 'Where is my order?' },
    {
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup_order', arguments: '{}' } }],
    },
    { role: 'tool', tool_call_id: 'call_1', content: result },
  ];
  const withTools = (extra: Record<string, unknown>, content = 'Where is my order?') =>
    request({ tools, ...extra }, content);
  const conversation = (extra: Record<string, unknown>, messages: unknown[]) =>
    parseChatRequest({ model: MODEL, messages, tools, ...extra }, MODEL);
  const names = (plan: ReturnType<typeof planAnswer>) => plan.toolCalls?.map((call) => call.name);

  it.each<[string, () => ReturnType<typeof planAnswer>, string[] | undefined, string]>([
    ['none: text', () => planAnswer(withTools({ tool_choice: 'none' }), 5), undefined, 'stop'],
    [
      'named: that tool',
      () => planAnswer(withTools({ tool_choice: named('get_weather') }), 5),
      ['get_weather'],
      'tool_calls',
    ],
    [
      'auto on the user turn, no tool named: the first tool',
      () => planAnswer(withTools({}), 5),
      ['lookup_order'],
      'tool_calls',
    ],
    [
      'auto on the user turn naming a tool: that tool',
      () => planAnswer(withTools({}, 'get weather for Oslo'), 5),
      ['get_weather'],
      'tool_calls',
    ],
    [
      'auto naming both tools: both',
      () => planAnswer(withTools({}, 'lookup_order, then get_weather'), 5),
      ['lookup_order', 'get_weather'],
      'tool_calls',
    ],
    [
      'auto naming both tools without parallel calls: the first',
      () => planAnswer(withTools({ parallel_tool_calls: false }, 'lookup_order, then get_weather'), 5),
      ['lookup_order'],
      'tool_calls',
    ],
    [
      'auto after a tool result: text',
      () => planAnswer(conversation({}, toolTurn('{"status":"shipped"}')), 5),
      undefined,
      'stop',
    ],
    [
      'required after a tool result: a tool still',
      () => planAnswer(conversation({ tool_choice: 'required' }, toolTurn('{}')), 5),
      [expect.any(String) as unknown as string],
      'tool_calls',
    ],
  ])('%s', (_case, plan, calls, finishReason) => {
    const answer = plan();
    expect(names(answer)).toEqual(calls);
    expect(answer.finishReason).toBe(finishReason);
    if (calls === undefined) expect(answer.tokens).toHaveLength(5);
  });

  it('answers the tool with arguments that satisfy its parameters, and ids that a retry repeats', () => {
    const plan = planAnswer(withTools({ tool_choice: 'required' }), 5);
    const [call] = plan.toolCalls!;
    const args = JSON.parse(plan.tokens.slice(call!.start, call!.end).join('')) as unknown;
    expect(new Ajv().validate(call!.name === 'lookup_order' ? ORDER : { type: 'object' }, args)).toBe(true);
    expect(planAnswer(withTools({ tool_choice: 'required', stream: true }), 5)).toEqual(plan);
    expect(planAnswer(withTools({ tool_choice: 'required' }, 'Another order?'), 5).toolCalls![0]!.id).not.toBe(
      call!.id,
    );
  });

  it('spreads required over the tools by the request', () => {
    const picked = new Set(
      Array.from(
        { length: 40 },
        (_, i) => names(planAnswer(withTools({ tool_choice: 'required' }, `order ${i}`), 5))![0],
      ),
    );
    expect(picked).toEqual(new Set(['lookup_order', 'get_weather']));
  });

  it('answers a tool result with text that depends on the result', () => {
    const text = (result: string) => planAnswer(conversation({}, toolTurn(result)), 8).tokens.join('');
    expect(text('{"status":"shipped"}')).toBe(text('{"status":"shipped"}'));
    expect(text('{"status":"shipped"}')).not.toBe(text('{"status":"lost"}'));
  });

  it('answers a tool result in the response format asked for', () => {
    const format = { type: 'json_object' };
    const plan = planAnswer(conversation({ response_format: format }, toolTurn('{}')), 8);
    expect(JSON.parse(plan.tokens.join(''))).toEqual({ answer: expect.any(String) });
  });

  it('cuts tool arguments at max_tokens, finishing with length', () => {
    const plan = planAnswer(withTools({ tool_choice: named('lookup_order'), max_tokens: 3 }), 5);
    expect(plan).toMatchObject({ finishReason: 'length', toolCalls: [{ name: 'lookup_order', start: 0, end: 3 }] });
    expect(plan.tokens).toHaveLength(3);
  });
});

describe('planAnswer with logprobs', () => {
  it.each([
    ['text', {}],
    ['a tool call', { tools: [{ type: 'function', function: { name: 'now' } }], tool_choice: 'required' }],
  ])('adds one entry per token to %s, leaving the tokens as they are', (_case, extra) => {
    const without = planAnswer(request(extra), 6);
    const plan = planAnswer(request({ ...extra, logprobs: true, top_logprobs: 2 }), 6);
    expect(plan.tokens).toEqual(without.tokens);
    expect(plan.toolCalls).toEqual(without.toolCalls);
    expect(plan.logprobs?.map((entry) => entry.token)).toEqual(plan.tokens);
    expect(plan.logprobs?.every((entry) => entry.top_logprobs.length === 2)).toBe(true);
  });
});

describe('planAnswer with answer faults', () => {
  const INVOICE = {
    type: 'object',
    required: ['total', 'currency'],
    properties: { total: { type: 'number' }, currency: { type: 'string' } },
  };
  const json = { response_format: { type: 'json_schema', json_schema: { name: 'invoice', schema: INVOICE } } };
  const lookup = {
    tools: [
      {
        type: 'function',
        function: {
          name: 'lookup_order',
          parameters: { type: 'object', required: ['order_id'], properties: { order_id: { type: 'string' } } },
        },
      },
    ],
    tool_choice: 'required',
  };
  const parsed = (plan: ReturnType<typeof planAnswer>) => JSON.parse(plan.tokens.join('')) as Record<string, unknown>;

  it('off schema: a JSON answer misses a required field, and says so', () => {
    const good = planAnswer(request(json), 16);
    const bad = planAnswer(request(json), 16, { offSchema: true });
    expect(Object.keys(parsed(good)).sort()).toEqual(['currency', 'total']);
    expect(parsed(bad)).toEqual({ currency: parsed(good).currency });
    expect(bad.offSchema).toBe(true);
    expect(good.offSchema).toBeUndefined();
  });

  it("off schema: tool arguments miss the tool's required parameter", () => {
    const bad = planAnswer(request(lookup), 16, { offSchema: true });
    expect(bad).toMatchObject({ finishReason: 'tool_calls', offSchema: true, toolCalls: [{ name: 'lookup_order' }] });
    expect(parsed(bad)).toEqual({});
  });

  it('off schema changes nothing in a plain text answer', () => {
    const plan = planAnswer(request(), 8, { offSchema: true });
    expect(plan).toEqual(planAnswer(request(), 8));
  });

  it('low confidence: logprobs far below normal, only when asked for', () => {
    const asked = request({ logprobs: true });
    const mean = (plan: ReturnType<typeof planAnswer>) =>
      plan.logprobs!.reduce((sum, entry) => sum + entry.logprob, 0) / plan.logprobs!.length;
    const normal = planAnswer(asked, 50);
    const low = planAnswer(asked, 50, { lowConfidence: true });
    expect(low.tokens).toEqual(normal.tokens);
    expect(mean(normal)).toBeGreaterThan(-0.7);
    expect(mean(low)).toBeLessThan(-3);
    expect(low.lowConfidence).toBe(true);
    const notAsked = planAnswer(request(), 8, { lowConfidence: true });
    expect(notAsked.logprobs).toBeUndefined();
    expect(notAsked.lowConfidence).toBeUndefined();
  });
});
