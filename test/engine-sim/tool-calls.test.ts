// The engine simulator's tool calls and logprobs over real HTTP, called with the official
// OpenAI client (its stream helper reassembles the chunks), as agent services call engines.
// Order and content are asserted, never elapsed time.
import { Ajv } from 'ajv';
import OpenAI from 'openai';
import type {
  ChatCompletion,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionFunctionTool,
  ChatCompletionMessageFunctionToolCall,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from './simulator.js';

const MODEL = 'sim-model';
const ORDER = {
  type: 'object',
  properties: {
    order_id: { type: 'string', minLength: 3 },
    include_items: { type: 'boolean' },
    status: { enum: ['open', 'shipped'] },
  },
  required: ['order_id', 'include_items', 'status'],
  additionalProperties: false,
};
const WEATHER = {
  type: 'object',
  properties: { city: { type: 'string' }, days: { type: 'integer', minimum: 1, maximum: 7 } },
  required: ['city', 'days'],
};
const tool = (name: string, parameters?: Record<string, unknown>): ChatCompletionFunctionTool => ({
  type: 'function',
  function: { name, description: `The ${name} tool`, ...(parameters ? { parameters } : {}) },
});
const TOOLS = [tool('lookup_order', ORDER), tool('get_weather', WEATHER), tool('current_time')];
const SCHEMAS: Record<string, object> = { lookup_order: ORDER, get_weather: WEATHER, current_time: { type: 'object' } };

const ask = (content: string, extra: Partial<Omit<ChatCompletionCreateParamsNonStreaming, 'stream'>> = {}) => ({
  model: MODEL,
  messages: [{ role: 'user' as const, content }],
  tools: TOOLS,
  ...extra,
});

/** The function calls of the first choice (the simulator only makes function calls). */
function callsOf(completion: ChatCompletion): ChatCompletionMessageFunctionToolCall[] {
  const calls = completion.choices[0]?.message.tool_calls ?? [];
  return calls.map((call) => {
    if (call.type !== 'function') throw new Error(`not a function call: ${JSON.stringify(call)}`);
    return call;
  });
}

/** Checks a call's arguments against its tool's parameters schema; returns them parsed. */
function checkedArguments(call: ChatCompletionMessageFunctionToolCall): unknown {
  const args = JSON.parse(call.function.arguments) as unknown;
  const validate = new Ajv().compile(SCHEMAS[call.function.name] ?? false);
  expect(validate(args), JSON.stringify(validate.errors)).toBe(true);
  return args;
}

describe('engine simulator: tool calls', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ outputTokens: 10 });
  });
  afterAll(() => sim.service.stop());

  it('required: calls one tool with arguments that satisfy its parameters, and repeats its id on a retry', async () => {
    const request = ask('Help me.', { tool_choice: 'required' });
    const completion = await sim.client.chat.completions.create(request);
    const [choice] = completion.choices;
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.message.content).toBeNull();
    const calls = callsOf(completion);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.id).toMatch(/^call_[A-Za-z0-9]{24}$/);
    checkedArguments(calls[0]!);
    expect(completion.usage?.completion_tokens).toBeGreaterThan(1); // the arguments' tokens

    const retry = await sim.client.chat.completions.create(request);
    expect(callsOf(retry)).toEqual(calls);
  });

  it('a named function: calls that one, even when the user names another', async () => {
    const completion = await sim.client.chat.completions.create(
      ask('What is the weather?', { tool_choice: { type: 'function', function: { name: 'lookup_order' } } }),
    );
    expect(callsOf(completion).map((call) => call.function.name)).toEqual(['lookup_order']);
    expect(checkedArguments(callsOf(completion)[0]!)).toMatchObject({ status: expect.stringMatching(/open|shipped/) });
  });

  it('auto on the user turn: calls the tool the user names, or else the first tool', async () => {
    const named = await sim.client.chat.completions.create(ask('Get weather for Oslo, please.'));
    expect(callsOf(named).map((call) => call.function.name)).toEqual(['get_weather']);
    checkedArguments(callsOf(named)[0]!);
    const unnamed = await sim.client.chat.completions.create(ask('Hello!', { tool_choice: 'auto' }));
    expect(callsOf(unnamed).map((call) => call.function.name)).toEqual(['lookup_order']);
  });

  it('auto naming two tools: calls both in one answer, or one without parallel tool calls', async () => {
    const both = await sim.client.chat.completions.create(ask('current_time, then get_weather'));
    expect(callsOf(both).map((call) => call.function.name)).toEqual(['get_weather', 'current_time']);
    expect(new Set(callsOf(both).map((call) => call.id)).size).toBe(2);
    expect(callsOf(both)[1]?.function.arguments).toBe('{}'); // a tool without parameters
    const one = await sim.client.chat.completions.create(
      ask('current_time, then get_weather', { parallel_tool_calls: false }),
    );
    expect(callsOf(one).map((call) => call.function.name)).toEqual(['get_weather']);
  });

  it('none: answers text, as without tools', async () => {
    const completion = await sim.client.chat.completions.create(ask('lookup_order 7', { tool_choice: 'none' }));
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.choices[0]?.message.content?.split(' ')).toHaveLength(10);
    expect(completion.choices[0]?.message.tool_calls).toBeUndefined();
  });

  it('runs a two-turn agent loop to its end: a tool call, then text about the tool result', async () => {
    /** An agent loop with a fake tool; returns the final text and the tools it ran. */
    const runAgent = async (result: string) => {
      const messages: ChatCompletionMessageParam[] = [
        { role: 'developer', content: 'Answer from the tools.' },
        { role: 'user', content: 'Where is order A-7? Use lookup order.' },
      ];
      const ran: string[] = [];
      for (let turn = 0; turn < 5; turn++) {
        const completion = await sim.client.chat.completions.create({ model: MODEL, messages, tools: TOOLS });
        const message = completion.choices[0]!.message;
        if (completion.choices[0]?.finish_reason === 'stop') return { text: message.content, ran };
        expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
        messages.push({ role: 'assistant', content: message.content, tool_calls: message.tool_calls });
        for (const call of callsOf(completion)) {
          ran.push(call.function.name);
          messages.push({ role: 'tool', tool_call_id: call.id, content: result });
        }
      }
      throw new Error('the agent loop did not end');
    };
    const shipped = await runAgent('{"status":"shipped"}');
    expect(shipped.ran).toEqual(['lookup_order']);
    expect(shipped.text).toMatch(/^[a-z]+( [a-z]+){9}$/);
    expect(await runAgent('{"status":"shipped"}')).toEqual(shipped);
    expect((await runAgent('{"status":"lost"}')).text).not.toBe(shipped.text); // the result counts
  });

  it('streams tool calls as vLLM does, which the client reassembles into the non-streamed answer', async () => {
    const request = ask('current_time, then get_weather');
    const raw = [];
    for await (const chunk of await sim.client.chat.completions.create({ ...request, stream: true })) raw.push(chunk);
    const deltas = raw.map((chunk) => chunk.choices[0]?.delta);
    expect(deltas[0]).toEqual({ role: 'assistant', content: '' });
    expect(deltas[1]).toEqual({
      tool_calls: [
        {
          index: 0,
          id: expect.stringMatching(/^call_/),
          type: 'function',
          function: { name: 'get_weather', arguments: '' },
        },
      ],
    });
    expect(deltas[2]).toEqual({ tool_calls: [{ index: 0, function: { arguments: expect.any(String) } }] });
    expect(raw.at(-1)?.choices[0]?.finish_reason).toBe('tool_calls');

    const stream = sim.client.chat.completions.stream(request);
    const finished: string[] = [];
    stream.on('tool_calls.function.arguments.done', (event) => finished.push(event.name));
    const streamed = await stream.finalChatCompletion();
    const plain = await sim.client.chat.completions.create(request);
    expect(streamed.choices[0]?.message.tool_calls).toEqual(plain.choices[0]?.message.tool_calls);
    expect(streamed.choices[0]?.message.content).toBeNull();
    expect(streamed.choices[0]?.finish_reason).toBe('tool_calls');
    expect(finished).toEqual(['get_weather', 'current_time']);
    callsOf(streamed).forEach(checkedArguments);
  });

  it('cuts tool arguments at max_tokens, finishing with length, streamed or not', async () => {
    const request = ask('lookup_order', { max_tokens: 3 });
    const plain = await sim.client.chat.completions.create(request);
    expect(plain.choices[0]?.finish_reason).toBe('length');
    expect(plain.usage?.completion_tokens).toBe(3);
    const [call] = callsOf(plain);
    expect(() => JSON.parse(call!.function.arguments)).toThrow(); // cut short, as from an engine
    const streamed = await sim.client.chat.completions.stream(request).finalChatCompletion();
    expect(streamed.choices[0]).toMatchObject({
      finish_reason: 'length',
      message: { tool_calls: plain.choices[0]?.message.tool_calls },
    });
  });

  it.each([
    [
      'a tool_choice naming no tool',
      ask('x', { tool_choice: { type: 'function', function: { name: 'send_email' } } }),
      'tool_choice.function.name',
    ],
    ['two tools of one name', ask('x', { tools: [tool('a'), tool('a')] }), 'tools[1].function.name'],
    [
      'tool_choice without tools',
      { model: MODEL, messages: [{ role: 'user', content: 'x' }], tool_choice: 'required' },
      'tool_choice',
    ],
    [
      'a tool result answering no call',
      {
        model: MODEL,
        messages: [
          { role: 'user', content: 'x' },
          { role: 'tool', tool_call_id: 'call_nowhere', content: '{}' },
        ],
      },
      'messages[1].tool_call_id',
    ],
    [
      'top_logprobs without logprobs',
      { model: MODEL, messages: [{ role: 'user', content: 'x' }], top_logprobs: 2 },
      'top_logprobs',
    ],
  ])('refuses %s with 400 naming the parameter', async (_case, body, param) => {
    const error = await sim.client.chat.completions.create(body as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ status: 400, param, type: 'invalid_request_error' });
  });
});

describe('engine simulator: logprobs', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ outputTokens: 6 });
  });
  afterAll(() => sim.service.stop());

  const question = { model: MODEL, messages: [{ role: 'user' as const, content: 'How are you?' }] };

  it('reports a log probability per token, top_logprobs candidates each, without changing the text', async () => {
    const completion = await sim.client.chat.completions.create({ ...question, logprobs: true, top_logprobs: 3 });
    const content = completion.choices[0]?.logprobs?.content ?? [];
    expect(content).toHaveLength(6);
    expect(content.map((entry) => entry.token).join('')).toBe(completion.choices[0]?.message.content);
    for (const entry of content) {
      expect(entry.logprob).toBeLessThanOrEqual(0);
      expect(Buffer.from(entry.bytes ?? []).toString()).toBe(entry.token);
      expect(entry.top_logprobs).toHaveLength(3);
      expect(entry.top_logprobs[0]).toEqual({ token: entry.token, logprob: entry.logprob, bytes: entry.bytes });
    }
    const without = await sim.client.chat.completions.create(question);
    expect(without.choices[0]?.logprobs).toBeNull();
    expect(without.choices[0]?.message.content).toBe(completion.choices[0]?.message.content);
  });

  it('streams each token with its logprobs, adding up to the non-streamed ones', async () => {
    const request = { ...question, logprobs: true, top_logprobs: 2 };
    const plain = await sim.client.chat.completions.create(request);
    let withLogprobs = 0;
    for await (const chunk of await sim.client.chat.completions.create({ ...request, stream: true })) {
      const choice = chunk.choices[0];
      if (choice?.delta.content) {
        expect(choice.logprobs?.content?.map((entry) => entry.token)).toEqual([choice.delta.content]);
        withLogprobs++;
      }
    }
    expect(withLogprobs).toBe(6);
    const streamed = await sim.client.chat.completions.stream(request).finalChatCompletion();
    expect(streamed.choices[0]?.logprobs?.content).toEqual(plain.choices[0]?.logprobs?.content);
  });

  it('reports logprobs for the tokens of tool call arguments too', async () => {
    const request = { ...ask('lookup_order'), logprobs: true };
    const plain = await sim.client.chat.completions.create(request);
    const content = plain.choices[0]?.logprobs?.content ?? [];
    expect(content).toHaveLength(plain.usage!.completion_tokens);
    expect(content.map((entry) => entry.token).join('')).toBe(callsOf(plain)[0]?.function.arguments);
    expect(content.every((entry) => entry.top_logprobs.length === 0)).toBe(true);
    const streamed = await sim.client.chat.completions.stream(request).finalChatCompletion();
    expect(streamed.choices[0]?.logprobs?.content).toEqual(content);
  });
});
