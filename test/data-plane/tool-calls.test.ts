// Tool calling through both doors, end to end: the official `openai` client on the HTTP door,
// the generated gRPC client on the other, a real router, worker and the engine simulator
// (which answers tool calls deterministically; see docs/simulator.md).
import { status } from '@grpc/grpc-js';
import { Ajv } from 'ajv';
import OpenAI from 'openai';
import { zodFunction } from 'openai/helpers/zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Message, type InvokeRequest } from '@slm-fleet/proto';
import { installCrds, useSuiteEnv } from '@slm-fleet/testing';
import {
  RouterClient,
  failureOf,
  simSpecialist,
  startRouter,
  startSimulator,
  startWorker,
  ORDER_ID_PARAMETERS,
  ordersTask,
  stopFleet,
  type FleetProcess,
} from './fleet.js';

const TOOLS = {
  lookup_order: { description: 'Find an order by id', parameters: ORDER_ID_PARAMETERS },
  refund: {
    description: 'Refund an order',
    parameters: {
      type: 'object',
      properties: { order_id: { type: 'string' }, amount: { type: 'number', minimum: 0 } },
      required: ['order_id', 'amount'],
    },
  },
  escalate: {
    description: 'Hand the ticket to a person',
    parameters: { type: 'object', properties: { reason: { type: 'string' } } },
  },
} as const;
type ToolName = keyof typeof TOOLS;

const chatTools = (names: ToolName[] = ['lookup_order', 'refund', 'escalate']): OpenAI.ChatCompletionTool[] =>
  names.map((name) => ({ type: 'function', function: { name, ...TOOLS[name] } }));

const ajv = new Ajv();
const satisfies = (name: ToolName, args: string): boolean => ajv.validate(TOOLS[name].parameters, JSON.parse(args));

describe('tool calls through the router', () => {
  const env = useSuiteEnv('tool-calls');
  const processes: FleetProcess[] = [];
  let openai: OpenAI;
  let grpc: RouterClient;
  let base: string;

  beforeAll(async () => {
    await installCrds(env());
    await env().apply(simSpecialist('support-agent', ['support', 'orders']));
    await env().apply(ordersTask('support-agent'));
    // 5 ms a token: the worker sends each token of a streamed tool call as its own piece,
    // even when the machine is busy (faster ones may be sent together).
    const engine = await startSimulator({ tpot: '5ms', outputTokens: 12 });
    processes.push(engine, await startWorker(env(), 'support-agent', engine));
    const router = await startRouter(env());
    processes.push(router);
    base = `http://127.0.0.1:${router.port}/v1`;
    openai = new OpenAI({ baseURL: base, apiKey: 'unused', maxRetries: 0 });
    grpc = new RouterClient(router.grpcPort);
  });

  afterAll(async () => {
    grpc?.close();
    for (const p of processes.reverse()) await stopFleet(p);
  });

  const ask = (content: string) => [{ role: 'user' as const, content }];

  it('calls the function tool_choice names, with arguments that satisfy its schema', async () => {
    const completion = await openai.chat.completions.create({
      model: 'support',
      messages: ask('I want my money back for order 42'),
      tools: chatTools(),
      tool_choice: { type: 'function', function: { name: 'refund' } },
    });
    const choice = completion.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    const call = choice.message.tool_calls?.[0];
    expect(call?.type).toBe('function');
    if (call?.type !== 'function') throw new Error('expected a function call');
    expect(call.id).toMatch(/\S/);
    expect(call.function.name).toBe('refund');
    expect(satisfies('refund', call.function.arguments)).toBe(true);
  });

  it('calls some tool when tool_choice is required, and none when it is none', async () => {
    const required = await openai.chat.completions.create({
      model: 'support',
      messages: ask('Help me'),
      tools: chatTools(),
      tool_choice: 'required',
    });
    const call = required.choices[0]!.message.tool_calls?.[0];
    expect(required.choices[0]!.finish_reason).toBe('tool_calls');
    if (call?.type !== 'function') throw new Error('expected a function call');
    expect(Object.keys(TOOLS)).toContain(call.function.name);
    expect(satisfies(call.function.name as ToolName, call.function.arguments)).toBe(true);

    const none = await openai.chat.completions.create({
      model: 'support',
      messages: ask('Help me'),
      tools: chatTools(),
      tool_choice: 'none',
    });
    expect(none.choices[0]!.message.tool_calls).toBeUndefined();
    expect(none.choices[0]!.message.content?.length).toBeGreaterThan(0);
    expect(none.choices[0]!.finish_reason).not.toBe('tool_calls');
  });

  it('runs a two-turn tool loop: a tool call, then an answer that reads its result', async () => {
    const messages: OpenAI.ChatCompletionMessageParam[] = [
      { role: 'developer', content: 'You help with orders.' },
      { role: 'user', content: [{ type: 'text', text: 'Where is order 42? Please lookup order.' }] },
    ];
    const first = await openai.chat.completions.create({
      model: 'support',
      messages,
      tools: chatTools(),
      tool_choice: 'auto',
    });
    const assistant = first.choices[0]!.message;
    expect(first.choices[0]!.finish_reason).toBe('tool_calls');
    const call = assistant.tool_calls![0]!;
    if (call.type !== 'function') throw new Error('expected a function call');
    messages.push(assistant, { role: 'tool', tool_call_id: call.id, content: '{"status": "shipped"}' });
    const second = await openai.chat.completions.create({
      model: 'support',
      messages,
      tools: chatTools(),
      tool_choice: 'auto',
    });
    expect(second.choices[0]!.finish_reason).not.toBe('tool_calls');
    expect(second.choices[0]!.message.content?.length).toBeGreaterThan(0);
  });

  it('streams a tool call in OpenAI chunks: id and name first, then the arguments in pieces', async () => {
    const stream = await openai.chat.completions.create({
      model: 'support',
      messages: ask('Refund order 42'),
      tools: chatTools(),
      tool_choice: { type: 'function', function: { name: 'refund' } },
      stream: true,
    });
    const pieces: OpenAI.ChatCompletionChunk.Choice.Delta.ToolCall[] = [];
    let finish: string | null = null;
    for await (const chunk of stream) {
      pieces.push(...(chunk.choices[0]?.delta.tool_calls ?? []));
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(finish).toBe('tool_calls');
    expect(pieces[0]).toMatchObject({ index: 0, type: 'function', function: { name: 'refund' } });
    expect(pieces[0]?.id).toMatch(/\S/);
    expect(pieces.length).toBeGreaterThanOrEqual(1);
    for (const later of pieces.slice(1)) expect(later).not.toHaveProperty('id');
    const args = pieces.map((p) => p.function?.arguments ?? '').join('');
    expect(satisfies('refund', args)).toBe(true);
  });

  it("reassembles a streamed tool call with the client's stream helper", async () => {
    const runner = openai.chat.completions.stream({
      model: 'support',
      messages: ask('Find order 7'),
      tools: chatTools(),
      tool_choice: { type: 'function', function: { name: 'lookup_order' } },
    });
    const final = await runner.finalChatCompletion();
    const call = final.choices[0]!.message.tool_calls?.[0];
    if (call?.type !== 'function') throw new Error('expected a function call');
    expect(call.function.name).toBe('lookup_order');
    expect(satisfies('lookup_order', call.function.arguments)).toBe(true);
  });

  it('parses zod-defined strict tools with chat.completions.parse', async () => {
    const completion = await openai.chat.completions.parse({
      model: 'support',
      messages: ask('Refund order 9, 12.5 EUR'),
      tools: [zodFunction({ name: 'refund', parameters: z.object({ order_id: z.string(), amount: z.number() }) })],
      tool_choice: { type: 'function', function: { name: 'refund' } },
    });
    const call = completion.choices[0]!.message.tool_calls?.[0];
    if (call?.type !== 'function') throw new Error('expected a function call');
    const parsed = call.function.parsed_arguments as { order_id: string; amount: number };
    expect(typeof parsed.order_id).toBe('string');
    expect(typeof parsed.amount).toBe('number');
  });

  it('returns logprobs per output token, plain and streamed', async () => {
    const plain = await openai.chat.completions.create({
      model: 'support',
      messages: ask('Say something'),
      logprobs: true,
      top_logprobs: 2,
      max_tokens: 6,
    });
    const content = plain.choices[0]!.logprobs?.content ?? [];
    expect(content).toHaveLength(plain.usage!.completion_tokens);
    expect(content.every((t) => t.logprob <= 0 && t.top_logprobs.length === 2)).toBe(true);
    expect(content.map((t) => t.token).join('')).toBe(plain.choices[0]!.message.content);

    const runner = openai.chat.completions.stream({
      model: 'support',
      messages: ask('Say something'),
      logprobs: true,
      max_tokens: 6,
    });
    const streamed = await runner.finalChatCompletion();
    expect(streamed.choices[0]!.logprobs?.content).toHaveLength(6);
  });

  it('keeps a task to its own tool set and checks the arguments the task asks for', async () => {
    const served = await openai.chat.completions.create({
      model: 'orders',
      messages: ask('Find order 1'),
      tools: chatTools(['lookup_order']),
      tool_choice: 'required',
    });
    expect(served.choices[0]!.message.tool_calls?.[0]).toMatchObject({ function: { name: 'lookup_order' } });
    const refused = await openai.chat.completions
      .create({ model: 'orders', messages: ask('Refund order 1'), tools: chatTools(['refund']) })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
    expect((refused as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('tools[0].function.name');
  });

  it.each([
    [
      'a tool without a name',
      { tools: [{ type: 'function', function: { parameters: ORDER_ID_PARAMETERS } }] },
      'tools[0].function.name',
    ],
    [
      'tool_choice naming an unknown tool',
      { tools: chatTools(['refund']), tool_choice: { type: 'function', function: { name: 'cancel' } } },
      'tool_choice.function.name',
    ],
    [
      'a tool message answering no call',
      { messages: [...ask('x'), { role: 'tool', tool_call_id: 'call_9', content: 'r' }] },
      'messages[1].tool_call_id',
    ],
    ['the deprecated functions parameter', { functions: [{ name: 'f' }] }, 'functions'],
    ['a parameter slm-fleet does not serve', { logit_bias: { '42': 1 } }, 'logit_bias'],
    ['duplicate tool names', { tools: chatTools(['refund', 'refund']) }, 'tools[1].function.name'],
    ['a name with a space', { tools: [{ type: 'function', function: { name: 'look up' } }] }, 'tools[0].function.name'],
    [
      'parameters that are not a schema',
      { tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'banana' } } }] },
      'tools[0].function.parameters',
    ],
    [
      'parameters as JSON text',
      { tools: [{ type: 'function', function: { name: 'f', parameters: '{}' } }] },
      'tools[0].function.parameters',
    ],
    [
      'too many tools',
      { tools: Array.from({ length: 129 }, (_, i) => ({ type: 'function', function: { name: `t${i}` } })) },
      'tools',
    ],
    ['a tool of another type', { tools: [{ type: 'custom', custom: { name: 'x' } }] }, 'tools[0].type'],
    ['tool_choice required without tools', { tool_choice: 'required' }, 'tool_choice'],
    ['an unknown tool_choice mode', { tools: chatTools(['refund']), tool_choice: 'always' }, 'tool_choice'],
    ['parallel_tool_calls without tools', { parallel_tool_calls: false }, 'parallel_tool_calls'],
    [
      'a tool message without tool_call_id',
      { messages: [...ask('x'), { role: 'tool', content: 'r' }] },
      'messages[1].tool_call_id',
    ],
    [
      'arguments that are not JSON',
      {
        messages: [
          ...ask('x'),
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'c1', type: 'function', function: { name: 'refund', arguments: '{oops' } }],
          },
          { role: 'tool', tool_call_id: 'c1', content: 'r' },
        ],
      },
      'messages[1].tool_calls[0].function.arguments',
    ],
    [
      'a tool call left unanswered',
      {
        messages: [
          ...ask('x'),
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'c1', type: 'function', function: { name: 'refund', arguments: '{}' } }],
          },
          ...ask('and?'),
        ],
      },
      'messages[2]',
    ],
    ['top_logprobs without logprobs', { top_logprobs: 3 }, 'top_logprobs'],
    [
      'an image part',
      { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'x' } }] }] },
      'messages[0].content[0]',
    ],
    ['store: true', { store: true }, 'store'],
  ])('refuses %s with a 400 naming the field, in OpenAI error shape', async (_name, extra, param) => {
    const response = await fetch(`${base}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'support', messages: ask('hello'), ...extra }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { param: string; type: string; message: string } };
    expect(body.error).toMatchObject({ param, type: 'invalid_request_error' });
    expect(body.error.message).toContain(param);
    // The router keeps serving.
    const next = await openai.chat.completions.create({
      model: 'support',
      messages: ask('still there?'),
      max_tokens: 2,
    });
    expect(next.choices[0]?.message.content?.length).toBeGreaterThan(0);
  });

  const grpcTool = { name: 'refund', description: '', parameters: JSON.stringify(TOOLS.refund.parameters) };
  const grpcMessage = (m: Partial<Message>): Message => Message.fromPartial(m);
  it.each<[string, Partial<InvokeRequest>, string]>([
    ['a tool without a name', { tools: [{ ...grpcTool, name: '' }] }, 'tools[0].name'],
    ['a name with a slash', { tools: [{ ...grpcTool, name: 'a/b' }] }, 'tools[0].name'],
    ['duplicate tool names', { tools: [grpcTool, grpcTool] }, 'tools[1].name'],
    ['parameters not JSON', { tools: [{ ...grpcTool, parameters: '{type:' }] }, 'tools[0].parameters'],
    ['parameters not an object', { tools: [{ ...grpcTool, parameters: '[1]' }] }, 'tools[0].parameters'],
    ['parameters not a schema', { tools: [{ ...grpcTool, parameters: '{"type":"banana"}' }] }, 'tools[0].parameters'],
    ['too many tools', { tools: Array.from({ length: 129 }, (_, i) => ({ ...grpcTool, name: `t${i}` })) }, 'tools'],
    ['an unknown tool_choice mode', { tools: [grpcTool], toolChoice: { mode: 'always' } }, 'tool_choice'],
    [
      'tool_choice naming an unknown tool',
      { tools: [grpcTool], toolChoice: { function: 'cancel' } },
      'tool_choice.function',
    ],
    ['tool_choice required without tools', { toolChoice: { mode: 'required' } }, 'tool_choice'],
    ['parallel_tool_calls without tools', { parallelToolCalls: true }, 'parallel_tool_calls'],
    [
      'a tool message without tool_call_id',
      {
        prompt: '',
        messages: [grpcMessage({ role: 'user', content: 'x' }), grpcMessage({ role: 'tool', content: 'r' })],
      },
      'messages[1].tool_call_id',
    ],
    [
      'a tool message with an unknown tool_call_id',
      {
        prompt: '',
        messages: [
          grpcMessage({ role: 'user', content: 'x' }),
          grpcMessage({ role: 'tool', content: 'r', toolCallId: 'nope' }),
        ],
      },
      'messages[1].tool_call_id',
    ],
    [
      'arguments not JSON',
      {
        prompt: '',
        messages: [
          grpcMessage({ role: 'user', content: 'x' }),
          grpcMessage({ role: 'assistant', toolCalls: [{ id: 'c1', name: 'refund', arguments: 'nope' }] }),
          grpcMessage({ role: 'tool', content: 'r', toolCallId: 'c1' }),
        ],
      },
      'messages[1].tool_calls[0].arguments',
    ],
    [
      'a tool call without an id',
      {
        prompt: '',
        messages: [
          grpcMessage({ role: 'user', content: 'x' }),
          grpcMessage({ role: 'assistant', toolCalls: [{ id: '', name: 'refund', arguments: '{}' }] }),
        ],
      },
      'messages[1].tool_calls[0].id',
    ],
    [
      'tool calls on a user message',
      {
        prompt: '',
        messages: [grpcMessage({ role: 'user', content: 'x', toolCalls: [{ id: 'c', name: 'f', arguments: '{}' }] })],
      },
      'messages[0].tool_calls',
    ],
    ['top_logprobs without logprobs', { parameters: { stop: [], topLogprobs: 2 } }, 'parameters.top_logprobs'],
    ['a penalty out of range', { parameters: { stop: [], frequencyPenalty: 3 } }, 'parameters.frequency_penalty'],
  ])('refuses %s over gRPC with INVALID_ARGUMENT naming the field', async (_name, request, field) => {
    const failure = await failureOf(grpc.invoke({ task: 'support', prompt: 'hello', ...request }));
    expect(failure.code).toBe(status.INVALID_ARGUMENT);
    expect(failure.details.startsWith(`${field}: `)).toBe(true);
    expect((await grpc.invoke({ task: 'support', prompt: 'still there?' })).output.length).toBeGreaterThan(0);
  });

  it('carries tools, tool calls and tool results over gRPC, unary and streamed', async () => {
    const tools = [
      { name: 'refund', description: 'Refund an order', parameters: JSON.stringify(TOOLS.refund.parameters) },
    ];
    const response = await grpc.invoke({
      task: 'support',
      prompt: 'Refund order 3',
      tools,
      toolChoice: { function: 'refund' },
    });
    expect(response.finishReason).toBe('tool_calls');
    const call = response.toolCalls[0]!;
    expect(call.name).toBe('refund');
    expect(satisfies('refund', call.arguments)).toBe(true);

    const chunks = await grpc.invokeStream({
      task: 'support',
      prompt: 'Refund order 3',
      tools,
      toolChoice: { function: 'refund' },
    });
    const pieces = chunks.flatMap((c) => c.toolCalls);
    expect(pieces[0]).toMatchObject({ index: 0, id: call.id, name: 'refund' });
    expect(pieces.map((p) => p.arguments).join('')).toBe(chunks.at(-1)?.done?.toolCalls[0]?.arguments);

    const next = await grpc.invoke({
      task: 'support',
      tools,
      messages: [
        { role: 'user', content: 'Refund order 3', toolCalls: [], toolCallId: '', name: '' },
        { role: 'assistant', content: '', toolCalls: [call], toolCallId: '', name: '' },
        { role: 'tool', content: '{"refunded": true}', toolCalls: [], toolCallId: call.id, name: '' },
      ],
    });
    expect(next.toolCalls).toEqual([]);
    expect(next.output.length).toBeGreaterThan(0);

    const refused = await failureOf(
      grpc.invoke({ task: 'support', prompt: 'x', tools: [{ ...tools[0]!, parameters: '{"type": 7}' }] }),
    );
    expect(refused.code).toBe(status.INVALID_ARGUMENT);
    expect(refused.details).toContain('tools[0].parameters');
    // The router keeps serving after bad input.
    expect((await grpc.invoke({ task: 'support', prompt: 'still there?' })).output.length).toBeGreaterThan(0);
  });
});
